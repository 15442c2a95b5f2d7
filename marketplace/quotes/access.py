"""Fetch workflow objects scoped to the signed-in user: anyone else's id answers 404.

The request's buyer sees it all; an invited vendor sees a published request (a read-only summary
and its own lead); admins see everything, read-only. Another buyer or an uninvited vendor cannot
tell the request exists.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select

from marketplace.directory.models import Vendor
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db
from marketplace.quotes.models import Invitation, Quote, QuoteRequest


def vendor_invitation(request: QuoteRequest, vendor: Vendor | None) -> Invitation | None:
    """The vendor's invitation to a published request, if any."""
    if vendor is None or request.status == "draft":
        return None
    return db.session.execute(
        select(Invitation).where(
            Invitation.request_id == request.id, Invitation.vendor_id == vendor.id
        )
    ).scalar_one_or_none()


def can_view_request(user: Any, request: QuoteRequest) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role == "buyer":
        return bool(request.buyer_id == user.id)
    if user.role == "vendor":
        return vendor_invitation(request, vendor_for_user(user)) is not None
    return False


def get_request_for_user_or_404(request_id: int, user: Any) -> QuoteRequest:
    """The request if ``user`` may see it (owner, invited vendor, admin), else 404."""
    request = db.session.get(QuoteRequest, request_id)
    if request is None or not can_view_request(user, request):
        abort(404)
    return request


def get_own_request_or_404(request_id: int, user: Any) -> QuoteRequest:
    """The request only for the buyer who posted it (actions); everyone else gets 404."""
    request = db.session.get(QuoteRequest, request_id)
    if (
        request is None
        or not getattr(user, "is_authenticated", False)
        or user.role != "buyer"
        or request.buyer_id != user.id
    ):
        abort(404)
    return request


def get_own_quote_or_404(request: QuoteRequest, quote_id: int) -> Quote:
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.request_id != request.id:
        abort(404)
    return quote


def get_lead_or_404(invitation_id: int, user: Any) -> Invitation:
    """The signed-in vendor's own invitation to a published request, else 404."""
    invitation = db.session.get(Invitation, invitation_id)
    vendor = vendor_for_user(user)
    if (
        invitation is None
        or vendor is None
        or invitation.vendor_id != vendor.id
        or invitation.request.status == "draft"
    ):
        abort(404)
    return invitation


def get_thread_or_404(
    request_id: int, vendor_id: int, user: Any
) -> tuple[QuoteRequest, Invitation]:
    """A request x vendor thread: the buyer, that vendor's user, or an admin; else 404."""
    request = db.session.get(QuoteRequest, request_id)
    if request is None or request.status == "draft" or not getattr(user, "is_authenticated", False):
        abort(404)
    invitation = db.session.execute(
        select(Invitation).where(
            Invitation.request_id == request_id, Invitation.vendor_id == vendor_id
        )
    ).scalar_one_or_none()
    if invitation is None:
        abort(404)
    if user.role == "admin" or (user.role == "buyer" and request.buyer_id == user.id):
        return request, invitation
    if user.role == "vendor":
        vendor = vendor_for_user(user)
        if vendor is not None and vendor.id == vendor_id:
            return request, invitation
    abort(404)
