"""Vendors' endpoints: their invitations (leads), quoting, withdrawing, their own profile.

The vendor is always the caller's own (``vendor_for_user``), never an id from the request; a lead
or quote of another vendor answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.accounts.models import User
from marketplace.api import representations as rep
from marketplace.api.auth import api_user
from marketplace.api.blueprint import V1, bp
from marketplace.api.pagination import keyset_page, page_response
from marketplace.api.schemas import PAGE
from marketplace.api.spec import Operation, documented
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor, VendorCertification, VendorService
from marketplace.directory.services import ProfileInput, update_profile, vendor_for_user
from marketplace.extensions import db
from marketplace.quotes import services
from marketplace.quotes.access import get_lead_or_404
from marketplace.quotes.models import Invitation, Quote, QuoteRequest

INVITATION_ID = {"invitation_id": "The invitation's id (from GET /invitations)."}

LIST_LEADS = Operation(
    operation_id="listInvitations",
    summary="Your invitations to quote",
    description="Invitations to published requests (your leads), newest first, each with the "
    "request and your latest quote.",
    tag="Vendors",
    auth="vendor",
    params=PAGE,
    returns="LeadList",
    headers=("Link",),
)
SUBMIT_QUOTE = Operation(
    operation_id="submitQuote",
    summary="Send or revise a quote",
    description="While the request is open and before its deadline. A second call revises the "
    "quote: a new version supersedes the previous one. Free-plan vendors have a monthly "
    "allowance of first quotes (409 with `upgrade_required` when it is used up).",
    tag="Vendors",
    auth="vendor",
    body="QuoteCreate",
    status=201,
    returns="Quote",
    errors=(409,),
    path_params=INVITATION_ID,
)
DECLINE = Operation(
    operation_id="declineInvitation",
    summary="Decline an invitation",
    description="With a reason the buyer reads; only before quoting (withdraw a quote instead).",
    tag="Vendors",
    auth="vendor",
    body="DeclineCreate",
    returns="Lead",
    errors=(409,),
    path_params=INVITATION_ID,
)
WITHDRAW = Operation(
    operation_id="withdrawQuote",
    summary="Withdraw a quote",
    description="A submitted quote, any time before the award.",
    tag="Vendors",
    auth="vendor",
    returns="Quote",
    errors=(409,),
    path_params={"quote_id": "The quote's id."},
)
GET_PROFILE = Operation(
    operation_id="getProfile",
    summary="Your vendor profile",
    description="Whatever its status (draft, pending, published, rejected, suspended).",
    tag="Vendors",
    auth="vendor",
    returns="VendorProfile",
)
UPDATE_PROFILE = Operation(
    operation_id="updateProfile",
    summary="Change your vendor profile",
    description="Send only the fields to change. The same rules as the profile editor apply; "
    "status, plan, slug and verification cannot be set here.",
    tag="Vendors",
    auth="vendor",
    body="ProfileUpdate",
    returns="VendorProfile",
)


def _own_vendor(user: User) -> Vendor:
    vendor = vendor_for_user(user)
    if vendor is None:
        abort(404, "No vendor profile is linked to this account.")
    return vendor


def _lead_options() -> tuple[Any, ...]:
    request_path = selectinload(Invitation.request)
    return (
        request_path.selectinload(QuoteRequest.category),
        request_path.selectinload(QuoteRequest.buyer),
        request_path.selectinload(QuoteRequest.required_certifications),
        selectinload(Invitation.vendor),
        selectinload(Invitation.quotes),
    )


def _own_quote_or_404(quote_id: int, user: User) -> Quote:
    """A quote of the caller's own vendor (the quotes package has no getter for this)."""
    quote = db.session.get(Quote, quote_id)
    vendor = vendor_for_user(user)
    if (
        quote is None
        or vendor is None
        or quote.invitation.vendor_id != vendor.id
        or quote.invitation.request.status == "draft"
    ):
        abort(404)
    return quote


@bp.get(V1 + "/invitations")
@documented(LIST_LEADS)
def list_invitations() -> Response:
    """The caller's leads, newest first."""
    user = api_user("vendor")
    query = LIST_LEADS.query()
    vendor = _own_vendor(user)
    stmt = (
        select(Invitation)
        .join(QuoteRequest, QuoteRequest.id == Invitation.request_id)
        .where(Invitation.vendor_id == vendor.id, QuoteRequest.status != "draft")
        .options(*_lead_options())
    )
    rows, cursor = keyset_page(
        stmt,
        Invitation.id,
        "invitations",
        query.get("limit"),
        query.get("cursor"),
        descending=True,
    )
    now = utcnow()
    return page_response({"items": [rep.lead(i, now) for i in rows]}, cursor)


@bp.post(V1 + "/invitations/<int:invitation_id>/quotes")
@documented(SUBMIT_QUOTE)
def submit_quote(invitation_id: int) -> Response:
    """Send the first quote or a revision (a new version)."""
    user = api_user("vendor")
    SUBMIT_QUOTE.query()
    invitation = get_lead_or_404(invitation_id, user)
    body = SUBMIT_QUOTE.json()
    data = services.QuoteInput(
        pricing_model=body["pricing_model"],
        unit_price=body["unit_price"],
        hours_per_month=body.get("hours_per_month"),
        setup_fee=body.get("setup_fee"),
        minimum_monthly=body.get("minimum_monthly"),
        currency=body.get("currency", invitation.request.currency),
        turnaround_hours=body.get("turnaround_hours"),
        accuracy_pct=body.get("accuracy_pct"),
        valid_until=body.get("valid_until"),
        notes=body.get("notes", ""),
    )
    quote = services.submit_quote(user, invitation, data, utcnow())
    db.session.commit()
    response = jsonify(rep.quote(quote))
    response.status_code = 201
    return response


@bp.post(V1 + "/invitations/<int:invitation_id>/decline")
@documented(DECLINE)
def decline_invitation(invitation_id: int) -> Response:
    """Decline the invitation, with a reason."""
    user = api_user("vendor")
    DECLINE.query()
    invitation = get_lead_or_404(invitation_id, user)
    body = DECLINE.json()
    services.decline_invitation(user, invitation, body["reason"], utcnow())
    db.session.commit()
    return jsonify(rep.lead(invitation, utcnow()))


@bp.post(V1 + "/quotes/<int:quote_id>/withdraw")
@documented(WITHDRAW)
def withdraw_quote(quote_id: int) -> Response:
    """Withdraw a submitted quote before the award."""
    user = api_user("vendor")
    WITHDRAW.query()
    quote = _own_quote_or_404(quote_id, user)
    services.withdraw_quote(user, quote, utcnow())
    db.session.commit()
    return jsonify(rep.quote(quote))


def _profile(user: User) -> dict[str, Any]:
    vendor_id = _own_vendor(user).id
    vendor = db.session.scalars(
        select(Vendor)
        .where(Vendor.id == vendor_id)
        .options(
            selectinload(Vendor.services).selectinload(VendorService.category),
            selectinload(Vendor.certifications).selectinload(VendorCertification.certification),
        )
    ).one()
    return rep.vendor_profile(vendor)


@bp.get(V1 + "/profile")
@documented(GET_PROFILE)
def get_profile() -> Response:
    """The caller's own vendor profile."""
    user = api_user("vendor")
    GET_PROFILE.query()
    return jsonify(_profile(user))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _current_input(vendor: Vendor) -> dict[str, Any]:
    """The profile as the editor would show it, so a PATCH changes only what it names."""
    return {
        "name": vendor.name,
        "tagline": vendor.tagline or "",
        "description": vendor.description or "",
        "website": vendor.website or "",
        "country": vendor.country or "",
        "city": vendor.city or "",
        "founded_year": _text(vendor.founded_year),
        "team_size": _text(vendor.team_size),
        "languages": tuple(vendor.languages or ()),
        "hourly_rate_min": _text(vendor.hourly_rate_min),
        "hourly_rate_max": _text(vendor.hourly_rate_max),
        "rate_currency": vendor.rate_currency or "USD",
    }


@bp.patch(V1 + "/profile")
@documented(UPDATE_PROFILE)
def update_own_profile() -> Response:
    """Change named fields of the caller's profile through the profile editor's service."""
    user = api_user("vendor")
    UPDATE_PROFILE.query()
    vendor = _own_vendor(user)
    body = UPDATE_PROFILE.json()
    values = _current_input(vendor)
    for name, value in body.items():
        if name == "languages":
            values[name] = tuple(value)
        else:
            values[name] = _text(value)
    update_profile(user, ProfileInput(**values), utcnow())
    db.session.commit()
    return jsonify(_profile(user))
