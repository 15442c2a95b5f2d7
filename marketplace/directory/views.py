"""Directory pages: browse by category and country, vendor profiles, the shortlist, and the
vendor's own profile editor. Views parse, call a service, and render or redirect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from marketplace.accounts.auth import role_required, safe_next
from marketplace.accounts.forms import EmptyForm
from marketplace.clock import utcnow
from marketplace.directory import services
from marketplace.directory.forms import CertificationsForm, LogoForm, ProfileForm, ServiceForm
from marketplace.directory.models import Vendor, VendorService
from marketplace.extensions import db
from marketplace.forms import apply_field_errors, choices
from marketplace.parsing import FieldErrors
from marketplace.rates.services import current_rates

bp = Blueprint("directory", __name__)

SHORTLIST_SESSION_KEY = "shortlist"


# --------------------------------------------------------------------------------------------
# Template helpers
# --------------------------------------------------------------------------------------------


@bp.app_template_filter("country_name")
def _country_name(code: str | None) -> str:
    return services.country_name(code)


@bp.app_template_filter("hourly_rate")
def _hourly_rate(vendor: Vendor) -> str:
    return services.hourly_rate_label(vendor)


@bp.app_template_filter("price")
def _price(amount: Decimal | None, currency: str = "USD") -> str:
    return services.price_label(amount, currency)


@bp.app_template_filter("response_time")
def _response_time(hours: Decimal | None) -> str:
    return services.response_time_label(hours)


@bp.app_template_filter("pricing_model")
def _pricing_model(model: str) -> str:
    return services.pricing_model_label(model)


@bp.app_template_filter("initials")
def _initials(name: str) -> str:
    return services.initials(name)


def _session_shortlist() -> list[int]:
    return services.clean_session_shortlist(session.get(SHORTLIST_SESSION_KEY))


def _store_session_shortlist(ids: list[int]) -> None:
    if ids:
        session[SHORTLIST_SESSION_KEY] = ids
    else:
        session.pop(SHORTLIST_SESSION_KEY, None)


@bp.app_context_processor
def _shortlist_context() -> dict[str, Any]:
    """``shortlist_count`` for the header, on every page."""
    if not has_request_context():
        return {"shortlist_count": 0}
    try:
        count = services.shortlist_count(current_user, _session_shortlist())
    except SQLAlchemyError:  # an error page after a failed transaction must still render
        count = 0
    return {"shortlist_count": count}


def _quote_url(vendor_ids: list[int]) -> str | None:
    if "quotes.new_request" in current_app.view_functions:
        return url_for("quotes.new_request", vendor=vendor_ids)
    return None


def _may_shortlist() -> bool:
    """Visitors and buyers collect vendors; vendors and admins get no shortlist buttons."""
    return not (current_user.is_authenticated and current_user.role in ("vendor", "admin"))


# --------------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------------


@bp.route("/vendors")
def browse() -> str:
    """Every category and every country with its number of published vendors."""
    return render_template(
        "directory/browse.html",
        categories=services.category_counts(),
        countries=services.country_counts(),
    )


def _listing(template_args: dict[str, Any], endpoint_args: dict[str, Any], **filters: Any) -> str:
    sort = services.parse_sort(request.args.get("sort"))
    page = services.list_vendors(
        sort=sort, page=services.parse_page(request.args.get("page")), **filters
    )
    return render_template(
        "directory/listing.html",
        page=page,
        sort=sort,
        sorts=services.SORTS,
        shortlisted=set(services.shortlist_ids(current_user, _session_shortlist())),
        endpoint_args=endpoint_args,
        form=EmptyForm() if _may_shortlist() else None,
        **template_args,
    )


@bp.route("/vendors/<slug>")
def category(slug: str) -> str:
    """Published vendors offering one service category."""
    found = services.category_by_slug(slug)
    if found is None:
        abort(404)
    return _listing(
        {"category": found, "heading": f"{found.name} outsourcing vendors"},
        {"slug": found.slug},
        category=found,
    )


@bp.route("/vendors/country/<code>")
def country(code: str) -> str | Response:
    """Published vendors based in one country."""
    canonical = code.upper()
    if not services.is_country(canonical):
        abort(404)
    if code != canonical:
        kept = {k: request.args[k] for k in ("sort", "page") if k in request.args}
        return redirect(url_for("directory.country", code=canonical, **kept), 301)
    name = services.country_name(canonical)
    return _listing(
        {"country_code": canonical, "heading": f"Outsourcing vendors in {name}"},
        {"code": canonical},
        country=canonical,
    )


@bp.route("/v/<slug>")
def profile(slug: str) -> str:
    """A vendor's profile; non-published ones only for their owner and admins."""
    vendor = services.profile_for_viewer(slug, current_user)
    if vendor is None:
        abort(404)
    owner_view = bool(current_user.is_authenticated and vendor.owner_id == current_user.id)
    page = render_template(
        "directory/profile.html",
        vendor=vendor,
        owner_view=owner_view,
        admin_view=bool(current_user.is_authenticated and current_user.is_admin),
        shortlisted=vendor.id in services.shortlist_ids(current_user, _session_shortlist()),
        quote_url=_quote_url([vendor.id]),
        completeness=services.profile_completeness(vendor) if owner_view else None,
        review_summary=_review_summary(vendor),
        form=EmptyForm(),
    )
    services.record_profile_view(vendor, current_user, utcnow())
    return page


def _review_summary(vendor: Vendor) -> Any:
    """Published reviews from the reviews feature, when it is installed (else the page says so)."""
    if "reviews.vendor_reviews" not in current_app.view_functions:
        return None
    from marketplace.reviews.services import profile_reviews

    return profile_reviews(vendor, request.args.get("reviews_page"))


@bp.route("/shortlist")
def shortlist() -> str:
    """The vendors collected before a request (session for visitors, saved for buyers)."""
    if services.uses_saved_shortlist(current_user) and _session_shortlist():
        services.merge_shortlist(current_user, _session_shortlist(), utcnow())
        db.session.commit()
        _store_session_shortlist([])
    vendors = services.shortlisted_vendors(current_user, _session_shortlist())
    return render_template(
        "directory/shortlist.html",
        vendors=vendors,
        quotes_enabled="quotes.new_request" in current_app.view_functions,
        shortlist_max=services.SHORTLIST_MAX,
        form=EmptyForm(),
    )


@bp.route("/shortlist/<int:vendor_id>", methods=["POST"])
def shortlist_add(vendor_id: int) -> Response:
    """Add a published vendor to the shortlist."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ids = services.add_to_shortlist(current_user, vendor_id, _session_shortlist(), utcnow())
    except services.NotFound:
        abort(404)
    except services.DirectoryError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        _store_session_shortlist(ids)
        flash("Added to your shortlist.", "success")
    return redirect(safe_next(url_for("directory.shortlist")))


@bp.route("/shortlist/<int:vendor_id>/remove", methods=["POST"])
def shortlist_remove(vendor_id: int) -> Response:
    """Take a vendor off the shortlist."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = services.remove_from_shortlist(current_user, vendor_id, _session_shortlist())
    db.session.commit()
    _store_session_shortlist(ids)
    flash("Removed from your shortlist.", "info")
    return redirect(safe_next(url_for("directory.shortlist")))


@bp.route("/media/logos/<name>")
def logo(name: str) -> Response:
    """A stored logo: only names we generated, always as PNG, never sniffed."""
    if not services.is_logo_name(name):
        abort(404)
    folder = services.logo_dir(current_app.config["UPLOAD_DIR"])
    response = send_from_directory(folder, name, mimetype="image/png", max_age=86400 * 30)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --------------------------------------------------------------------------------------------
# The vendor's own profile
# --------------------------------------------------------------------------------------------


def _own_vendor_or_404() -> Vendor:
    vendor = services.vendor_for_user(current_user)
    if vendor is None:
        abort(404)
    return vendor


def _profile_form(vendor: Vendor, currencies: frozenset[str], *, from_request: bool) -> ProfileForm:
    if from_request:
        form = ProfileForm()
    else:
        form = ProfileForm(formdata=None, obj=vendor)
        form.hourly_rate_min.data = services.plain_amount(vendor.hourly_rate_min)
        form.hourly_rate_max.data = services.plain_amount(vendor.hourly_rate_max)
        form.founded_year.data = "" if vendor.founded_year is None else str(vendor.founded_year)
        form.team_size.data = "" if vendor.team_size is None else str(vendor.team_size)
    form.set_choices(currencies | {vendor.rate_currency}, vendor.languages)
    return form


def _certifications_form(vendor: Vendor, *, from_request: bool) -> CertificationsForm:
    form = CertificationsForm() if from_request else CertificationsForm(formdata=None)
    form.certifications.choices = choices(
        (str(c.id), c.name) for c in services.all_certifications()
    )
    if not from_request:
        form.certifications.data = [str(vc.certification_id) for vc in vendor.certifications]
    return form


def _render_editor(
    vendor: Vendor,
    *,
    profile_form: ProfileForm | None = None,
    certifications_form: CertificationsForm | None = None,
    logo_form: LogoForm | None = None,
) -> str:
    """The editor page; the form that was just posted (with its errors) replaces its blank."""
    if profile_form is None:
        profile_form = _profile_form(vendor, current_rates().currencies, from_request=False)
    if certifications_form is None:
        certifications_form = _certifications_form(vendor, from_request=False)
    return render_template(
        "directory/edit_profile.html",
        vendor=vendor,
        form=profile_form,
        certifications_form=certifications_form,
        logo_form=logo_form if logo_form is not None else LogoForm(formdata=None),
        empty_form=EmptyForm(formdata=None),
        cert_statuses={str(vc.certification_id): vc.status for vc in vendor.certifications},
        completeness=services.profile_completeness(vendor),
    )


@bp.route("/vendor/profile", methods=["GET", "POST"])
@role_required("vendor")
def edit_profile() -> str | Response:
    """The signed-in vendor edits its own profile (never another's: no id in the URL)."""
    vendor = _own_vendor_or_404()
    if request.method == "GET":
        return _render_editor(vendor)
    form = _profile_form(vendor, current_rates().currencies, from_request=True)
    if form.validate_on_submit():
        data = services.ProfileInput(
            name=form.name.data or "",
            tagline=form.tagline.data or "",
            description=form.description.data or "",
            website=form.website.data or "",
            country=form.country.data or "",
            city=form.city.data or "",
            founded_year=form.founded_year.data or "",
            team_size=form.team_size.data or "",
            languages=tuple(form.languages.data or ()),
            hourly_rate_min=form.hourly_rate_min.data or "",
            hourly_rate_max=form.hourly_rate_max.data or "",
            rate_currency=form.rate_currency.data or "",
        )
        try:
            services.update_profile(current_user, data, utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for("directory.edit_profile"))
    vendor = _own_vendor_or_404()
    return _render_editor(vendor, profile_form=form)


@bp.route("/vendor/certifications", methods=["POST"])
@role_required("vendor")
def edit_certifications() -> str | Response:
    """Tick the certifications the vendor holds (new ones show as claimed until verified)."""
    vendor = _own_vendor_or_404()
    form = _certifications_form(vendor, from_request=True)
    if form.validate_on_submit():
        try:
            services.claim_certifications(current_user, form.certifications.data or [], utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            db.session.commit()
            flash(
                "Your certifications are saved. An admin verifies them from your evidence.",
                "success",
            )
            return redirect(url_for("directory.edit_profile") + "#certifications-section")
    return _render_editor(_own_vendor_or_404(), certifications_form=form)


@bp.route("/vendor/logo", methods=["POST"])
@role_required("vendor")
def upload_logo() -> str | Response:
    """Upload a new logo (decoded and re-encoded, never stored as sent)."""
    vendor = _own_vendor_or_404()
    form = LogoForm()
    if form.validate_on_submit():
        upload = request.files.get("logo")
        data = upload.read(services.LOGO_MAX_BYTES + 1) if upload else b""
        upload_dir = current_app.config["UPLOAD_DIR"]
        try:
            change = services.save_logo(current_user, data, upload_dir, utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            try:
                db.session.commit()
            except SQLAlchemyError:
                services.discard_logo_file(upload_dir, change.name)
                raise
            services.discard_logo_file(upload_dir, change.previous)
            flash("Your new logo is saved.", "success")
            return redirect(url_for("directory.edit_profile") + "#logo-section")
    return _render_editor(vendor, logo_form=form)


@bp.route("/vendor/logo/remove", methods=["POST"])
@role_required("vendor")
def remove_logo() -> Response:
    """Remove the logo (the profile shows initials instead)."""
    _own_vendor_or_404()
    if EmptyForm().validate_on_submit():
        change = services.remove_logo(current_user, utcnow())
        db.session.commit()
        services.discard_logo_file(current_app.config["UPLOAD_DIR"], change.previous)
        flash("Your logo is removed.", "info")
    return redirect(url_for("directory.edit_profile") + "#logo-section")


@bp.route("/vendor/profile/submit", methods=["POST"])
@role_required("vendor")
def submit_for_review() -> Response:
    """Send a draft (or rejected) profile to the admins for review."""
    _own_vendor_or_404()
    if EmptyForm().validate_on_submit():
        try:
            services.submit_for_review(current_user, utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            flash("Before submitting, please add: " + " ".join(errors.errors.values()), "error")
        except services.DirectoryError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                "Thank you: your profile is waiting for review. We usually review within one "
                "working day and e-mail you the outcome.",
                "success",
            )
    return redirect(url_for("directory.edit_profile"))


def _service_form(service: VendorService | None, *, from_request: bool) -> ServiceForm:
    if from_request:
        form = ServiceForm()
    elif service is not None:
        form = ServiceForm(formdata=None, obj=service)
        form.category_id.data = str(service.category_id)
        form.indicative_price.data = services.plain_amount(service.indicative_price)
        form.minimum_engagement_months.data = str(service.minimum_engagement_months)
    else:
        form = ServiceForm(formdata=None)
        form.currency.data = "USD"
    categories = services.all_categories()
    currencies = set(current_rates().currencies)
    if service is not None:
        currencies.add(service.currency)
    form.set_choices([(str(c.id), c.name) for c in categories], currencies)
    return form


def _service_input(form: ServiceForm) -> services.ServiceInput:
    return services.ServiceInput(
        category_id=form.category_id.data or "",
        pricing_model=form.pricing_model.data or "",
        indicative_price=form.indicative_price.data or "",
        currency=form.currency.data or "",
        minimum_engagement_months=form.minimum_engagement_months.data or "",
        description=form.description.data or "",
    )


@bp.route("/vendor/services/new", methods=["GET", "POST"])
@role_required("vendor")
def add_service() -> str | Response:
    """Offer another service category with its pricing."""
    vendor = _own_vendor_or_404()
    form = _service_form(None, from_request=request.method == "POST")
    if form.validate_on_submit():
        try:
            service = services.add_service(current_user, _service_input(form), utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            name = service.category.name
            db.session.commit()
            flash(f"{name} is on your profile.", "success")
            return redirect(url_for("directory.edit_profile") + "#services-section")
    return render_template("directory/service_form.html", form=form, service=None, vendor=vendor)


@bp.route("/vendor/services/<int:service_id>", methods=["GET", "POST"])
@role_required("vendor")
def edit_service(service_id: int) -> str | Response:
    """Change one of the vendor's own services; another vendor's service is not found."""
    try:
        service = services.own_service(current_user, service_id)
    except services.NotFound:
        abort(404)
    form = _service_form(service, from_request=request.method == "POST")
    if form.validate_on_submit():
        try:
            services.update_service(current_user, service_id, _service_input(form), utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
            service = services.own_service(current_user, service_id)
        else:
            db.session.commit()
            flash("The service is saved.", "success")
            return redirect(url_for("directory.edit_profile") + "#services-section")
    return render_template(
        "directory/service_form.html", form=form, service=service, vendor=service.vendor
    )


@bp.route("/vendor/services/<int:service_id>/remove", methods=["POST"])
@role_required("vendor")
def remove_service(service_id: int) -> Response:
    """Stop offering a service category."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_service(current_user, service_id, utcnow())
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash("The service is removed from your profile.", "info")
    return redirect(url_for("directory.edit_profile") + "#services-section")
