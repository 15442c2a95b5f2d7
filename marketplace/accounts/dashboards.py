"""What each role's dashboard shows. Feature packages own the figures; this gathers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.admin.models import Flag
from marketplace.directory.models import Vendor
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db
from marketplace.quotes.models import Invitation, QuoteRequest
from marketplace.reviews.models import Review


def _buyer(user: User) -> dict[str, Any]:
    requests = db.session.scalars(
        select(QuoteRequest)
        .where(QuoteRequest.buyer_id == user.id)
        .order_by(QuoteRequest.created_at.desc())
        .limit(20)
    ).all()
    counts = dict(
        db.session.execute(
            select(QuoteRequest.status, func.count())
            .where(QuoteRequest.buyer_id == user.id)
            .group_by(QuoteRequest.status)
        ).all()
    )
    return {"requests": requests, "status_counts": counts}


def _vendor(user: User) -> dict[str, Any]:
    vendor = vendor_for_user(user)
    leads = []
    if vendor is not None:
        leads = db.session.scalars(
            select(Invitation)
            .where(Invitation.vendor_id == vendor.id)
            .order_by(Invitation.invited_at.desc())
            .limit(10)
        ).all()
    return {"vendor": vendor, "leads": leads}


def _admin(user: User) -> dict[str, Any]:
    def count(stmt: Any) -> int:
        return int(db.session.scalar(stmt) or 0)

    return {
        "pending_vendors": count(
            select(func.count(Vendor.id)).where(Vendor.status == "pending")
        ),
        "pending_reviews": count(
            select(func.count(Review.id)).where(Review.status == "pending")
        ),
        "open_flags": count(select(func.count(Flag.id)).where(Flag.status == "open")),
        "published_vendors": count(
            select(func.count(Vendor.id)).where(Vendor.status == "published")
        ),
        "open_requests": count(
            select(func.count(QuoteRequest.id)).where(QuoteRequest.status == "open")
        ),
        "users": count(select(func.count(User.id))),
    }


def dashboard_context(user: User) -> dict[str, Any]:
    return {"buyer": _buyer, "vendor": _vendor, "admin": _admin}[user.role](user)
