"""Vendor profiles, service categories, services and certifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.db_types import FixedDecimal, UTCDateTime
from marketplace.extensions import db

VENDOR_STATUSES = ("draft", "pending", "published", "rejected", "suspended")
PLANS = ("free", "pro")
PRICING_MODELS = ("per_unit_month", "per_transaction", "per_hour", "fixed_month")
PRICING_MODEL_LABELS = {
    "per_unit_month": "per unit per month",
    "per_transaction": "per transaction",
    "per_hour": "per hour",
    "fixed_month": "fixed monthly fee",
}
CERT_STATUSES = ("claimed", "verified")


class ServiceCategory(db.Model):  # type: ignore[name-defined,misc]
    """A back-office function buyers outsource (payroll, data entry, ...)."""

    __tablename__ = "service_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(400), default="")
    # What "quantity" means in a request for this category, e.g. "employees paid per month".
    default_unit: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ServiceCategory {self.slug}>"


class Certification(db.Model):  # type: ignore[name-defined,misc]
    """A standard a vendor may hold (ISO 27001, SOC 2, ...)."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(400), default="")

    def __repr__(self) -> str:
        return f"<Certification {self.slug}>"


class Vendor(db.Model):  # type: ignore[name-defined,misc]
    """A supplier's public profile; only ``published`` ones are visible to the public."""

    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft','pending','published','rejected','suspended')", name="status"
        ),
        CheckConstraint("plan IN ('free','pro')", name="plan"),
        CheckConstraint("hourly_rate_min IS NULL OR hourly_rate_min >= 0", name="rate_min_nonneg"),
        CheckConstraint("hourly_rate_max IS NULL OR hourly_rate_max >= 0", name="rate_max_nonneg"),
        CheckConstraint(
            "hourly_rate_min IS NULL OR hourly_rate_max IS NULL"
            " OR hourly_rate_max >= hourly_rate_min",
            name="rate_range",
        ),
        CheckConstraint("review_count >= 0", name="review_count_nonneg"),
        Index("ix_vendors_status_rating", "status", "rating_avg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    tagline: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    city: Mapped[str] = mapped_column(String(80), default="")
    founded_year: Mapped[int | None] = mapped_column(Integer)
    team_size: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    hourly_rate_min: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    hourly_rate_max: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    rate_currency: Mapped[str] = mapped_column(String(3), default="USD")
    logo_path: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    status_reason: Mapped[str] = mapped_column(String(1000), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    plan: Mapped[str] = mapped_column(String(8), default="free")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    rating_avg: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    review_count: Mapped[int] = mapped_column(default=0)
    median_response_hours: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner = relationship("User", foreign_keys=[owner_id])
    services: Mapped[list[VendorService]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", order_by="VendorService.id"
    )
    certifications: Mapped[list[VendorCertification]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Vendor {self.id} {self.slug} {self.status}>"

    @property
    def is_public(self) -> bool:
        return self.status == "published"


class VendorService(db.Model):  # type: ignore[name-defined,misc]
    """What a vendor offers in one category, with indicative pricing."""

    __tablename__ = "vendor_services"
    __table_args__ = (
        UniqueConstraint("vendor_id", "category_id", name="uq_vendor_services_vendor_category"),
        CheckConstraint(
            "pricing_model IN ('per_unit_month','per_transaction','per_hour','fixed_month')",
            name="pricing_model",
        ),
        CheckConstraint("indicative_price >= 0", name="price_nonneg"),
        CheckConstraint("minimum_engagement_months >= 0", name="min_engagement_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("service_categories.id", ondelete="RESTRICT"), index=True
    )
    pricing_model: Mapped[str] = mapped_column(String(20))
    indicative_price: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    minimum_engagement_months: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(2000), default="")

    vendor: Mapped[Vendor] = relationship(back_populates="services")
    category: Mapped[ServiceCategory] = relationship()

    def __repr__(self) -> str:
        return f"<VendorService vendor={self.vendor_id} category={self.category_id}>"


class VendorCertification(db.Model):  # type: ignore[name-defined,misc]
    """A certification a vendor claims; an admin may mark it verified with evidence."""

    __tablename__ = "vendor_certifications"
    __table_args__ = (CheckConstraint("status IN ('claimed','verified')", name="status"),)

    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True
    )
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    evidence_note: Mapped[str] = mapped_column(String(1000), default="")
    expires_on: Mapped[date | None] = mapped_column(Date)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    vendor: Mapped[Vendor] = relationship(back_populates="certifications")
    certification: Mapped[Certification] = relationship()

    def __repr__(self) -> str:
        return f"<VendorCertification {self.vendor_id}:{self.certification_id} {self.status}>"


class VendorDailyStat(db.Model):  # type: ignore[name-defined,misc]
    """Per-day counters for the vendor dashboard (profile views, search appearances)."""

    __tablename__ = "vendor_daily_stats"

    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    profile_views: Mapped[int] = mapped_column(default=0)
    search_appearances: Mapped[int] = mapped_column(default=0)


class ShortlistEntry(db.Model):  # type: ignore[name-defined,misc]
    """A vendor a signed-in buyer saved before writing a request."""

    __tablename__ = "shortlist_entries"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
