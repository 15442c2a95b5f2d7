"""Admin pages: the moderation queue, vendor moderation, the audit log and its CSV export.

Every route here is for admins only (one guard for the whole blueprint: a route added later
cannot forget it). Views load or 404, call one service, commit once, and redirect; a service's
``FieldErrors`` re-render the page with the messages beside the fields.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from marketplace.accounts.auth import safe_next
from marketplace.admin import services
from marketplace.admin.audit import (
    ACTIONS,
    AuditFilter,
    admin_users,
    audit_page,
    audit_query,
    export_rows,
    parse_audit_filter,
)
from marketplace.admin.forms import (
    ActionForm,
    AuditFilterForm,
    ChangesForm,
    ReasonForm,
    ResolveFlagForm,
    VendorSearchForm,
    VerifyCertificationForm,
)
from marketplace.admin.models import AuditLog, Flag
from marketplace.clock import utcnow
from marketplace.directory.models import VENDOR_STATUSES, Vendor, VendorCertification
from marketplace.extensions import db, login_manager
from marketplace.forms import apply_field_errors, choices
from marketplace.parsing import FieldErrors
from marketplace.reviews import services as review_services
from marketplace.reviews.models import Review

bp = Blueprint("admin", __name__, url_prefix="/admin")

Failed = tuple[str, Any]  # (form key, bound form with errors) to show instead of a fresh form


@bp.before_request
def admins_only() -> BaseResponse | None:
    """Anonymous visitors are sent to sign in; other roles get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if current_user.role != "admin":
        abort(403)
    return None


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def _fail(form: Any, error: Exception) -> None:
    """Roll back and show the service's complaint on ``form``."""
    db.session.rollback()
    if isinstance(error, FieldErrors):
        apply_field_errors(form, error)
    else:
        form.form_errors.append(str(error))


# --- the queue -----------------------------------------------------------------------------------


@bp.route("/queue")
def queue() -> Any:
    """Everything waiting for an admin, one tab at a time, oldest first."""
    tab = request.args.get("tab", "vendors")
    if tab not in services.QUEUE_TABS:
        tab = "vendors"
    return _render_queue(tab, _page_arg())


def _render_queue(tab: str, page: int, failed: Failed | None = None, status: int = 200) -> Any:
    items, pages = services.queue_items(tab, page)
    if failed is not None and failed[0] not in {_queue_key(tab, item) for item in items}:
        # The item acted on is not on this page (already moderated, or another page).
        messages = [str(m) for errs in failed[1].errors.values() for m in errs]
        flash(" ".join(messages), "error")
    targets: dict[int, Any] = {}
    if tab == "flags":
        targets = {flag.id: services.flag_target_object(flag) for flag in items}
    context = {
        "tab": tab,
        "tabs": services.QUEUE_TABS,
        "counts": services.queue_counts(),
        "items": items,
        "page": min(max(page, 1), pages),
        "pages": pages,
        "targets": targets,
        "failed": failed,
        "flag_actions": services.FLAG_ACTIONS,
        "forms": {
            "action": ActionForm(formdata=None),
            "reason": ReasonForm(formdata=None),
            "changes": ChangesForm(formdata=None),
            "verify": VerifyCertificationForm(formdata=None),
            "resolve": ResolveFlagForm(formdata=None),
        },
    }
    return render_template("admin/queue.html", **context), status


def _queue_key(tab: str, item: Any) -> str:
    """The key a queue item's forms are known by (see ``failed`` in the template)."""
    if tab == "certifications":
        return f"verify-{item.vendor_id}-{item.certification_id}"
    return f"{tab[:-1]}-{item.id}"


# --- vendors -----------------------------------------------------------------------------------


@bp.route("/vendors")
def vendors() -> str:
    """Find any vendor, whatever its status (to suspend, reinstate or check it)."""
    form = VendorSearchForm(request.args)
    form.status.choices = choices([("", "Any status"), *((s, s.title()) for s in VENDOR_STATUSES)])
    stmt = select(Vendor)
    q = (form.q.data or "").strip()[:80]
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(Vendor.name).like(pattern) | Vendor.slug.like(pattern))
    if form.status.data in VENDOR_STATUSES:
        stmt = stmt.where(Vendor.status == form.status.data)
    total = int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    per_page = 50
    pages = max(1, -(-total // per_page))
    page = min(_page_arg(), pages)
    rows = db.session.scalars(
        stmt.order_by(Vendor.name, Vendor.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    args = {k: v for k, v in {"q": q, "status": form.status.data or ""}.items() if v}
    return render_template(
        "admin/vendors.html",
        form=form,
        vendors=rows,
        total=total,
        page=page,
        pages=pages,
        args=args,
    )


def _vendor_or_404(vendor_id: int) -> Vendor:
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    return vendor


def _render_vendor(vendor: Vendor, failed: Failed | None = None, status: int = 200) -> Any:
    history = db.session.scalars(
        audit_query(AuditFilter(target_type="vendor", target_id=vendor.id))
        .options(selectinload(AuditLog.actor))
        .limit(50)
    ).all()
    flags = db.session.scalars(
        select(Flag)
        .where(Flag.target_type == "vendor", Flag.target_id == vendor.id)
        .order_by(Flag.created_at.desc())
        .limit(20)
    ).all()
    reviews = db.session.scalars(
        select(Review)
        .where(Review.vendor_id == vendor.id)
        .options(selectinload(Review.buyer))
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(20)
    ).all()
    context = {
        "vendor": vendor,
        "reviews": reviews,
        "history": history,
        "actions": ACTIONS,
        "flags": flags,
        "failed": failed,
        "today": utcnow().date(),
        "cert_state": services.certification_state,
        "forms": {
            "action": ActionForm(formdata=None),
            "reject": ReasonForm(formdata=None),
            "changes": ChangesForm(formdata=None),
            "suspend": ReasonForm(formdata=None),
            "reinstate": ReasonForm(formdata=None),
            "verified": ReasonForm(formdata=None),
            "verify": VerifyCertificationForm(formdata=None),
            "revoke": ReasonForm(formdata=None),
            "hide": ReasonForm(formdata=None),
        },
    }
    return render_template("admin/vendor.html", **context), status


@bp.route("/vendors/<int:vendor_id>")
def vendor(vendor_id: int) -> Any:
    """One vendor as admins see it: status, certifications, flags and its audit history."""
    return _render_vendor(_vendor_or_404(vendor_id))


def _vendor_action(vendor_id: int, key: str, form: Any, call: Any, done: str) -> Any:
    vendor = _vendor_or_404(vendor_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        call(vendor, form)
    except (FieldErrors, services.ModerationError) as error:
        _fail(form, error)
        db.session.refresh(vendor)
        return _render_vendor(vendor, (key, form), 422)
    db.session.commit()
    flash(done.format(name=vendor.name), "success")
    return redirect(safe_next(url_for("admin.vendor", vendor_id=vendor.id)))


@bp.route("/vendors/<int:vendor_id>/approve", methods=["POST"])
def approve_vendor(vendor_id: int) -> Any:
    """Publish a pending profile."""
    return _vendor_action(
        vendor_id,
        "action",
        ActionForm(),
        lambda v, f: services.approve_vendor(current_user, v, utcnow()),
        "{name} is published.",
    )


@bp.route("/vendors/<int:vendor_id>/reject", methods=["POST"])
def reject_vendor(vendor_id: int) -> Any:
    """Refuse a pending profile with a reason."""
    return _vendor_action(
        vendor_id,
        "reject",
        ReasonForm(),
        lambda v, f: services.reject_vendor(current_user, v, f.reason.data, utcnow()),
        "{name} is rejected; the vendor has been told why.",
    )


@bp.route("/vendors/<int:vendor_id>/request-changes", methods=["POST"])
def request_changes(vendor_id: int) -> Any:
    """Send a pending profile back to the vendor with what to change."""
    return _vendor_action(
        vendor_id,
        "changes",
        ChangesForm(),
        lambda v, f: services.request_vendor_changes(current_user, v, f.message.data, utcnow()),
        "{name} is back in draft; the vendor has been told what to change.",
    )


@bp.route("/vendors/<int:vendor_id>/suspend", methods=["POST"])
def suspend_vendor(vendor_id: int) -> Any:
    """Suspend a published vendor: hidden, out of search, no new invitations."""
    return _vendor_action(
        vendor_id,
        "suspend",
        ReasonForm(),
        lambda v, f: services.suspend_vendor(current_user, v, f.reason.data, utcnow()),
        "{name} is suspended and hidden from buyers.",
    )


@bp.route("/vendors/<int:vendor_id>/reinstate", methods=["POST"])
def reinstate_vendor(vendor_id: int) -> Any:
    """Lift a suspension."""
    return _vendor_action(
        vendor_id,
        "reinstate",
        ReasonForm(),
        lambda v, f: services.reinstate_vendor(current_user, v, f.reason.data, utcnow()),
        "{name} is reinstated and public again.",
    )


@bp.route("/vendors/<int:vendor_id>/verified", methods=["POST"])
def set_vendor_verified(vendor_id: int) -> Any:
    """Grant or remove the company's "Verified" badge, with a note of what was checked."""
    verified = request.form.get("verified") == "1"
    return _vendor_action(
        vendor_id,
        "verified",
        ReasonForm(),
        lambda v, f: services.set_vendor_verified(
            current_user, v, verified, f.reason.data, utcnow()
        ),
        "{name} is now verified." if verified else "{name} is no longer marked verified.",
    )


def _certification_or_404(vendor_id: int, certification_id: int) -> VendorCertification:
    link = db.session.get(VendorCertification, (vendor_id, certification_id))
    if link is None:
        abort(404)
    return link


@bp.route("/vendors/<int:vendor_id>/certifications/<int:certification_id>/verify", methods=["POST"])
def verify_certification(vendor_id: int, certification_id: int) -> Any:
    """Mark a claimed certification verified, with evidence and expiry."""
    link = _certification_or_404(vendor_id, certification_id)
    return _vendor_action(
        vendor_id,
        f"verify-{certification_id}",
        VerifyCertificationForm(),
        lambda v, f: services.verify_certification(
            current_user, link, f.evidence_note.data, f.expires_on.data, utcnow()
        ),
        f"{link.certification.name} of {{name}} is verified.",
    )


@bp.route("/vendors/<int:vendor_id>/certifications/<int:certification_id>/revoke", methods=["POST"])
def revoke_certification(vendor_id: int, certification_id: int) -> Any:
    """Take a certification's verification back."""
    link = _certification_or_404(vendor_id, certification_id)
    return _vendor_action(
        vendor_id,
        f"revoke-{certification_id}",
        ReasonForm(),
        lambda v, f: services.revoke_certification(current_user, link, f.reason.data, utcnow()),
        f"{link.certification.name} of {{name}} is back to claimed.",
    )


# --- reviews and flags (acted on from the queue) -------------------------------------------------


def _queue_action(tab: str, key: str, form: Any, call: Any, done: str) -> Any:
    if not form.validate_on_submit():
        abort(400)
    try:
        call(form)
    except (FieldErrors, services.ModerationError, review_services.ReviewError) as error:
        _fail(form, error)
        return _render_queue(tab, _page_arg(), (key, form), 422)
    db.session.commit()
    flash(done, "success")
    return redirect(safe_next(url_for("admin.queue", tab=tab)))


def _review_or_404(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


@bp.route("/reviews/<int:review_id>/publish", methods=["POST"])
def publish_review(review_id: int) -> Any:
    """Publish a pending review; the vendor's rating updates with it."""
    review = _review_or_404(review_id)
    return _queue_action(
        "reviews",
        f"review-{review.id}",
        ActionForm(),
        lambda f: review_services.publish_review(current_user, review, utcnow()),
        "The review is published.",
    )


@bp.route("/reviews/<int:review_id>/reject", methods=["POST"])
def reject_review(review_id: int) -> Any:
    """Reject a pending review with a reason the buyer is told."""
    review = _review_or_404(review_id)
    return _queue_action(
        "reviews",
        f"review-{review.id}",
        ReasonForm(),
        lambda f: review_services.reject_review(current_user, review, f.reason.data, utcnow()),
        "The review is rejected.",
    )


@bp.route("/reviews/<int:review_id>/hide", methods=["POST"])
def hide_review(review_id: int) -> Any:
    """Hide a review from the profile; the rating no longer counts it."""
    review = _review_or_404(review_id)
    return _queue_action(
        "reviews",
        f"review-{review.id}",
        ReasonForm(),
        lambda f: review_services.hide_review(current_user, review, f.reason.data, utcnow()),
        "The review is hidden.",
    )


@bp.route("/flags/<int:flag_id>/resolve", methods=["POST"])
def resolve_flag(flag_id: int) -> Any:
    """Close a flag: dismiss it, hide the review or suspend the vendor."""
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        abort(404)
    return _queue_action(
        "flags",
        f"flag-{flag.id}",
        ResolveFlagForm(),
        lambda f: services.resolve_flag(
            current_user, flag, f.action.data or "", f.note.data, utcnow()
        ),
        "The flag is resolved.",
    )


# --- the audit log -------------------------------------------------------------------------------


def _audit_form() -> tuple[AuditFilterForm, AuditFilter | None]:
    form = AuditFilterForm(request.args)
    form.actor.choices = choices(
        [("", "Anyone"), *((str(u.id), f"{u.display_name} ({u.email})") for u in admin_users())]
    )
    try:
        return form, parse_audit_filter(request.args)
    except FieldErrors as errors:
        apply_field_errors(form, errors)
        return form, None


@bp.route("/audit")
def audit_log() -> Any:
    """The audit log, newest first, filtered by action, admin, target and dates."""
    form, flt = _audit_form()
    if flt is None:
        return render_template(
            "admin/audit.html", form=form, result=None, args={}, actions=ACTIONS
        ), 422
    return render_template(
        "admin/audit.html",
        form=form,
        result=audit_page(flt, _page_arg()),
        args=flt.as_args(),
        actions=ACTIONS,
    )


@bp.route("/audit.csv")
def audit_export() -> Response:
    """The filtered audit log as CSV (formula-like cells neutralised)."""
    _, flt = _audit_form()
    if flt is None:
        abort(400)
    filename = f"audit-log-{utcnow():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(export_rows(flt)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
