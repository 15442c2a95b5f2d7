"""Verified reviews: only from an awarded request, one per request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db

REVIEW_STATUSES = ("pending", "published", "rejected", "hidden")
SUB_RATINGS = ("quality", "communication", "value", "timeliness")


class Review(db.Model):  # type: ignore[name-defined,misc]
    """A buyer's review of the vendor it awarded a request to."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("status IN ('pending','published','rejected','hidden')", name="status"),
        CheckConstraint("overall BETWEEN 1 AND 5", name="overall_range"),
        CheckConstraint("quality BETWEEN 1 AND 5", name="quality_range"),
        CheckConstraint("communication BETWEEN 1 AND 5", name="communication_range"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_range"),
        CheckConstraint("timeliness BETWEEN 1 AND 5", name="timeliness_range"),
        Index("ix_reviews_vendor_status", "vendor_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # One review per awarded request.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="SET NULL"), unique=True
    )
    overall: Mapped[int] = mapped_column()
    quality: Mapped[int] = mapped_column()
    communication: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column()
    timeliness: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    moderation_note: Mapped[str] = mapped_column(String(1000), default="")
    vendor_reply: Mapped[str] = mapped_column(Text, default="")
    vendor_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    vendor = relationship("Vendor")
    buyer = relationship("User")

    def __repr__(self) -> str:
        return f"<Review {self.id} vendor={self.vendor_id} {self.status}>"
