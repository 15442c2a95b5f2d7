"""Turn a stored request and its live quotes into engine inputs, and the result into a page.

Which quotes are compared: the latest version from each invited vendor that is still on the
table (submitted, or accepted/rejected after an award). Superseded, withdrawn and expired
versions are not: the buyer compares what they could still accept.

Certifications: a vendor "holds" a required certification when it claims it and it has not
expired; the page marks which ones an admin verified, so the buyer can tell the difference.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.compare import (
    CRITERIA,
    Comparison,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    Weights,
    compare,
    explain,
    round_score,
    rounded_contributions,
)
from marketplace.csvsafe import csv_cell
from marketplace.directory.models import Vendor, VendorCertification
from marketplace.extensions import db
from marketplace.parsing import FieldErrors, ParseError, parse_int
from marketplace.quotes.models import DEFAULT_WEIGHTS, Invitation, Quote, QuoteRequest
from marketplace.rates.services import current_rates

COMPARED_STATUSES = ("submitted", "accepted", "rejected")
CRITERION_LABELS = {
    "price": "Price",
    "quality": "Quality",
    "sla": "Service levels",
    "compliance": "Compliance",
    "responsiveness": "Responsiveness",
}


@dataclass(frozen=True)
class QuoteColumn:
    """Everything the page shows about one quote, beside the engine's result."""

    quote: Quote
    vendor: Vendor
    held: tuple[str, ...]  # required certification slugs the vendor holds
    verified: tuple[str, ...]  # of those, the ones an admin verified
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ComparisonPage:
    request: QuoteRequest
    weights: dict[str, int]
    comparison: Comparison | None
    columns: dict[str, QuoteColumn]
    sentences: dict[str, str]
    required: tuple[str, ...]
    rates_as_of: date | None

    @property
    def ranked(self) -> list[tuple[Any, QuoteColumn]]:
        if self.comparison is None:
            return []
        return [(r, self.columns[r.id]) for r in self.comparison.results]


def parse_weights(raw: dict[str, Any]) -> dict[str, int]:
    """Weights 0..100 per criterion from a form or query string; all zero is an input error."""
    weights: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name in CRITERIA:
        value = raw.get(name, raw.get(f"w_{name}"))
        if value in (None, ""):
            weights[name] = 0
            continue
        try:
            weights[name] = parse_int(value, min_value=0, max_value=100, label="weight")
        except ParseError as exc:
            errors[name] = str(exc)
    if not errors and not any(weights.values()):
        errors["weights"] = "Give at least one criterion a weight above zero."
    if errors:
        raise FieldErrors(errors)
    return weights


def live_quotes(request: QuoteRequest) -> list[Quote]:
    """The latest comparable version from each invited vendor, leaving out expired ones."""
    quotes = db.session.scalars(
        select(Quote)
        .where(Quote.request_id == request.id, Quote.status.in_(COMPARED_STATUSES))
        .options(
            selectinload(Quote.invitation)
            .selectinload(Invitation.vendor)
            .selectinload(Vendor.certifications)
            .selectinload(VendorCertification.certification)
        )
        .order_by(Quote.invitation_id, Quote.version.desc())
    ).all()
    from marketplace.clock import utcnow
    from marketplace.quotes.services import quote_is_expired

    now = utcnow()
    latest: dict[int, Quote] = {}
    for quote in quotes:
        latest.setdefault(quote.invitation_id, quote)
    # Past valid-until counts as expired even before `quotes tick` marks it (the clock rules).
    return [q for q in latest.values() if q.status != "submitted" or not quote_is_expired(q, now)]


def _held(vendor: Vendor, today: date) -> tuple[set[str], set[str]]:
    held, verified = set(), set()
    for vc in vendor.certifications:
        if vc.expires_on is not None and vc.expires_on < today:
            continue
        held.add(vc.certification.slug)
        if vc.status == "verified":
            verified.add(vc.certification.slug)
    return held, verified


def build_comparison(
    request: QuoteRequest, weights: dict[str, int] | None = None, today: date | None = None
) -> ComparisonPage:
    """Compare the request's live quotes with the engine, using ``weights`` or the saved ones."""
    today = today or date.today()
    chosen = dict(weights or request.weights or DEFAULT_WEIGHTS)
    required = tuple(sorted(c.slug for c in request.required_certifications))
    quotes = live_quotes(request)
    columns: dict[str, QuoteColumn] = {}
    terms: list[QuoteTerms] = []
    for quote in quotes:
        vendor = quote.invitation.vendor
        held, verified = _held(vendor, today)
        key = str(quote.id)
        columns[key] = QuoteColumn(
            quote=quote,
            vendor=vendor,
            held=tuple(c for c in required if c in held),
            verified=tuple(c for c in required if c in verified),
            missing=tuple(c for c in required if c not in held),
        )
        terms.append(
            QuoteTerms(
                id=key,
                pricing_model=quote.pricing_model,  # type: ignore[arg-type]
                unit_price=quote.unit_price,
                currency=quote.currency,
                hours_per_month=Decimal(quote.hours_per_month) if quote.hours_per_month else None,
                setup_fee=quote.setup_fee,
                minimum_monthly=quote.minimum_monthly,
                turnaround_hours=(
                    Decimal(quote.turnaround_hours) if quote.turnaround_hours else None
                ),
                accuracy_pct=quote.accuracy_pct,
                vendor=VendorFacts(
                    name=vendor.name,
                    rating=vendor.rating_avg,
                    review_count=vendor.review_count,
                    median_response_hours=vendor.median_response_hours,
                    certifications=frozenset(held),
                ),
            )
        )
    table = current_rates()
    comparison = None
    if terms:
        comparison = compare(
            RequestTerms(
                currency=request.currency,
                quantity=request.quantity,
                contract_months=request.contract_months,
                in_house_monthly_cost=request.in_house_monthly_cost,
                required_certifications=frozenset(required),
                weights=Weights(**{k: Decimal(v) for k, v in chosen.items()}),
            ),
            terms,
            Rates(table.usd_per, table.as_of),
        )
    names = {key: column.vendor.name for key, column in columns.items()}
    return ComparisonPage(
        request=request,
        weights=chosen,
        comparison=comparison,
        columns=columns,
        sentences=explain(comparison, names) if comparison else {},
        required=required,
        rates_as_of=comparison.rates_as_of if comparison else None,
    )


def save_weights(buyer_id: int, request: QuoteRequest, weights: dict[str, int]) -> None:
    """Keep the buyer's weights on the request (only its buyer may)."""
    if request.buyer_id != buyer_id:
        raise PermissionError("only the request's buyer may change its weights")
    request.weights = dict(weights)
    db.session.flush()


# --- export -----------------------------------------------------------------------------------


def comparison_csv(page: ComparisonPage) -> str:
    """One row per quote, in rank order, money in the request currency (half-up to cents)."""
    from marketplace.compare import money_str

    out = io.StringIO()
    writer = csv.writer(out)
    currency = page.request.currency
    header = [
        "Rank",
        "Vendor",
        "Pricing model",
        "Quote currency",
        f"Monthly ({currency})",
        f"Setup fee ({currency})",
        f"Total over {page.request.contract_months} months ({currency})",
    ]
    if page.request.in_house_monthly_cost is not None:
        header += [f"Savings ({currency})", "Savings %"]
    header += [f"{CRITERION_LABELS[c]} score" for c in CRITERIA]
    header += [
        "Score",
        "Turnaround (h)",
        "Accuracy %",
        "Required certifications held",
        "Dominated by",
    ]
    writer.writerow([csv_cell(h) for h in header])
    for result, column in page.ranked:
        quote = column.quote
        row: list[object] = [
            result.rank,
            column.vendor.name,
            quote.pricing_model,
            quote.currency,
            money_str(result.monthly),
            money_str(result.setup_fee),
            money_str(result.total),
        ]
        if page.request.in_house_monthly_cost is not None:
            row += [
                money_str(result.savings) if result.savings is not None else "",
                round_score(result.savings_pct) if result.savings_pct is not None else "",
            ]
        row += [round_score(result.scores[c]) for c in CRITERIA]
        row += [
            round_score(result.score),
            quote.turnaround_hours or "",
            quote.accuracy_pct if quote.accuracy_pct is not None else "",
            f"{len(column.held)} of {len(page.required)}" if page.required else "none required",
            "; ".join(page.columns[d].vendor.name for d in result.dominated_by),
        ]
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# --- the explanation chart (server-rendered SVG, no JS) ----------------------------------------

COLOURS = {
    "price": "#1f5f8b",
    "quality": "#2e8b57",
    "sla": "#b8860b",
    "compliance": "#6a4c93",
    "responsiveness": "#c0504d",
}


@dataclass(frozen=True)
class Bar:
    criterion: str
    label: str
    x: float
    width: float
    value: Decimal
    colour: str


@dataclass(frozen=True)
class ChartRow:
    name: str
    y: float
    score: Decimal
    bars: list[Bar]


def chart_rows(
    page: ComparisonPage, width: float = 520.0, row_height: float = 34.0
) -> list[ChartRow]:
    """Stacked bars of each quote's contributions on a 0..100 scale."""
    rows: list[ChartRow] = []
    for index, (result, column) in enumerate(page.ranked):
        x = 0.0
        bars = []
        for criterion, value in rounded_contributions(result).items():
            w = float(value) / 100 * width
            bars.append(
                Bar(criterion, CRITERION_LABELS[criterion], x, w, value, COLOURS[criterion])
            )
            x += w
        rows.append(
            ChartRow(column.vendor.name, index * row_height, round_score(result.score), bars)
        )
    return rows


def request_for_comparison(request_id: int, user: Any) -> QuoteRequest | None:
    """The request if ``user`` is its buyer or an admin; None otherwise (the view answers 404)."""
    request = db.session.get(QuoteRequest, request_id)
    if request is None or not user.is_authenticated:
        return None
    if user.role == "admin" or (user.role == "buyer" and request.buyer_id == user.id):
        return request
    return None


def api_body(page: ComparisonPage) -> dict[str, Any]:
    """The same comparison as a ``POST /api/v1/compare`` body, for the page's live re-ranking."""
    from marketplace.compare import money_str

    req = page.request
    table = current_rates()
    quotes = []
    for key, column in page.columns.items():
        q = column.quote
        vendor = column.vendor
        quotes.append(
            {
                "id": key,
                "pricing_model": q.pricing_model,
                "unit_price": str(q.unit_price),
                "hours_per_month": q.hours_per_month,
                "setup_fee": str(q.setup_fee),
                "minimum_monthly": str(q.minimum_monthly),
                "currency": q.currency,
                "sla": {
                    "turnaround_hours": q.turnaround_hours,
                    "accuracy_pct": float(q.accuracy_pct) if q.accuracy_pct is not None else None,
                },
                "vendor": {
                    "name": vendor.name,
                    "rating": float(vendor.rating_avg) if vendor.rating_avg is not None else None,
                    "review_count": vendor.review_count,
                    "median_response_hours": (
                        float(vendor.median_response_hours)
                        if vendor.median_response_hours is not None
                        else None
                    ),
                    "certifications": list(column.held),
                },
            }
        )
    body: dict[str, Any] = {
        "request": {
            "currency": req.currency,
            "quantity": req.quantity,
            "contract_months": req.contract_months,
            "required_certifications": list(page.required),
            "weights": page.weights,
        },
        "quotes": quotes,
        "usd_per": {code: str(rate) for code, rate in table.usd_per.items() if code != "USD"},
    }
    if req.in_house_monthly_cost is not None:
        body["request"]["in_house_monthly_cost"] = money_str(req.in_house_monthly_cost)
    return body
