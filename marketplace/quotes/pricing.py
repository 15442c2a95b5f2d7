"""Monthly and total cost of quotes, through the comparison engine (the numbers the buyer sees).

The request page and the vendor's quote preview call the same :func:`marketplace.compare.compare`
as the comparison page, so a quote never shows two different totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from marketplace.compare import (
    CompareError,
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    compare,
)
from marketplace.quotes.models import Quote, QuoteRequest


@dataclass(frozen=True)
class QuotePrice:
    """A quote's monthly and total cost in its own currency and in the request's."""

    currency_original: str
    monthly_original: Decimal
    total_original: Decimal
    minimum_applied: bool
    currency: str  # the request's
    monthly: Decimal | None  # None when no exchange rate converts the quote's currency
    total: Decimal | None

    @property
    def converted(self) -> bool:
        return self.currency_original != self.currency


@dataclass(frozen=True)
class QuoteFigures:
    """The priced terms of a quote, saved or only previewed."""

    pricing_model: str
    unit_price: Decimal
    currency: str
    hours_per_month: int | None = None
    setup_fee: Decimal = Decimal(0)
    minimum_monthly: Decimal = Decimal(0)


def _terms(key: str, figures: QuoteFigures) -> QuoteTerms:
    return QuoteTerms(
        id=key,
        pricing_model=PricingModel(figures.pricing_model),
        unit_price=figures.unit_price,
        currency=figures.currency,
        vendor=VendorFacts(),
        hours_per_month=(
            Decimal(figures.hours_per_month) if figures.hours_per_month is not None else None
        ),
        setup_fee=figures.setup_fee,
        minimum_monthly=figures.minimum_monthly,
    )


def figures_of(quote: Quote) -> QuoteFigures:
    return QuoteFigures(
        pricing_model=quote.pricing_model,
        unit_price=quote.unit_price,
        currency=quote.currency,
        hours_per_month=quote.hours_per_month,
        setup_fee=quote.setup_fee,
        minimum_monthly=quote.minimum_monthly,
    )


def price_figures(
    request: QuoteRequest, items: Mapping[str, QuoteFigures], usd_per: Mapping[str, Decimal]
) -> dict[str, QuotePrice]:
    """Price several quotes for ``request`` at once; a quote the engine refuses is left out."""
    terms = []
    for key, figures in items.items():
        try:
            terms.append(_terms(key, figures))
        except (CompareError, ValueError):
            continue
    if not terms:
        return {}
    request_terms = RequestTerms(
        currency=request.currency,
        quantity=request.quantity,
        contract_months=request.contract_months,
    )
    rates = Rates(usd_per=dict(usd_per))
    comparison = compare(request_terms, terms, rates)
    prices: dict[str, QuotePrice] = {}
    for result in comparison.results:
        prices[result.id] = QuotePrice(
            currency_original=result.currency_original,
            monthly_original=result.monthly_original,
            total_original=result.total_original,
            minimum_applied=result.minimum_applied,
            currency=request.currency,
            monthly=result.monthly,
            total=result.total,
        )
    for unrated in comparison.unrated:
        # No exchange rate for the quote's currency: show its own figures, never guess a rate.
        figures = items[unrated.id]
        stated = _stated_monthly(figures, request.quantity)
        monthly = max(stated, figures.minimum_monthly)
        prices[unrated.id] = QuotePrice(
            currency_original=figures.currency,
            monthly_original=monthly,
            total_original=figures.setup_fee + monthly * request.contract_months,
            minimum_applied=stated < figures.minimum_monthly,
            currency=request.currency,
            monthly=None,
            total=None,
        )
    return prices


def _stated_monthly(figures: QuoteFigures, quantity: int) -> Decimal:
    """DESIGN 5's monthly amount before the minimum fee (used only when the engine cannot rate)."""
    if figures.pricing_model in ("per_unit_month", "per_transaction"):
        return figures.unit_price * quantity
    if figures.pricing_model == "per_hour":
        return figures.unit_price * (figures.hours_per_month or 0)
    return figures.unit_price


def price_quotes(
    request: QuoteRequest, quotes: Iterable[Quote], usd_per: Mapping[str, Decimal]
) -> dict[int, QuotePrice]:
    """Monthly and total of saved quotes, keyed by quote id."""
    by_key = {str(q.id): figures_of(q) for q in quotes}
    return {int(k): v for k, v in price_figures(request, by_key, usd_per).items()}


def preview(
    request: QuoteRequest, figures: QuoteFigures, usd_per: Mapping[str, Decimal]
) -> QuotePrice | None:
    """What the buyer will see for terms a vendor is still writing."""
    return price_figures(request, {"preview": figures}, usd_per).get("preview")
