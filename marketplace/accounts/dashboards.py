"""What each role's dashboard shows. Feature packages own the figures; this gathers them.

Buyer: requests by state and the savings found on awarded requests (the comparison engine's
total contract cost against the in-house cost). Vendor: visibility, leads, quotes, win rate,
response time against its categories, and the quote allowance. Admin: ``admin.stats``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.admin.charts import bar_chart, hbar_chart
from marketplace.admin.stats import admin_stats, week_label, week_starts
from marketplace.clock import utcnow
from marketplace.compare import (
    CompareError,
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    compare,
)
from marketplace.directory.models import ServiceCategory, Vendor, VendorDailyStat, VendorService
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db
from marketplace.quotes.models import Invitation, Quote, QuoteAllowanceUsage, QuoteRequest
from marketplace.rates.services import current_rates
from marketplace.reviews.services import reviewable_requests

RECENT_DAYS = 30
RESPONSE_WINDOW_DAYS = 365


# --- buyer -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saving:
    """One awarded request's savings, in the request's currency."""

    request: QuoteRequest
    vendor_name: str
    in_house_total: Decimal
    contract_total: Decimal
    savings: Decimal
    savings_pct: Decimal | None


@dataclass(frozen=True)
class SavingsSummary:
    rows: list[Saving]
    total: Decimal | None  # in ``currency``; None when no row could be converted
    currency: str
    unconverted: int  # rows left out of the total for want of an exchange rate


def buyer_savings(user: User) -> SavingsSummary:
    """Savings against in-house cost across the buyer's awarded requests, by the engine's rules."""
    rows = db.session.execute(
        select(QuoteRequest, Quote, Vendor.name)
        .join(Quote, (Quote.request_id == QuoteRequest.id) & (Quote.status == "accepted"))
        .join(Invitation, Invitation.id == Quote.invitation_id)
        .join(Vendor, Vendor.id == Invitation.vendor_id)
        .where(
            QuoteRequest.buyer_id == user.id,
            QuoteRequest.status == "awarded",
            QuoteRequest.in_house_monthly_cost.is_not(None),
        )
        .order_by(QuoteRequest.awarded_at.desc(), QuoteRequest.id.desc())
    ).all()
    if not rows:
        return SavingsSummary([], None, "USD", 0)
    table = current_rates()
    rates = Rates(usd_per=table.usd_per, as_of=table.as_of)
    savings: list[Saving] = []
    for request, quote, vendor_name in rows:
        result = _engine_result(request, quote, vendor_name, rates)
        if result is None or result.savings is None:
            continue
        in_house = request.in_house_monthly_cost * request.contract_months
        savings.append(
            Saving(request, vendor_name, in_house, result.total, result.savings, result.savings_pct)
        )
    currencies = {s.request.currency for s in savings}
    currency = currencies.pop() if len(currencies) == 1 else "USD"
    total = Decimal(0)
    unconverted = 0
    target = rates.usd_value(currency)
    for s in savings:
        source = rates.usd_value(s.request.currency)
        if source is None or target is None:
            unconverted += 1
            continue
        total += s.savings * source / target
    return SavingsSummary(
        savings, total if len(savings) > unconverted else None, currency, unconverted
    )


def _engine_result(request: QuoteRequest, quote: Quote, vendor_name: str, rates: Rates) -> Any:
    try:
        comparison = compare(
            RequestTerms(
                currency=request.currency,
                quantity=request.quantity,
                contract_months=request.contract_months,
                in_house_monthly_cost=request.in_house_monthly_cost,
            ),
            [
                QuoteTerms(
                    id=str(quote.id),
                    pricing_model=PricingModel(quote.pricing_model),
                    unit_price=quote.unit_price,
                    currency=quote.currency,
                    vendor=VendorFacts(name=vendor_name),
                    hours_per_month=(
                        Decimal(quote.hours_per_month) if quote.hours_per_month else None
                    ),
                    setup_fee=quote.setup_fee,
                    minimum_monthly=quote.minimum_monthly,
                )
            ],
            rates,
        )
    except CompareError:
        return None
    return comparison.winner  # None when the quote's currency has no rate


def _buyer(user: User, now: datetime) -> dict[str, Any]:
    requests = db.session.scalars(
        select(QuoteRequest)
        .where(QuoteRequest.buyer_id == user.id)
        .options(selectinload(QuoteRequest.category), selectinload(QuoteRequest.invitations))
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
    return {
        "requests": requests,
        "status_counts": counts,
        "savings": buyer_savings(user),
        "reviews_by_request": reviewable_requests(user),
    }


# --- vendor ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseComparison:
    category: str
    own_hours: Decimal | None
    category_hours: Decimal | None


@dataclass(frozen=True)
class VendorStats:
    profile_views: int  # last RECENT_DAYS days
    search_appearances: int
    invitations: int
    invitations_total: int
    quotes_sent: int
    quotes_sent_total: int
    won: int
    decided: int  # quoted invitations on awarded requests (won or lost)
    responses: list[ResponseComparison]
    allowance_limit: int | None  # None: unlimited (Pro)
    allowance_used: int

    @property
    def win_rate(self) -> Decimal | None:
        if not self.decided:
            return None
        return (Decimal(100 * self.won) / self.decided).quantize(Decimal("1"), ROUND_HALF_UP)

    @property
    def allowance_left(self) -> int | None:
        if self.allowance_limit is None:
            return None
        return max(self.allowance_limit - self.allowance_used, 0)


def _median_hours(deltas: list[timedelta]) -> Decimal | None:
    if not deltas:
        return None
    return (Decimal(median(d.total_seconds() for d in deltas)) / 3600).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )


def vendor_stats(vendor: Vendor, now: datetime, free_quotes: int) -> VendorStats:
    """The vendor's own figures (it sees only its own rows and category-wide medians)."""
    since = now - timedelta(days=RECENT_DAYS)
    views, appearances = db.session.execute(
        select(
            func.coalesce(func.sum(VendorDailyStat.profile_views), 0),
            func.coalesce(func.sum(VendorDailyStat.search_appearances), 0),
        ).where(VendorDailyStat.vendor_id == vendor.id, VendorDailyStat.day > since.date())
    ).one()

    def count(stmt: Any) -> int:
        return int(db.session.scalar(stmt) or 0)

    own = Invitation.vendor_id == vendor.id
    quotes = select(func.count(Quote.id)).join(Invitation, Invitation.id == Quote.invitation_id)
    quoted = select(Quote.invitation_id)
    decided = select(func.count(Invitation.id)).where(
        own, Invitation.status.in_(("won", "lost")), Invitation.id.in_(quoted)
    )
    month = now.astimezone(UTC).strftime("%Y-%m")
    used = count(
        select(QuoteAllowanceUsage.used).where(
            QuoteAllowanceUsage.vendor_id == vendor.id, QuoteAllowanceUsage.month == month
        )
    )
    return VendorStats(
        profile_views=int(views),
        search_appearances=int(appearances),
        invitations=count(
            select(func.count(Invitation.id)).where(own, Invitation.invited_at >= since)
        ),
        invitations_total=count(select(func.count(Invitation.id)).where(own)),
        quotes_sent=count(quotes.where(own, Quote.created_at >= since)),
        quotes_sent_total=count(quotes.where(own)),
        won=count(select(func.count(Invitation.id)).where(own, Invitation.status == "won")),
        decided=count(decided),
        responses=_response_comparison(vendor, now),
        allowance_limit=None if vendor.plan == "pro" else free_quotes,
        allowance_used=used,
    )


def _response_comparison(vendor: Vendor, now: datetime) -> list[ResponseComparison]:
    """Median hours from invitation to first response: the vendor's vs its categories'."""
    categories = db.session.execute(
        select(ServiceCategory.id, ServiceCategory.name)
        .join(VendorService, VendorService.category_id == ServiceCategory.id)
        .where(VendorService.vendor_id == vendor.id)
        .order_by(ServiceCategory.position, ServiceCategory.name)
    ).all()
    if not categories:
        return []
    ids = [cid for cid, _ in categories]
    since = now - timedelta(days=RESPONSE_WINDOW_DAYS)
    own: dict[int, list[timedelta]] = defaultdict(list)
    everyone: dict[int, list[timedelta]] = defaultdict(list)
    for category_id, vendor_id, invited, responded in db.session.execute(
        select(
            QuoteRequest.category_id,
            Invitation.vendor_id,
            Invitation.invited_at,
            Invitation.responded_at,
        )
        .join(QuoteRequest, QuoteRequest.id == Invitation.request_id)
        .where(
            QuoteRequest.category_id.in_(ids),
            Invitation.responded_at.is_not(None),
            Invitation.invited_at >= since,
        )
    ):
        delta = responded - invited
        everyone[category_id].append(delta)
        if vendor_id == vendor.id:
            own[category_id].append(delta)
    return [
        ResponseComparison(name, _median_hours(own[cid]), _median_hours(everyone[cid]))
        for cid, name in categories
    ]


def _vendor_chart(vendor: Vendor, now: datetime) -> Any:
    starts = week_starts(now, 8)
    rows = db.session.execute(
        select(
            VendorDailyStat.day, VendorDailyStat.profile_views, VendorDailyStat.search_appearances
        ).where(VendorDailyStat.vendor_id == vendor.id, VendorDailyStat.day >= starts[0])
    ).all()
    views = [0] * len(starts)
    appearances = [0] * len(starts)
    for day, v, a in rows:
        i = (day - starts[0]).days // 7
        if 0 <= i < len(starts):
            views[i] += v
            appearances[i] += a
    return bar_chart(
        "Profile views and search appearances per week",
        [week_label(s) for s in starts],
        [("Search appearances", appearances), ("Profile views", views)],
        chart_id="chart-vendor-visibility",
    )


def _vendor(user: User, now: datetime) -> dict[str, Any]:
    vendor = vendor_for_user(user)
    leads: list[Invitation] = []
    stats = chart = None
    if vendor is not None:
        leads = list(
            db.session.scalars(
                select(Invitation)
                .where(Invitation.vendor_id == vendor.id)
                .options(selectinload(Invitation.request))
                .order_by(Invitation.invited_at.desc())
                .limit(10)
            )
        )
        stats = vendor_stats(vendor, now, int(current_app.config["FREE_PLAN_MONTHLY_QUOTES"]))
        chart = _vendor_chart(vendor, now)
    return {
        "vendor": vendor,
        "leads": leads,
        "stats": stats,
        "visibility_chart": chart,
        "recent_days": RECENT_DAYS,
    }


# --- admin -------------------------------------------------------------------------------------


def _percent(value: Any) -> str:
    return f"{value}%"


def _admin(user: User, now: datetime) -> dict[str, Any]:
    stats = admin_stats(now)
    charts = {
        "vendors": bar_chart(
            "New vendors per week",
            stats.weeks,
            [("New vendors", stats.new_vendors)],
            chart_id="chart-new-vendors",
        ),
        "requests": bar_chart(
            "Requests opened and awarded per week",
            stats.weeks,
            [("Opened", stats.requests_opened), ("Awarded", stats.requests_awarded)],
            chart_id="chart-requests",
        ),
        "first_quote": bar_chart(
            "Median hours to first quote, by week the request opened",
            stats.weeks,
            [("Median hours", stats.first_quote_hours)],
            unit="hours",
            chart_id="chart-first-quote",
        ),
        "three_quotes": bar_chart(
            "Share of requests with at least 3 quotes, by week opened",
            stats.weeks,
            [("Share", stats.three_quote_share)],
            fmt=_percent,
            chart_id="chart-three-quotes",
        ),
        "categories": hbar_chart(
            "Top categories by requests opened in the last 12 weeks",
            stats.top_categories,
            unit=("request", "requests"),
            chart_id="chart-top-categories",
        ),
    }
    return {"stats": stats, "charts": charts}


def dashboard_context(user: User, now: datetime | None = None) -> dict[str, Any]:
    """The template context of ``user``'s dashboard, as of ``now``."""
    builders = {"buyer": _buyer, "vendor": _vendor, "admin": _admin}
    return builders[user.role](user, now or utcnow())
