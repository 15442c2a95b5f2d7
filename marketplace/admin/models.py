"""Flags raised by users and the append-only audit log of admin actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class Flag(db.Model):  # type: ignore[name-defined,misc]
    """A report that a vendor or review breaks the rules."""

    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint("target_type IN ('vendor','review')", name="target_type"),
        CheckConstraint("status IN ('open','resolved')", name="status"),
        Index("ix_flags_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(String(30), default="")
    resolution_note: Mapped[str] = mapped_column(String(2000), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reporter = relationship("User", foreign_keys=[reporter_id])

    def __repr__(self) -> str:
        return f"<Flag {self.id} {self.target_type}:{self.target_id} {self.status}>"


class AuditLog(db.Model):  # type: ignore[name-defined,misc]
    """One admin (or system) action. Append-only: no code path updates or deletes a row."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<AuditLog {self.id} {self.action} {self.target_type}:{self.target_id}>"
