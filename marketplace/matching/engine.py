"""Rank vendors for a request: a pure function of plain facts, explained in words.

Only vendors that serve the request's category are proposed (category fit is a gate, not a
score). Among them, each criterion scores 0..1 and weighs:

- certifications 30: required certifications held / required (1 when none is required);
- price 25: the indicative monthly price (indicative price x quantity for per-unit and
  per-transaction pricing, the price itself for a fixed monthly fee; unknown for hourly pricing)
  against the monthly budget: 1 within budget, budget / price above it, 0.5 when either is unknown;
- rating 20: the Bayesian rating of the comparison engine, (5 x 3.5 + rating x n) / (5 + n), / 5;
- responsiveness 15: fastest median first response among the candidates / own (hours floored at
  1), 0.5 without history;
- country 10: 1 when the buyer has no preference or the vendor is in a preferred country, else 0.

The score is 100 x the weighted sum. Ties go to the name, then the id. A vendor's plan is carried
in the facts but never read: a plan never changes a rank (PRODUCT.md), and a test pins that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS: Mapping[str, Decimal] = {
    "certifications": Decimal(30),
    "price": Decimal(25),
    "rating": Decimal(20),
    "responsiveness": Decimal(15),
    "country": Decimal(10),
}

_ONE = Decimal(1)
_ZERO = Decimal(0)
_HALF = Decimal("0.5")
_PRIOR_MEAN = Decimal("3.5")
_PRIOR_WEIGHT = 5


@dataclass(frozen=True, kw_only=True)
class RequestFacts:
    """What matching needs to know about the request."""

    category_slug: str
    category_name: str
    quantity: int
    currency: str
    budget_monthly: Decimal | None = None
    # slug -> display name, so reasons can name what is held or missing
    required_certifications: Mapping[str, str] = field(default_factory=dict)
    preferred_countries: frozenset[str] = frozenset()
    usd_per: Mapping[str, Decimal] = field(default_factory=dict)  # USD per unit of currency


@dataclass(frozen=True, kw_only=True)
class VendorFacts:
    """What matching needs to know about one vendor."""

    vendor_id: int
    name: str
    categories: frozenset[str]  # slugs of the categories it serves
    country: str = ""
    country_name: str = ""
    pricing_model: str | None = None  # its service in the request's category
    indicative_price: Decimal | None = None
    price_currency: str = "USD"
    certifications: Mapping[str, str] = field(default_factory=dict)  # held: slug -> name
    rating: Decimal | None = None
    review_count: int = 0
    median_response_hours: Decimal | None = None
    plan: str = "free"  # deliberately ignored by :func:`recommend`


@dataclass(frozen=True, kw_only=True)
class Recommendation:
    """One ranked vendor with its score (0..100), its sub-scores (0..1) and the reason."""

    vendor_id: int
    name: str
    rank: int
    score: Decimal
    parts: Mapping[str, Decimal]
    reason: str
    reasons: tuple[str, ...]
    indicative_monthly: Decimal | None  # in the request currency
    within_budget: bool | None  # None: no budget or no comparable price


def bayesian_rating(rating: Decimal | None, review_count: int) -> Decimal:
    """(5 x 3.5 + rating x n) / (5 + n); 3.5 for a vendor without reviews."""
    n = review_count if rating is not None and review_count > 0 else 0
    value = rating if rating is not None else _ZERO
    return (_PRIOR_WEIGHT * _PRIOR_MEAN + value * n) / (_PRIOR_WEIGHT + n)


def convert(
    amount: Decimal, source: str, target: str, usd_per: Mapping[str, Decimal]
) -> Decimal | None:
    """amount x usd_per[source] / usd_per[target]; None when a rate is missing."""
    if source == target:
        return amount
    rates = {"USD": _ONE, **usd_per}
    src, dst = rates.get(source), rates.get(target)
    if not src or not dst:
        return None
    return amount * src / dst


def indicative_monthly(
    pricing_model: str | None,
    price: Decimal | None,
    price_currency: str,
    quantity: int,
    currency: str,
    usd_per: Mapping[str, Decimal],
) -> Decimal | None:
    """The vendor's indicative monthly price for the request, in the request currency.

    None when it cannot be known: no price, hourly pricing (hours are not in the request), or no
    exchange rate.
    """
    if price is None or pricing_model is None:
        return None
    if pricing_model in ("per_unit_month", "per_transaction"):
        monthly = price * quantity
    elif pricing_model == "fixed_month":
        monthly = price
    else:
        return None
    return convert(monthly, price_currency, currency, usd_per)


def budget_fit(monthly: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """1 within budget, budget / monthly above it; None when either is unknown."""
    if monthly is None or budget is None:
        return None
    if monthly <= budget:
        return _ONE
    return budget / monthly


def response_label(hours: Decimal | None) -> str:
    """ "answers in ~3 h", "answers within an hour", "answers in ~2 days"."""
    if hours is None:
        return "no response history yet"
    if hours < 1:
        return "answers within an hour"
    if hours < 36:
        return f"answers in ~{int(hours.to_integral_value(ROUND_HALF_UP))} h"
    return f"answers in ~{int((hours / 24).to_integral_value(ROUND_HALF_UP))} days"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _rating_reason(rating: Decimal | None, n: int) -> str:
    if rating is None or n <= 0:
        return "no reviews yet"
    shown = rating.quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown} from {n} review{'s' if n != 1 else ''}"


def _score_one(
    request: RequestFacts, vendor: VendorFacts, fastest: Decimal | None
) -> tuple[dict[str, Decimal], list[str], Decimal | None, bool | None]:
    reasons = [f"serves {request.category_name}"]

    required = request.required_certifications
    if required:
        held = [name for slug, name in required.items() if slug in vendor.certifications]
        missing = [name for slug, name in required.items() if slug not in vendor.certifications]
        certifications = Decimal(len(held)) / len(required)
        if held:
            reasons.append(f"holds {_join(held)}")
        if missing:
            reasons.append(f"lacks {_join(missing)}")
    else:
        certifications = _ONE

    monthly = indicative_monthly(
        vendor.pricing_model,
        vendor.indicative_price,
        vendor.price_currency,
        request.quantity,
        request.currency,
        request.usd_per,
    )
    fit = budget_fit(monthly, request.budget_monthly)
    within: bool | None = None
    if fit is None:
        price = _HALF
    else:
        price = fit
        within = fit == _ONE
        if within:
            reasons.append("rate within budget")
        else:
            assert monthly is not None and request.budget_monthly is not None
            over = (monthly / request.budget_monthly - 1) * 100 if request.budget_monthly else None
            if over is None:
                reasons.append("rate over budget")
            else:
                reasons.append(f"rate ~{int(over.to_integral_value(ROUND_HALF_UP))}% over budget")

    rating = bayesian_rating(vendor.rating, vendor.review_count) / 5
    reasons.append(_rating_reason(vendor.rating, vendor.review_count))

    hours = vendor.median_response_hours
    if hours is None or fastest is None:
        responsiveness = _HALF
    else:
        responsiveness = min(_ONE, fastest / max(hours, _ONE))
    reasons.append(response_label(hours))

    if request.preferred_countries:
        preferred = vendor.country in request.preferred_countries
        country = _ONE if preferred else _ZERO
        where = vendor.country_name or vendor.country or "an unknown country"
        reasons.append(
            f"based in {where}" + (" (preferred)" if preferred else ", not a preferred country")
        )
    else:
        country = _ONE

    parts = {
        "certifications": certifications,
        "price": price,
        "rating": rating,
        "responsiveness": responsiveness,
        "country": country,
    }
    return parts, reasons, monthly, within


def recommend(
    request: RequestFacts, vendors: Iterable[VendorFacts], limit: int | None = None
) -> list[Recommendation]:
    """Vendors serving the request's category, best first, each with its score and reason."""
    candidates = [v for v in vendors if request.category_slug in v.categories]
    known = [max(h, _ONE) for v in candidates if (h := v.median_response_hours) is not None]
    fastest = min(known) if known else None

    scored = []
    for vendor in candidates:
        parts, reasons, monthly, within = _score_one(request, vendor, fastest)
        total = sum((WEIGHTS[k] * parts[k] for k in WEIGHTS), _ZERO)
        score = total.quantize(Decimal("0.1"), ROUND_HALF_UP)
        scored.append((score, vendor, parts, reasons, monthly, within))

    scored.sort(key=lambda item: (-item[0], item[1].name.casefold(), item[1].vendor_id))
    if limit is not None:
        scored = scored[:limit]
    return [
        Recommendation(
            vendor_id=vendor.vendor_id,
            name=vendor.name,
            rank=rank,
            score=score,
            parts=parts,
            reason="; ".join(reasons),
            reasons=tuple(reasons),
            indicative_monthly=monthly,
            within_budget=within,
        )
        for rank, (score, vendor, parts, reasons, monthly, within) in enumerate(scored, start=1)
    ]
