"""Pages of the quote workflow: post a request, get matched, the request page, award, the vendor's
lead inbox and quote form, and the message threads. Thin: load or 404, call a service, render."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.accounts.auth import role_required
from marketplace.accounts.forms import EmptyForm
from marketplace.clock import as_utc, utcnow
from marketplace.directory.models import (
    PRICING_MODEL_LABELS,
    Certification,
    ServiceCategory,
    Vendor,
    VendorService,
)
from marketplace.directory.services import (
    country_choices,
    country_name,
    price_label,
    vendor_for_user,
)
from marketplace.extensions import db, limiter
from marketplace.forms import apply_field_errors, choices
from marketplace.matching import budget_fit, indicative_monthly, response_label
from marketplace.matching.loader import recommendations_for
from marketplace.parsing import FieldErrors
from marketplace.quotes import services
from marketplace.quotes.access import (
    get_lead_or_404,
    get_own_quote_or_404,
    get_own_request_or_404,
    get_request_for_user_or_404,
    get_thread_or_404,
    vendor_invitation,
)
from marketplace.quotes.forms import (
    WEIGHT_LABELS,
    DeadlineForm,
    DeclineForm,
    MessageForm,
    QuoteForm,
    RequestForm,
)
from marketplace.quotes.models import DEFAULT_WEIGHTS, Invitation, Quote, QuoteRequest
from marketplace.quotes.pricing import QuoteFigures, preview, price_quotes
from marketplace.quotes.services import (
    MAX_INVITATIONS,
    QuoteInput,
    RequestInput,
    WorkflowError,
    accepting_quotes,
    current_quote,
    effective_status,
    quote_is_expired,
)
from marketplace.quotes.threads import (
    linkify,
    mark_thread_read,
    post_message,
    thread_messages,
    unread_by_thread,
)
from marketplace.rates.services import current_rates

bp = Blueprint("quotes", __name__)

STATUS_LABELS = {
    "draft": "Draft",
    "open": "Open for quotes",
    "closed": "Closed for quotes",
    "awarded": "Awarded",
    "cancelled": "Cancelled",
    "invited": "Invited",
    "viewed": "Viewed",
    "quoted": "Quoted",
    "declined": "Declined",
    "won": "Won",
    "lost": "Not selected",
    "submitted": "Submitted",
    "superseded": "Superseded",
    "withdrawn": "Withdrawn",
    "accepted": "Accepted",
    "rejected": "Not selected",
    "expired": "Expired",
}


@bp.app_template_filter("linkify")
def _linkify_filter(text: str | None) -> Any:
    return linkify(text)


@bp.app_template_filter("status_label")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize())


@bp.app_template_filter("unit_price")
def _unit_price(amount: Any, currency: str) -> str:
    return price_label(amount, currency)


@bp.app_template_filter("quote_country")
def _country_name(code: str | None) -> str:
    return country_name(code)


def _now() -> datetime:
    return utcnow()


def _limit(key: str) -> str:
    return str(current_app.config[key])


def _default_deadline(now: datetime) -> str:
    """A week from now at 17:00 UTC, as a datetime-local value."""
    day = (now + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)
    return day.strftime("%Y-%m-%dT%H:%M")


def _deadline_value(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------------------------------------
# Buyer: post and edit a request


def _currency_choices() -> list[Any]:
    codes = sorted(current_rates().currencies, key=lambda c: (c != "USD", c))
    return choices((c, c) for c in codes)


def _fill_request_choices(form: RequestForm, vendors: list[Vendor]) -> None:
    categories = db.session.scalars(
        select(ServiceCategory).order_by(ServiceCategory.position, ServiceCategory.name)
    ).all()
    form.category_id.choices = choices(
        [("", "Choose a service…"), *((str(c.id), c.name) for c in categories)]
    )
    form.currency.choices = _currency_choices()
    certs = db.session.scalars(select(Certification).order_by(Certification.name)).all()
    form.required_certification_ids.choices = choices((str(c.id), c.name) for c in certs)
    form.preferred_countries.choices = choices(country_choices())
    form.vendor_ids.choices = choices((str(v.id), v.name) for v in vendors)


def _request_input(form: RequestForm) -> RequestInput:
    return RequestInput(
        category_id=form.category_id.data,
        title=form.title.data,
        description=form.description.data,
        quantity=form.quantity.data,
        unit=form.unit.data,
        contract_months=form.contract_months.data,
        start_date=form.start_date.data,
        budget_monthly=form.budget_monthly.data,
        currency=form.currency.data,
        required_certification_ids=tuple(form.required_certification_ids.data or ()),
        preferred_countries=tuple(form.preferred_countries.data or ()),
        in_house_monthly_cost=form.in_house_monthly_cost.data,
        quotes_due_at=form.quotes_due_at.data,
        weights={c: getattr(form, f"weight_{c}").data for c in DEFAULT_WEIGHTS},
        vendor_ids=tuple(form.vendor_ids.data or ()),
    )


def _preselected_vendors() -> list[Vendor]:
    """Vendors chosen on a profile or the shortlist (``?vendor=<id>``, repeatable)."""
    raw = (
        request.args.getlist("vendor")
        if request.method == "GET"
        else request.form.getlist("vendor_ids")
    )
    ids = []
    for value in raw[: MAX_INVITATIONS * 2]:
        if value.isascii() and value.isdigit() and len(value) < 10:
            ids.append(int(value))
    if not ids:
        return []
    vendors = db.session.scalars(
        select(Vendor)
        .where(Vendor.id.in_(ids), Vendor.status == "published")
        .options(selectinload(Vendor.services))
    ).all()
    order = {vid: n for n, vid in enumerate(ids)}
    return sorted(vendors, key=lambda v: order[v.id])[:MAX_INVITATIONS]


def _weights_context(form: RequestForm) -> list[dict[str, Any]]:
    rows = []
    for criterion in DEFAULT_WEIGHTS:
        field = getattr(form, f"weight_{criterion}")
        rows.append(
            {
                "name": criterion,
                "label": WEIGHT_LABELS[criterion],
                "field": field,
                "default": DEFAULT_WEIGHTS[criterion],
            }
        )
    return rows


@bp.route("/requests")
@role_required("buyer")
def my_requests() -> str:
    """The buyer's requests, newest first."""
    rows = db.session.scalars(
        select(QuoteRequest)
        .where(QuoteRequest.buyer_id == current_user.id)
        .order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())
        .options(selectinload(QuoteRequest.category), selectinload(QuoteRequest.invitations))
        .limit(200)
    ).all()
    quote_counts = dict(
        db.session.execute(
            select(Quote.request_id, func.count(Quote.id))
            .join(QuoteRequest, QuoteRequest.id == Quote.request_id)
            .where(
                QuoteRequest.buyer_id == current_user.id,
                Quote.status.in_(("submitted", "accepted", "rejected")),
            )
            .group_by(Quote.request_id)
        ).all()
    )
    unread: dict[int, int] = {}
    for (request_id, _vendor_id), n in unread_by_thread(current_user).items():
        unread[request_id] = unread.get(request_id, 0) + n
    return render_template(
        "quotes/my_requests.html",
        rows=rows,
        quote_counts=quote_counts,
        unread=unread,
        now=_now(),
        effective_status=effective_status,
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@role_required("buyer")
def new_request() -> str | Response:
    """Post a request: save it as a draft or publish it, inviting preselected vendors."""
    now = _now()
    vendors = _preselected_vendors()
    form = RequestForm()
    _fill_request_choices(form, vendors)
    if request.method == "GET":
        form.quotes_due_at.data = _default_deadline(now)
        form.vendor_ids.data = [str(v.id) for v in vendors]
        category = None
        slug = request.args.get("category", "")
        if slug:
            category = db.session.scalar(
                select(ServiceCategory).where(ServiceCategory.slug == slug)
            )
        if category is None and vendors and vendors[0].services:
            category = vendors[0].services[0].category
        if category is not None:
            form.category_id.data = str(category.id)
            form.unit.data = category.default_unit
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        try:
            req = services.create_request(current_user, _request_input(form), now, publish=publish)
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        except WorkflowError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            if not publish:
                flash(
                    "Draft saved. Publish it when you are ready; vendors see nothing until then.",
                    "success",
                )
                return redirect(url_for("quotes.request_detail", request_id=req.id))
            if req.invitations:
                flash(
                    f"Your request is open and {len(req.invitations)} vendor(s) have been invited.",
                    "success",
                )
                return redirect(url_for("quotes.request_detail", request_id=req.id))
            flash("Your request is open. Now invite up to five vendors.", "success")
            return redirect(url_for("quotes.match", request_id=req.id))
    return render_template(
        "quotes/request_form.html",
        form=form,
        editing=None,
        vendors=vendors,
        weights=_weights_context(form),
        units_by_category=_units_by_category(),
    )


def _units_by_category() -> dict[str, str]:
    return {str(c.id): c.default_unit for c in db.session.scalars(select(ServiceCategory))}


def _form_data_from(req: QuoteRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category_id": str(req.category_id),
        "title": req.title,
        "description": req.description,
        "quantity": str(req.quantity),
        "unit": req.unit,
        "contract_months": str(req.contract_months),
        "start_date": req.start_date.isoformat() if req.start_date else "",
        "budget_monthly": str(req.budget_monthly) if req.budget_monthly is not None else "",
        "currency": req.currency,
        "required_certification_ids": [str(c.id) for c in req.required_certifications],
        "preferred_countries": list(req.preferred_countries or []),
        "in_house_monthly_cost": (
            str(req.in_house_monthly_cost) if req.in_house_monthly_cost is not None else ""
        ),
        "quotes_due_at": _deadline_value(req.quotes_due_at),
    }
    for criterion, default in DEFAULT_WEIGHTS.items():
        data[f"weight_{criterion}"] = str((req.weights or {}).get(criterion, default))
    return data


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@role_required("buyer")
def edit_request(request_id: int) -> str | Response:
    """Edit a draft (published requests only get a later deadline)."""
    now = _now()
    req = get_own_request_or_404(request_id, current_user)
    if req.status != "draft":
        flash("Only drafts can be edited. You can still extend the deadline.", "info")
        return redirect(url_for("quotes.request_detail", request_id=req.id))
    form = RequestForm(data=_form_data_from(req)) if request.method == "GET" else RequestForm()
    _fill_request_choices(form, [])
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        try:
            services.update_draft(current_user, req, _request_input(form), now)
            if publish:
                services.publish_request(current_user, req, now)
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        except WorkflowError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash("Request published." if publish else "Draft saved.", "success")
            if publish and not req.invitations:
                return redirect(url_for("quotes.match", request_id=req.id))
            return redirect(url_for("quotes.request_detail", request_id=req.id))
    return render_template(
        "quotes/request_form.html",
        form=form,
        editing=req,
        vendors=[],
        weights=_weights_context(form),
        units_by_category=_units_by_category(),
    )


# ---------------------------------------------------------------------------------------------
# Buyer: the request page and its actions


def _invitations(req: QuoteRequest) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.request_id == req.id)
            .order_by(Invitation.id)
            .options(selectinload(Invitation.vendor), selectinload(Invitation.quotes))
        )
    )


@bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int) -> str | Response:
    """The request page: state, deadline, invitations, quotes, threads and allowed actions."""
    req = get_request_for_user_or_404(request_id, current_user)
    if current_user.role == "vendor":
        invitation = vendor_invitation(req, vendor_for_user(current_user))
        assert invitation is not None  # the access helper checked it
        return redirect(url_for("quotes.lead_detail", invitation_id=invitation.id))
    now = _now()
    invitations = _invitations(req)
    latest = {i.id: current_quote(i) for i in invitations}
    rates = current_rates()
    prices = price_quotes(req, [q for q in latest.values() if q is not None], rates.usd_per)
    is_owner = current_user.role == "buyer" and req.buyer_id == current_user.id
    deadline_form = DeadlineForm(data={"quotes_due_at": _deadline_value(req.quotes_due_at)})
    return render_template(
        "quotes/request_detail.html",
        req=req,
        invitations=invitations,
        latest=latest,
        prices=prices,
        unread=unread_by_thread(current_user, req.id),
        is_owner=is_owner,
        now=now,
        status=effective_status(req, now),
        accepting=accepting_quotes(req, now),
        can_invite=is_owner
        and len(invitations) < MAX_INVITATIONS
        and (req.status == "draft" or accepting_quotes(req, now)),
        can_award=is_owner and req.status in services.OPEN_FOR_AWARD,
        quote_is_expired=quote_is_expired,
        pricing_labels=PRICING_MODEL_LABELS,
        deadline_form=deadline_form,
        form=EmptyForm(),
        rates_as_of=rates.as_of,
        response_label=response_label,
        weight_labels=WEIGHT_LABELS,
    )


def _buyer_action(request_id: int, action: Any, success: str) -> Response:
    req = get_own_request_or_404(request_id, current_user)
    if EmptyForm().validate_on_submit():
        try:
            action(current_user, req, _now())
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(success, "success")
    return redirect(url_for("quotes.request_detail", request_id=request_id))


@bp.route("/requests/<int:request_id>/publish", methods=["POST"])
@role_required("buyer")
def publish(request_id: int) -> Response:
    """draft -> open."""
    return _buyer_action(
        request_id,
        services.publish_request,
        "Your request is open: invited vendors have been told.",
    )


@bp.route("/requests/<int:request_id>/close", methods=["POST"])
@role_required("buyer")
def close(request_id: int) -> Response:
    """open -> closed early (quotes received can still be awarded)."""
    return _buyer_action(
        request_id,
        services.close_request,
        "Closed for new quotes. You can still award one of the quotes received.",
    )


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
@role_required("buyer")
def cancel(request_id: int) -> Response:
    """Cancel the request; invited vendors are told."""
    return _buyer_action(request_id, services.cancel_request, "Request cancelled.")


@bp.route("/requests/<int:request_id>/deadline", methods=["POST"])
@role_required("buyer")
def extend_deadline(request_id: int) -> Response:
    """Move the quotes-due date later."""
    req = get_own_request_or_404(request_id, current_user)
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            services.extend_deadline(current_user, req, form.quotes_due_at.data, _now())
        except (FieldErrors, WorkflowError) as error:
            db.session.rollback()
            message = (
                " ".join(error.errors.values()) if isinstance(error, FieldErrors) else error.message
            )
            flash(message, "error")
        else:
            db.session.commit()
            flash("Deadline extended; invited vendors have been told.", "success")
    return redirect(url_for("quotes.request_detail", request_id=request_id))


@bp.route("/requests/<int:request_id>/match")
@role_required("buyer")
def match(request_id: int) -> str | Response:
    """ "Get matched": recommended vendors with the reason for each, to invite."""
    req = get_own_request_or_404(request_id, current_user)
    now = _now()
    if req.status != "draft" and not accepting_quotes(req, now):
        flash(services._closed_reason(req, now), "info")
        return redirect(url_for("quotes.request_detail", request_id=req.id))
    show_all = request.args.get("all") == "1"
    recommendations = recommendations_for(req, now.date(), limit=200 if show_all else 20)
    invited = {i.vendor_id: i for i in req.invitations}
    vendors = {
        v.id: v
        for v in db.session.scalars(
            select(Vendor).where(Vendor.id.in_([r.vendor_id for r in recommendations]))
        )
    }
    return render_template(
        "quotes/match.html",
        req=req,
        recommendations=recommendations,
        vendors=vendors,
        invited=invited,
        room=MAX_INVITATIONS - len(req.invitations),
        max_invitations=MAX_INVITATIONS,
        show_all=show_all,
        form=EmptyForm(),
    )


@bp.route("/requests/<int:request_id>/invite", methods=["POST"])
@role_required("buyer")
def invite(request_id: int) -> Response:
    """Invite the checked vendors (1 to 5 per request in all)."""
    req = get_own_request_or_404(request_id, current_user)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("quotes.match", request_id=request_id))
    try:
        created = services.invite_vendors(
            current_user, req, request.form.getlist("vendor_ids"), _now()
        )
    except FieldErrors as errors:
        db.session.rollback()
        flash(" ".join(errors.errors.values()), "error")
        return redirect(url_for("quotes.match", request_id=request_id))
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("quotes.request_detail", request_id=request_id))
    db.session.commit()
    if req.status == "draft":
        flash(
            f"{len(created)} vendor(s) added. They are invited when you publish the request.",
            "success",
        )
    else:
        flash(f"{len(created)} vendor(s) invited.", "success")
    return redirect(url_for("quotes.request_detail", request_id=request_id))


@bp.route("/requests/<int:request_id>/quotes/<int:quote_id>/award", methods=["GET", "POST"])
@role_required("buyer")
def award(request_id: int, quote_id: int) -> str | Response:
    """Confirm, then accept one quote; every other quote is rejected and every vendor told."""
    req = get_own_request_or_404(request_id, current_user)
    quote = get_own_quote_or_404(req, quote_id)
    now = _now()
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.award_quote(current_user, quote, now)
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("quotes.request_detail", request_id=request_id))
        db.session.commit()
        flash(
            f"You awarded this request to {quote.invitation.vendor.name}. Every vendor has been "
            "told.",
            "success",
        )
        return redirect(url_for("quotes.request_detail", request_id=request_id))
    if req.status not in services.OPEN_FOR_AWARD or quote.status != "submitted":
        flash("This quote cannot be awarded.", "error")
        return redirect(url_for("quotes.request_detail", request_id=request_id))
    rates = current_rates()
    price = price_quotes(req, [quote], rates.usd_per).get(quote.id)
    others = db.session.scalar(
        select(func.count(Quote.id)).where(
            Quote.request_id == req.id, Quote.status == "submitted", Quote.id != quote.id
        )
    )
    return render_template(
        "quotes/award_confirm.html",
        req=req,
        quote=quote,
        price=price,
        others=others or 0,
        form=form,
        pricing_labels=PRICING_MODEL_LABELS,
        expired=quote_is_expired(quote, now),
    )


# ---------------------------------------------------------------------------------------------
# Threads


@bp.route("/requests/<int:request_id>/messages/<int:vendor_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: _limit("MESSAGE_RATE_LIMIT"), methods=["POST"])
def thread(request_id: int, vendor_id: int) -> str | Response:
    """The private thread between the buyer and one invited vendor."""
    req, invitation = get_thread_or_404(request_id, vendor_id, current_user)
    now = _now()
    form = MessageForm()
    back = (
        url_for("quotes.lead_detail", invitation_id=invitation.id)
        if current_user.role == "vendor"
        else None
    )
    if request.method == "POST":
        if current_user.role == "admin":
            abort(403)
        if form.validate_on_submit():
            try:
                post_message(current_user, req, invitation.vendor, form.body.data, now)
            except FieldErrors as errors:
                db.session.rollback()
                apply_field_errors(form, errors)
            except WorkflowError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                flash("Message sent.", "success")
                return redirect(
                    (back or url_for("quotes.thread", request_id=request_id, vendor_id=vendor_id))
                    + "#thread"
                )
    messages = thread_messages(req.id, vendor_id)
    if request.method == "GET":
        mark_thread_read(current_user, req.id, vendor_id, now)
        db.session.commit()
    return render_template(
        "quotes/thread.html",
        req=req,
        invitation=invitation,
        messages=messages,
        form=form,
        back=back,
        can_write=current_user.role != "admin" and req.status in ("open", "closed", "awarded"),
    )


# ---------------------------------------------------------------------------------------------
# Vendor: the lead inbox, a lead, quoting


def _budget_label(req: QuoteRequest, service: VendorService | None, usd_per: Any) -> str:
    if req.budget_monthly is None:
        return "No budget given"
    if service is None:
        return "Budget given; add a price for this service to compare"
    monthly = indicative_monthly(
        service.pricing_model,
        service.indicative_price,
        service.currency,
        req.quantity,
        req.currency,
        usd_per,
    )
    fit = budget_fit(monthly, req.budget_monthly)
    if fit is None:
        return "Your indicative price cannot be compared (hourly pricing or no exchange rate)"
    if fit == 1:
        return "Your indicative price is within budget"
    return "Your indicative price is above the budget"


@bp.route("/leads")
@role_required("vendor")
def leads() -> str:
    """The vendor's lead inbox: invitations to published requests, open ones first."""
    vendor = vendor_for_user(current_user)
    now = _now()
    invitations: list[Invitation] = []
    services_by_category: dict[int, VendorService] = {}
    if vendor is not None:
        invitations = list(
            db.session.scalars(
                select(Invitation)
                .join(QuoteRequest, QuoteRequest.id == Invitation.request_id)
                .where(Invitation.vendor_id == vendor.id, QuoteRequest.status != "draft")
                .order_by(
                    case((QuoteRequest.status == "open", 0), else_=1),
                    QuoteRequest.quotes_due_at,
                    Invitation.id.desc(),
                )
                .options(
                    selectinload(Invitation.request).selectinload(QuoteRequest.category),
                    selectinload(Invitation.request).selectinload(QuoteRequest.buyer),
                    selectinload(Invitation.quotes),
                )
                .limit(200)
            )
        )
        services_by_category = {
            s.category_id: s
            for s in db.session.scalars(
                select(VendorService).where(VendorService.vendor_id == vendor.id)
            )
        }
    usd_per = current_rates().usd_per
    budget = {
        i.id: _budget_label(i.request, services_by_category.get(i.request.category_id), usd_per)
        for i in invitations
    }
    unread = unread_by_thread(current_user)
    return render_template(
        "quotes/leads.html",
        vendor=vendor,
        invitations=invitations,
        budget=budget,
        unread=unread,
        now=now,
        accepting_quotes=accepting_quotes,
        effective_status=effective_status,
        current_quote=current_quote,
        allowance=services.allowance(vendor, now) if vendor is not None else None,
    )


def _quote_form_defaults(invitation: Invitation, vendor: Vendor) -> dict[str, Any]:
    quote = current_quote(invitation)
    req = invitation.request
    if quote is not None and quote.status in ("submitted", "withdrawn", "expired"):
        return {
            "pricing_model": quote.pricing_model,
            "unit_price": str(quote.unit_price.normalize()) if quote.unit_price is not None else "",
            "hours_per_month": str(quote.hours_per_month or ""),
            "setup_fee": str(quote.setup_fee),
            "minimum_monthly": str(quote.minimum_monthly),
            "currency": quote.currency,
            "turnaround_hours": str(quote.turnaround_hours or ""),
            "accuracy_pct": str(quote.accuracy_pct) if quote.accuracy_pct is not None else "",
            "valid_until": quote.valid_until.isoformat() if quote.valid_until else "",
            "notes": quote.notes,
        }
    service = next((s for s in vendor.services if s.category_id == req.category_id), None)
    return {
        "pricing_model": service.pricing_model if service else "per_unit_month",
        "unit_price": "",
        "currency": req.currency,
        "setup_fee": "0",
        "minimum_monthly": "0",
    }


def _quote_input(form: QuoteForm) -> QuoteInput:
    return QuoteInput(
        pricing_model=form.pricing_model.data,
        unit_price=form.unit_price.data,
        hours_per_month=form.hours_per_month.data,
        setup_fee=form.setup_fee.data,
        minimum_monthly=form.minimum_monthly.data,
        currency=form.currency.data,
        turnaround_hours=form.turnaround_hours.data,
        accuracy_pct=form.accuracy_pct.data,
        valid_until=form.valid_until.data,
        notes=form.notes.data,
    )


def _render_lead(
    invitation: Invitation,
    *,
    quote_form: QuoteForm | None = None,
    decline_form: DeclineForm | None = None,
    preview_price: Any = None,
    upgrade: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    vendor = invitation.vendor
    req = invitation.request
    now = _now()
    if quote_form is None:
        quote_form = QuoteForm(formdata=None, data=_quote_form_defaults(invitation, vendor))
    quote_form.currency.choices = _currency_choices()
    rates = current_rates()
    quotes = list(invitation.quotes)
    prices = price_quotes(req, quotes, rates.usd_per)
    service = next((s for s in vendor.services if s.category_id == req.category_id), None)
    html = render_template(
        "quotes/lead_detail.html",
        invitation=invitation,
        req=req,
        vendor=vendor,
        quotes=quotes,
        latest=current_quote(invitation),
        prices=prices,
        quote_form=quote_form,
        decline_form=decline_form or DeclineForm(formdata=None),
        message_form=MessageForm(formdata=None),
        messages=thread_messages(req.id, vendor.id),
        preview=preview_price,
        upgrade=upgrade,
        now=now,
        status=effective_status(req, now),
        accepting=accepting_quotes(req, now),
        budget_label=_budget_label(req, service, rates.usd_per),
        allowance=services.allowance(vendor, now),
        pricing_labels=PRICING_MODEL_LABELS,
        form=EmptyForm(),
        quote_is_expired=quote_is_expired,
    )
    return html, status


@bp.route("/leads/<int:invitation_id>")
@role_required("vendor")
def lead_detail(invitation_id: int) -> tuple[str, int]:
    """One lead: the request summary, the quote form, decline, and the thread. Marks it viewed."""
    invitation = get_lead_or_404(invitation_id, current_user)
    now = _now()
    services.mark_viewed(current_user, invitation, now)
    mark_thread_read(current_user, invitation.request_id, invitation.vendor_id, now)
    db.session.commit()
    return _render_lead(invitation)


@bp.route("/leads/<int:invitation_id>/quote", methods=["POST"])
@role_required("vendor")
def submit_quote(invitation_id: int) -> tuple[str, int] | Response:
    """Preview the monthly and total cost, or send (or revise) the quote."""
    invitation = get_lead_or_404(invitation_id, current_user)
    now = _now()
    form = QuoteForm()
    form.currency.choices = _currency_choices()
    if not form.validate_on_submit():
        return _render_lead(invitation, quote_form=form, status=400)
    data = _quote_input(form)
    if request.form.get("action") == "preview":
        try:
            values = services.parse_quote_input(data, now)
        except FieldErrors as errors:
            apply_field_errors(form, errors)
            return _render_lead(invitation, quote_form=form)
        figures = QuoteFigures(
            pricing_model=values.pricing_model,
            unit_price=values.unit_price,
            currency=values.currency,
            hours_per_month=values.hours_per_month,
            setup_fee=values.setup_fee,
            minimum_monthly=values.minimum_monthly,
        )
        price = preview(invitation.request, figures, current_rates().usd_per)
        return _render_lead(invitation, quote_form=form, preview_price=price)
    try:
        quote = services.submit_quote(current_user, invitation, data, now)
    except FieldErrors as errors:
        db.session.rollback()
        apply_field_errors(form, errors)
        return _render_lead(invitation, quote_form=form)
    except WorkflowError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_lead(invitation, quote_form=form, upgrade=error.upgrade)
    db.session.commit()
    flash(
        "Quote sent. The buyer has been told."
        if quote.version == 1
        else f"Quote revised (version {quote.version}). The buyer has been told.",
        "success",
    )
    return redirect(url_for("quotes.lead_detail", invitation_id=invitation_id))


@bp.route("/leads/<int:invitation_id>/decline", methods=["POST"])
@role_required("vendor")
def decline(invitation_id: int) -> tuple[str, int] | Response:
    """Decline the invitation with a reason."""
    invitation = get_lead_or_404(invitation_id, current_user)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_invitation(current_user, invitation, form.reason.data, _now())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
            return _render_lead(invitation, decline_form=form)
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("You declined this request. The buyer has been told.", "success")
    return redirect(url_for("quotes.lead_detail", invitation_id=invitation_id))


@bp.route("/leads/<int:invitation_id>/withdraw", methods=["POST"])
@role_required("vendor")
def withdraw(invitation_id: int) -> Response:
    """Withdraw the current quote (before the award)."""
    invitation = get_lead_or_404(invitation_id, current_user)
    quote = current_quote(invitation)
    if EmptyForm().validate_on_submit():
        try:
            if quote is None:
                raise WorkflowError("There is no quote to withdraw.")
            services.withdraw_quote(current_user, quote, _now())
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Quote withdrawn. The buyer has been told.", "success")
    return redirect(url_for("quotes.lead_detail", invitation_id=invitation_id))
