"""Quote requests, invitations, quotes, messages and the free-plan allowance counter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.db_types import FixedDecimal, UTCDateTime
from marketplace.extensions import db

REQUEST_STATUSES = ("draft", "open", "awarded", "closed", "cancelled")
INVITATION_STATUSES = ("invited", "viewed", "quoted", "declined", "won", "lost")
QUOTE_STATUSES = ("submitted", "superseded", "withdrawn", "accepted", "rejected", "expired")
UNITS = (
    "employees paid per month",
    "records per month",
    "users supported",
    "FTE",
    "hours per month",
    "transactions per month",
)
DEFAULT_WEIGHTS = {"price": 40, "quality": 25, "sla": 15, "compliance": 10, "responsiveness": 10}

request_certifications = Table(
    "request_certifications",
    db.metadata,
    Column("request_id", ForeignKey("quote_requests.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "certification_id",
        ForeignKey("certifications.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class QuoteRequest(db.Model):  # type: ignore[name-defined,misc]
    """One concrete piece of back-office work a buyer wants priced."""

    __tablename__ = "quote_requests"
    __table_args__ = (
        CheckConstraint("status IN ('draft','open','awarded','closed','cancelled')", name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("contract_months > 0", name="months_positive"),
        CheckConstraint("budget_monthly IS NULL OR budget_monthly >= 0", name="budget_nonneg"),
        CheckConstraint(
            "in_house_monthly_cost IS NULL OR in_house_monthly_cost >= 0", name="in_house_nonneg"
        ),
        Index("ix_quote_requests_buyer_status", "buyer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("service_categories.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(40))
    contract_months: Mapped[int] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(Date)
    budget_monthly: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    preferred_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    in_house_monthly_cost: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    quotes_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    weights: Mapped[dict[str, int]] = mapped_column(JSON, default=lambda: dict(DEFAULT_WEIGHTS))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    buyer = relationship("User")
    category = relationship("ServiceCategory")
    required_certifications = relationship("Certification", secondary=request_certifications)
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Invitation.id"
    )

    def __repr__(self) -> str:
        return f"<QuoteRequest {self.id} {self.status}>"


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """A vendor asked to quote on a request; the vendor's lead."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("request_id", "vendor_id", name="uq_invitations_request_vendor"),
        CheckConstraint(
            "status IN ('invited','viewed','quoted','declined','won','lost')", name="status"
        ),
        Index("ix_invitations_vendor_status", "vendor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("quote_requests.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(String(1000), default="")

    request: Mapped[QuoteRequest] = relationship(back_populates="invitations")
    vendor = relationship("Vendor")
    quotes: Mapped[list[Quote]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="Quote.version"
    )

    def __repr__(self) -> str:
        return f"<Invitation {self.id} request={self.request_id} vendor={self.vendor_id}>"


class Quote(db.Model):  # type: ignore[name-defined,misc]
    """One version of a vendor's priced answer to a request."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("invitation_id", "version", name="uq_quotes_invitation_version"),
        CheckConstraint(
            "status IN ('submitted','superseded','withdrawn','accepted','rejected','expired')",
            name="status",
        ),
        CheckConstraint(
            "pricing_model IN ('per_unit_month','per_transaction','per_hour','fixed_month')",
            name="pricing_model",
        ),
        CheckConstraint("unit_price >= 0", name="unit_price_nonneg"),
        CheckConstraint("setup_fee >= 0", name="setup_fee_nonneg"),
        CheckConstraint("minimum_monthly >= 0", name="minimum_monthly_nonneg"),
        CheckConstraint("hours_per_month IS NULL OR hours_per_month > 0", name="hours_positive"),
        # accuracy_pct is a FixedDecimal(2): the column holds hundredths, so 100 % is 10000.
        CheckConstraint(
            "accuracy_pct IS NULL OR (accuracy_pct >= 0 AND accuracy_pct <= 10000)",
            name="accuracy",
        ),
        CheckConstraint(
            "turnaround_hours IS NULL OR turnaround_hours > 0", name="turnaround_positive"
        ),
        # Exactly one accepted quote per request, whatever races: the database says no.
        Index(
            "uq_quotes_one_accepted_per_request",
            "request_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    # Denormalised from the invitation so the partial unique index can express the award rule.
    request_id: Mapped[int] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    pricing_model: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    hours_per_month: Mapped[int | None] = mapped_column()
    setup_fee: Mapped[Decimal] = mapped_column(FixedDecimal(2), default=Decimal("0"))
    minimum_monthly: Mapped[Decimal] = mapped_column(FixedDecimal(2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3))
    turnaround_hours: Mapped[int | None] = mapped_column()
    accuracy_pct: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    valid_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitation: Mapped[Invitation] = relationship(back_populates="quotes")

    def __repr__(self) -> str:
        return f"<Quote {self.id} v{self.version} {self.status}>"


class Message(db.Model):  # type: ignore[name-defined,misc]
    """A message in the private thread between a request's buyer and one invited vendor."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread", "request_id", "vendor_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("quote_requests.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User")

    def __repr__(self) -> str:
        return f"<Message {self.id} request={self.request_id} vendor={self.vendor_id}>"


class ThreadRead(db.Model):  # type: ignore[name-defined,misc]
    """When a user last read a thread: the unread count is messages after this."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="CASCADE"), primary_key=True
    )
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True
    )
    last_read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuoteAllowanceUsage(db.Model):  # type: ignore[name-defined,misc]
    """Quotes a free-plan vendor has used in a calendar month (conditional UPDATE guards it)."""

    __tablename__ = "quote_allowance_usage"
    __table_args__ = (CheckConstraint("used >= 0", name="used_nonneg"),)

    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    used: Mapped[int] = mapped_column(default=0)
