"""A vendor's Pro subscription and the Stripe events already processed (idempotency)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class Subscription(db.Model):  # type: ignore[name-defined,misc]
    """Mirror of the vendor's Stripe customer and subscription state."""

    __tablename__ = "subscriptions"
    __table_args__ = (CheckConstraint("plan IN ('free','pro')", name="plan"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), unique=True
    )
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    plan: Mapped[str] = mapped_column(String(8), default="free")
    status: Mapped[str] = mapped_column(String(24), default="none")
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    vendor = relationship("Vendor")

    def __repr__(self) -> str:
        return f"<Subscription vendor={self.vendor_id} {self.plan} {self.status}>"


class StripeEvent(db.Model):  # type: ignore[name-defined,misc]
    """A webhook event id seen once; a re-delivery finds its row and does nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<StripeEvent {self.event_id} {self.type}>"
