"""Figures for the admin dashboard: what waits for moderation, and weekly marketplace trends.

Weeks run Monday to Sunday in UTC; the last one is the current (partial) week. Timestamps are
fetched for the window and bucketed in Python, which reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.admin.services import queue_counts
from marketplace.directory.models import ServiceCategory, Vendor
from marketplace.extensions import db
from marketplace.quotes.models import Quote, QuoteRequest

WEEKS = 12
MIN_QUOTES = 3  # "share of requests that got at least 3 quotes"


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_starts(now: datetime, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, oldest first, ending with this week."""
    current = week_start(now.astimezone(UTC).date())
    return [current - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def week_label(day: date) -> str:
    """A week start as the charts label it ("23 Nov")."""
    return f"{day.day} {day:%b}"


def _bucket(stamps: list[datetime], starts: list[date]) -> list[int]:
    index = {start: i for i, start in enumerate(starts)}
    counts = [0] * len(starts)
    for stamp in stamps:
        i = index.get(week_start(stamp.astimezone(UTC).date()))
        if i is not None:
            counts[i] += 1
    return counts


def _hours(delta: timedelta) -> Decimal:
    return Decimal(delta.total_seconds()) / 3600


def _round1(value: Decimal | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class AdminStats:
    """Everything the admin dashboard shows; charts are drawn from the weekly lists."""

    weeks: list[str]  # labels of the week starts
    pending: dict[str, int]  # queue tab -> waiting items
    published_vendors: int
    open_requests: int
    users: int
    new_vendors: list[int]
    requests_opened: list[int]
    requests_awarded: list[int]
    first_quote_hours: list[Decimal | None]  # weekly median, by the week the request opened
    first_quote_median: Decimal | None  # over the whole window
    three_quote_share: list[Decimal | None]  # weekly %, of requests whose quoting has ended
    three_quote_share_all: Decimal | None
    top_categories: list[tuple[str, int]]  # by requests opened in the window


def admin_stats(now: datetime) -> AdminStats:
    """Counts and weekly trends for the admin dashboard, as of ``now``."""
    starts = week_starts(now)
    since = datetime.combine(starts[0], time(), UTC)

    def count(stmt: object) -> int:
        return int(db.session.scalar(stmt) or 0)  # type: ignore[call-overload]

    new_vendors = list(
        db.session.scalars(select(Vendor.created_at).where(Vendor.created_at >= since))
    )
    opened = db.session.execute(
        select(
            QuoteRequest.id,
            QuoteRequest.published_at,
            QuoteRequest.category_id,
            QuoteRequest.status,
            QuoteRequest.quotes_due_at,
        ).where(QuoteRequest.published_at >= since)
    ).all()
    awarded = list(
        db.session.scalars(select(QuoteRequest.awarded_at).where(QuoteRequest.awarded_at >= since))
    )
    request_ids = [row.id for row in opened]
    first_quote: dict[int, datetime] = {}
    quoted_vendors: dict[int, int] = {}
    if request_ids:
        for request_id, first, vendors in db.session.execute(
            select(
                Quote.request_id,
                func.min(Quote.created_at),
                func.count(func.distinct(Quote.invitation_id)),
            )
            .join(QuoteRequest, QuoteRequest.id == Quote.request_id)
            .where(QuoteRequest.published_at >= since)
            .group_by(Quote.request_id)
        ):
            first_quote[request_id] = first
            quoted_vendors[request_id] = int(vendors)

    index = {start: i for i, start in enumerate(starts)}
    weekly_hours: list[list[Decimal]] = [[] for _ in starts]
    ended: list[list[bool]] = [[] for _ in starts]
    all_hours: list[Decimal] = []
    for row in opened:
        i = index.get(week_start(row.published_at.astimezone(UTC).date()))
        if i is None:
            continue
        if row.id in first_quote:
            hours = _hours(first_quote[row.id] - row.published_at)
            weekly_hours[i].append(hours)
            all_hours.append(hours)
        if row.status in ("awarded", "closed") or row.quotes_due_at <= now:
            ended[i].append(quoted_vendors.get(row.id, 0) >= MIN_QUOTES)

    def share(flags: list[bool]) -> Decimal | None:
        return _round1(Decimal(100 * sum(flags)) / len(flags)) if flags else None

    names = dict(db.session.execute(select(ServiceCategory.id, ServiceCategory.name)).all())
    top = Counter(row.category_id for row in opened).most_common(5)
    return AdminStats(
        weeks=[week_label(s) for s in starts],
        pending=queue_counts(),
        published_vendors=count(select(func.count(Vendor.id)).where(Vendor.status == "published")),
        open_requests=count(
            select(func.count(QuoteRequest.id)).where(QuoteRequest.status == "open")
        ),
        users=count(select(func.count(User.id))),
        new_vendors=_bucket(new_vendors, starts),
        requests_opened=_bucket([row.published_at for row in opened], starts),
        requests_awarded=_bucket(awarded, starts),
        first_quote_hours=[_round1(median(h)) if h else None for h in weekly_hours],
        first_quote_median=_round1(median(all_hours)) if all_hours else None,
        three_quote_share=[share(flags) for flags in ended],
        three_quote_share_all=share([f for flags in ended for f in flags]),
        top_categories=[(names.get(cid, "?"), n) for cid, n in top],
    )
