"""Writing and reading the append-only audit log.

``record`` is the only way a row gets into ``audit_log``; nothing in the code updates or deletes
one (on PostgreSQL a trigger refuses it too, see ``audit_trigger.py``). The CSV export neutralises
spreadsheet formulas, because an admin opens it in Excel and a vendor chose some of the text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from marketplace.accounts.models import User
from marketplace.admin.models import AuditLog
from marketplace.csvsafe import csv_cell
from marketplace.extensions import db
from marketplace.parsing import FieldErrors

# Every action an admin service writes; the audit page filters by these (an allowlist).
ACTIONS: dict[str, str] = {
    "vendor.approve": "Vendor approved",
    "vendor.reject": "Vendor rejected",
    "vendor.request_changes": "Vendor asked for changes",
    "vendor.suspend": "Vendor suspended",
    "vendor.reinstate": "Vendor reinstated",
    "vendor.verify": "Vendor marked verified",
    "vendor.unverify": "Vendor verification removed",
    "certification.verify": "Certification verified",
    "certification.revoke": "Certification verification revoked",
    "review.publish": "Review published",
    "review.auto_publish": "Review published automatically",
    "review.reject": "Review rejected",
    "review.hide": "Review hidden",
    "flag.resolve": "Flag resolved",
}
TARGET_TYPES: dict[str, str] = {
    "vendor": "Vendor",
    "review": "Review",
    "flag": "Flag",
}
PER_PAGE = 50


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **extra: Any,
) -> AuditLog:
    """Add one audit row to the current transaction (``actor`` None means the system acted)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if target_type not in TARGET_TYPES:
        raise ValueError(f"unknown audit target type {target_type!r}")
    details: dict[str, Any] = {}
    if before is not None:
        details["before"] = before
    if after is not None:
        details["after"] = after
    details.update(extra)
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_jsonable(details),
    )
    db.session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    """Dates and decimals as strings, so the JSON column stores what the admin saw."""
    return json.loads(json.dumps(value, default=str))


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page is narrowed to; every field optional."""

    action: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (pagination and export links keep it)."""
        args = {
            "action": self.action,
            "actor": str(self.actor_id) if self.actor_id is not None else "",
            "target_type": self.target_type,
            "target_id": str(self.target_id) if self.target_id is not None else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in args.items() if v}


def parse_audit_filter(args: Any) -> AuditFilter:
    """Read the filter from query arguments; unknown values are errors, never passed to SQL."""
    errors: dict[str, str] = {}
    action = (args.get("action") or "").strip()
    if action and action not in ACTIONS:
        errors["action"] = "Choose an action from the list."
    target_type = (args.get("target_type") or "").strip()
    if target_type and target_type not in TARGET_TYPES:
        errors["target_type"] = "Choose a target type from the list."
    actor_id = _optional_id(args.get("actor"), "actor", errors)
    target_id = _optional_id(args.get("target_id"), "target_id", errors)
    date_from = _optional_date(args.get("date_from"), "date_from", errors)
    date_to = _optional_date(args.get("date_to"), "date_to", errors)
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = "The end date comes before the start date."
    if errors:
        raise FieldErrors(errors)
    return AuditFilter(action, actor_id, target_type, target_id, date_from, date_to)


def _optional_id(raw: object, name: str, errors: dict[str, str]) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        errors[name] = "Use a number."
        return None
    return int(text)


def _optional_date(raw: object, name: str, errors: dict[str, str]) -> date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "Use a date like 2026-11-23."
        return None


def audit_query(flt: AuditFilter) -> Select[Any]:
    """Rows matching ``flt``, newest first."""
    stmt = select(AuditLog)
    if flt.action:
        stmt = stmt.where(AuditLog.action == flt.action)
    if flt.actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == flt.actor_id)
    if flt.target_type:
        stmt = stmt.where(AuditLog.target_type == flt.target_type)
    if flt.target_id is not None:
        stmt = stmt.where(AuditLog.target_id == flt.target_id)
    if flt.date_from:
        stmt = stmt.where(AuditLog.created_at >= datetime.combine(flt.date_from, time(), UTC))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditLog.created_at < end)
    return stmt.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditLog]
    page: int
    pages: int
    total: int


def audit_page(flt: AuditFilter, page: int, per_page: int = PER_PAGE) -> AuditPage:
    """One page of the filtered log, with the actors loaded."""
    stmt = audit_query(flt)
    total = int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all())
    _load_actors(entries)
    return AuditPage(entries=entries, page=page, pages=pages, total=total)


def _load_actors(entries: list[AuditLog]) -> None:
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    if ids:  # one query instead of one per row
        list(db.session.scalars(select(User).where(User.id.in_(ids))))


def admin_users() -> list[User]:
    """Admins, for the actor filter."""
    return list(
        db.session.scalars(
            select(User).where(User.role == "admin").order_by(User.display_name, User.id)
        )
    )


# --- CSV export ----------------------------------------------------------------------------

CSV_HEADER = (
    "id",
    "created_at",
    "actor_id",
    "actor_email",
    "action",
    "target_type",
    "target_id",
    "details",
)


def export_rows(flt: AuditFilter, batch: int = 500) -> Iterator[str]:
    """The filtered log as CSV text, header first, streamed in batches (never the whole log)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    rows = (
        audit_query(flt)
        .with_only_columns(
            AuditLog.id,
            AuditLog.created_at,
            AuditLog.actor_id,
            User.email,
            AuditLog.action,
            AuditLog.target_type,
            AuditLog.target_id,
            AuditLog.details,
        )
        .outerjoin(User, User.id == AuditLog.actor_id)
    )
    result = db.session.execute(rows.execution_options(yield_per=batch))
    for partition in result.partitions():
        for id_, created_at, actor_id, email, action, target_type, target_id, details in partition:
            writer.writerow(
                [
                    csv_cell(id_),
                    csv_cell(created_at.isoformat()),
                    csv_cell(actor_id),
                    csv_cell(email if actor_id is not None else "system"),
                    csv_cell(action),
                    csv_cell(target_type),
                    csv_cell(target_id),
                    csv_cell(json.dumps(details, sort_keys=True, ensure_ascii=False)),
                ]
            )
        yield flush()
