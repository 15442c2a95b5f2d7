"""Buyers' endpoints: their requests, invitations, the quotes received, comparison and award.

Every object is fetched through the quotes package's scoped getters, so another buyer's request
or a quote on another request answers 404, exactly as on the site.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.api import representations as rep
from marketplace.api.auth import api_user
from marketplace.api.blueprint import V1, bp
from marketplace.api.pagination import keyset_page, page_response
from marketplace.api.schemas import CRITERIA, PAGE, integer
from marketplace.api.spec import Operation, documented
from marketplace.api.validation import Param
from marketplace.clock import utcnow
from marketplace.comparison.services import build_comparison, parse_weights
from marketplace.directory.models import Certification
from marketplace.directory.services import category_by_slug
from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from marketplace.quotes import services
from marketplace.quotes.access import get_own_quote_or_404, get_own_request_or_404
from marketplace.quotes.models import Invitation, Quote, QuoteRequest

REQUEST_ID = {"request_id": "The request's id."}
_SERVICE_KEYS = {
    "category_id": "category",
    "required_certification_ids": "required_certifications",
    **{f"weight_{c}": f"weights.{c}" for c in CRITERIA},
}

LIST_REQUESTS = Operation(
    operation_id="listRequests",
    summary="Your requests",
    description="The caller's quote requests, newest first, with their invitations.",
    tag="Buyers",
    auth="buyer",
    params=PAGE,
    returns="RequestList",
    headers=("Link",),
)
CREATE_REQUEST = Operation(
    operation_id="createRequest",
    summary="Post a request",
    description="Saves a draft, or with `publish: true` opens it for quotes at once. "
    "`vendor_ids` are invited straight away (published vendors serving the category, up to 5); "
    "they are told when the request is published.",
    tag="Buyers",
    auth="buyer",
    body="RequestCreate",
    status=201,
    returns="Request",
    headers=("Location",),
    errors=(409,),
)
GET_REQUEST = Operation(
    operation_id="getRequest",
    summary="One of your requests",
    tag="Buyers",
    auth="buyer",
    returns="Request",
    path_params=REQUEST_ID,
)
PUBLISH_REQUEST = Operation(
    operation_id="publishRequest",
    summary="Publish a draft",
    description="draft -> open: the invited vendors are told and can quote until the deadline.",
    tag="Buyers",
    auth="buyer",
    returns="Request",
    errors=(409,),
    path_params=REQUEST_ID,
)
INVITE_VENDORS = Operation(
    operation_id="inviteVendors",
    summary="Invite vendors to quote",
    description="Published vendors serving the request's category, 1 to 5 per request in all, "
    "no vendor twice; while the request is a draft or open.",
    tag="Buyers",
    auth="buyer",
    body="InvitationsCreate",
    status=201,
    returns="InvitationList",
    errors=(409,),
    path_params=REQUEST_ID,
)
LIST_QUOTES = Operation(
    operation_id="listRequestQuotes",
    summary="Quotes on your request",
    description="Every version of every vendor's quote, oldest first; `status` tells which "
    "are current (`submitted`) and which were superseded or withdrawn.",
    tag="Buyers",
    auth="buyer",
    params=PAGE,
    returns="QuoteList",
    headers=("Link",),
    path_params=REQUEST_ID,
)
WEIGHT_PARAMS = tuple(
    Param(f"w_{c}", integer(0, 100), f"Re-rank with this weight for {c} (not saved).")
    for c in CRITERIA
)
GET_COMPARISON = Operation(
    operation_id="getComparison",
    summary="Compare the quotes on your request",
    description="The comparison page's numbers: the latest live quote of each vendor, ranked "
    "by the engine with the request's saved weights, or with `w_*` weights given here (a "
    "criterion left out then weighs 0, as on the page).",
    tag="Buyers",
    auth="buyer",
    params=WEIGHT_PARAMS,
    returns="Comparison",
    path_params=REQUEST_ID,
)
AWARD = Operation(
    operation_id="awardQuote",
    summary="Award the request to one quote",
    description="Accepts the quote and rejects every other; exactly once per request, even "
    "when two awards race. Every vendor is told.",
    tag="Buyers",
    auth="buyer",
    body="AwardCreate",
    returns="Quote",
    errors=(409,),
    path_params=REQUEST_ID,
)


def _request_options() -> tuple[Any, ...]:
    return (
        selectinload(QuoteRequest.category),
        selectinload(QuoteRequest.required_certifications),
        selectinload(QuoteRequest.invitations).selectinload(Invitation.vendor),
    )


def _parse_due(value: str) -> datetime:
    try:
        due = datetime.fromisoformat(value)
    except ValueError as exc:
        raise FieldErrors({"quotes_due_at": "Enter a real date and time."}) from exc
    return due.astimezone(UTC)


def _request_input(body: dict[str, Any]) -> services.RequestInput:
    """The API body in the service's terms: slugs become ids, the deadline a UTC datetime."""
    errors: dict[str, str] = {}
    category = category_by_slug(body["category"])
    if category is None:
        errors["category"] = "Unknown category; GET /api/v1/categories lists them."
    slugs = list(dict.fromkeys(body.get("required_certifications", [])))
    certs = (
        dict(
            db.session.execute(
                select(Certification.slug, Certification.id).where(Certification.slug.in_(slugs))
            ).all()
        )
        if slugs
        else {}
    )
    unknown = [s for s in slugs if s not in certs]
    if unknown:
        errors["required_certifications"] = (
            f"Unknown certification(s): {', '.join(unknown)}; "
            "GET /api/v1/certifications lists them."
        )
    due = None
    try:
        due = _parse_due(body["quotes_due_at"])
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    assert category is not None
    return services.RequestInput(
        category_id=category.id,
        title=body["title"],
        description=body.get("description", ""),
        quantity=body["quantity"],
        unit=body.get("unit", ""),
        contract_months=body["contract_months"],
        start_date=body.get("start_date"),
        budget_monthly=body.get("budget_monthly"),
        currency=body.get("currency", "USD"),
        required_certification_ids=tuple(certs[s] for s in slugs),
        preferred_countries=tuple(body.get("preferred_countries", ())),
        in_house_monthly_cost=body.get("in_house_monthly_cost"),
        quotes_due_at=due,
        weights=body.get("weights"),
        vendor_ids=tuple(body.get("vendor_ids", ())),
    )


def _api_errors(error: FieldErrors) -> FieldErrors:
    """A service's field names in the API's vocabulary (``category_id`` -> ``category``)."""
    return FieldErrors({_SERVICE_KEYS.get(k, k): v for k, v in error.errors.items()})


def _own_request(request_id: int, user: Any) -> QuoteRequest:
    return get_own_request_or_404(request_id, user)


@bp.get(V1 + "/requests")
@documented(LIST_REQUESTS)
def list_requests() -> Response:
    """The caller's requests, newest first."""
    user = api_user("buyer")
    query = LIST_REQUESTS.query()
    stmt = select(QuoteRequest).where(QuoteRequest.buyer_id == user.id).options(*_request_options())
    rows, cursor = keyset_page(
        stmt, QuoteRequest.id, "requests", query.get("limit"), query.get("cursor"), descending=True
    )
    now = utcnow()
    return page_response({"items": [rep.buyer_request(r, now) for r in rows]}, cursor)


@bp.post(V1 + "/requests")
@documented(CREATE_REQUEST)
def create_request() -> Response:
    """Create a draft request, or publish it straight away."""
    user = api_user("buyer")
    CREATE_REQUEST.query()
    body = CREATE_REQUEST.json()
    data = _request_input(body)
    try:
        req = services.create_request(user, data, utcnow(), publish=bool(body.get("publish")))
    except FieldErrors as error:
        raise _api_errors(error) from None
    db.session.commit()
    response = _request_response(req.id, user)
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_request", request_id=req.id)
    return response


def _request_response(request_id: int, user: Any) -> Response:
    req = _own_request(request_id, user)
    return jsonify(rep.buyer_request(req, utcnow()))


@bp.get(V1 + "/requests/<int:request_id>")
@documented(GET_REQUEST)
def get_request(request_id: int) -> Response:
    """One of the caller's requests with its invitations."""
    user = api_user("buyer")
    GET_REQUEST.query()
    return _request_response(request_id, user)


@bp.post(V1 + "/requests/<int:request_id>/publish")
@documented(PUBLISH_REQUEST)
def publish_request(request_id: int) -> Response:
    """draft -> open."""
    user = api_user("buyer")
    PUBLISH_REQUEST.query()
    req = _own_request(request_id, user)
    services.publish_request(user, req, utcnow())
    db.session.commit()
    return _request_response(request_id, user)


@bp.post(V1 + "/requests/<int:request_id>/invitations")
@documented(INVITE_VENDORS)
def invite_vendors(request_id: int) -> Response:
    """Invite more vendors (1 to 5 per request in all)."""
    user = api_user("buyer")
    INVITE_VENDORS.query()
    req = _own_request(request_id, user)
    body = INVITE_VENDORS.json()
    created = services.invite_vendors(user, req, body["vendor_ids"], utcnow())
    ids = [i.id for i in created]
    db.session.commit()
    rows = db.session.scalars(
        select(Invitation)
        .where(Invitation.id.in_(ids))
        .order_by(Invitation.id)
        .options(selectinload(Invitation.vendor))
    )
    response = jsonify({"items": [rep.request_invitation(i) for i in rows]})
    response.status_code = 201
    return response


@bp.get(V1 + "/requests/<int:request_id>/quotes")
@documented(LIST_QUOTES)
def list_quotes(request_id: int) -> Response:
    """Every quote version received on the request, oldest first."""
    user = api_user("buyer")
    query = LIST_QUOTES.query()
    req = _own_request(request_id, user)
    stmt = (
        select(Quote)
        .where(Quote.request_id == req.id)
        .options(selectinload(Quote.invitation).selectinload(Invitation.vendor))
    )
    rows, cursor = keyset_page(stmt, Quote.id, "quotes", query.get("limit"), query.get("cursor"))
    return page_response({"items": [rep.quote(q) for q in rows]}, cursor)


@bp.get(V1 + "/requests/<int:request_id>/comparison")
@documented(GET_COMPARISON)
def get_comparison(request_id: int) -> Response:
    """The side-by-side comparison of the request's live quotes (the page's numbers)."""
    user = api_user("buyer")
    query = GET_COMPARISON.query()
    req = _own_request(request_id, user)
    weights = None
    if query.values:
        weights = parse_weights({k: str(v) for k, v in request.args.items()})
    return jsonify(rep.comparison(build_comparison(req, weights)))


@bp.post(V1 + "/requests/<int:request_id>/award")
@documented(AWARD)
def award(request_id: int) -> Response:
    """Accept one quote; every other quote on the request is rejected."""
    user = api_user("buyer")
    AWARD.query()
    req = _own_request(request_id, user)
    body = AWARD.json()
    quote = get_own_quote_or_404(req, body["quote_id"])
    services.award_quote(user, quote, utcnow())
    db.session.commit()
    return jsonify(rep.quote(quote))
