"""The comparison engine: DESIGN section 5 to the letter, in pure Python and ``Decimal``.

Frozen dataclasses in (:class:`RequestTerms`, :class:`QuoteTerms`, :class:`Rates`), a frozen
:class:`Comparison` out. No Flask, no SQLAlchemy: the comparison page, the JSON API and the tests
all call :func:`compare` with the same inputs and get the same numbers.

Precision: money is never rounded inside the engine (conversions divide, so it runs in a 60-digit
context); sub-scores, normalised weights and contributions are kept to 20 decimal places, which
makes ``score == sum(contributions)`` exact. Rounding for people happens only in the reporting
helpers at the bottom (:func:`money_str`, :func:`round_score`, :func:`rounded_contributions`,
:func:`explain`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

CRITERIA: tuple[str, ...] = ("price", "quality", "sla", "compliance", "responsiveness")
CRITERION_LABELS: Mapping[str, str] = {
    "price": "price",
    "quality": "quality",
    "sla": "SLA",
    "compliance": "compliance",
    "responsiveness": "responsiveness",
}

PRECISION = 60  # digits; enough for 10^12 x 10^7 x 120 converted through any rate
SCORE_EXP = Decimal("1E-20")  # sub-scores, weights and contributions are kept to 20 places

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_PRIOR_MEAN = Decimal("3.5")  # bayes = (5 x 3.5 + rating x n) / (5 + n)
_PRIOR_WEIGHT = 5
_NO_HISTORY = Decimal(50)  # responsiveness of a vendor with no response history


class PricingModel(enum.StrEnum):
    """How a vendor states its price (DESIGN section 5)."""

    PER_UNIT_MONTH = "per_unit_month"
    PER_TRANSACTION = "per_transaction"
    PER_HOUR = "per_hour"
    FIXED_MONTH = "fixed_month"


class CompareError(ValueError):
    """Inputs the engine refuses to compare; ``str(err)`` is safe to show."""


class InvalidWeights(CompareError):
    """The weights are all zero or one of them is negative."""


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Weights:
    """The buyer's raw weights, any non-negative scale (they are normalised to sum 1)."""

    price: Decimal = Decimal(40)
    quality: Decimal = Decimal(25)
    sla: Decimal = Decimal(15)
    compliance: Decimal = Decimal(10)
    responsiveness: Decimal = Decimal(10)

    def as_dict(self) -> dict[str, Decimal]:
        """The raw weights by criterion, in :data:`CRITERIA` order."""
        return {c: Decimal(getattr(self, c)) for c in CRITERIA}

    def normalised(self) -> dict[str, Decimal]:
        """Weights summing exactly to 1; raises :class:`InvalidWeights` (all zero or negative).

        Each is rounded to 20 places and the largest absorbs the rounding remainder, so the sum
        is exactly 1 and a quote scoring 100 everywhere scores exactly 100.
        """
        raw = self.as_dict()
        negative = [c for c, w in raw.items() if w < 0]
        if negative:
            raise InvalidWeights(f"Weights cannot be negative ({', '.join(negative)}).")
        with localcontext() as ctx:
            ctx.prec = PRECISION
            total = sum(raw.values(), _ZERO)
            if total == 0:
                raise InvalidWeights("Give at least one criterion a weight above zero.")
            weights = {c: (w / total).quantize(SCORE_EXP) for c, w in raw.items()}
            largest = max(CRITERIA, key=lambda c: weights[c])
            weights[largest] += _ONE - sum(weights.values(), _ZERO)
        return weights


@dataclass(frozen=True, kw_only=True)
class VendorFacts:
    """What the engine needs to know about the vendor behind a quote."""

    name: str = ""
    rating: Decimal | None = None  # 0..5; ignored when review_count is 0
    review_count: int = 0
    median_response_hours: Decimal | None = None  # None: no history
    certifications: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.rating is not None and not 0 <= self.rating <= 5:
            raise CompareError("A rating lies between 0 and 5.")
        if self.review_count < 0:
            raise CompareError("A review count cannot be negative.")
        if self.median_response_hours is not None and self.median_response_hours < 0:
            raise CompareError("A response time cannot be negative.")


@dataclass(frozen=True, kw_only=True)
class QuoteTerms:
    """One quote as the vendor stated it, in its own currency."""

    id: str
    pricing_model: PricingModel
    unit_price: Decimal
    currency: str
    vendor: VendorFacts
    hours_per_month: Decimal | None = None  # required for per_hour
    setup_fee: Decimal = _ZERO
    minimum_monthly: Decimal = _ZERO
    turnaround_hours: Decimal | None = None  # SLA, either part may be missing
    accuracy_pct: Decimal | None = None

    def __post_init__(self) -> None:
        try:
            PricingModel(self.pricing_model)
        except ValueError as exc:
            raise CompareError(f"Unknown pricing model {self.pricing_model!r}.") from exc
        if self.pricing_model == PricingModel.PER_HOUR and self.hours_per_month is None:
            raise CompareError(f"Quote {self.id}: per_hour pricing needs hours_per_month.")
        for name in ("unit_price", "setup_fee", "minimum_monthly"):
            if getattr(self, name) < 0:
                raise CompareError(f"Quote {self.id}: {name} cannot be negative.")
        if self.turnaround_hours is not None and self.turnaround_hours <= 0:
            raise CompareError(f"Quote {self.id}: turnaround_hours must be above zero.")
        if self.accuracy_pct is not None and not 0 <= self.accuracy_pct <= 100:
            raise CompareError(f"Quote {self.id}: accuracy_pct lies between 0 and 100.")


@dataclass(frozen=True, kw_only=True)
class RequestTerms:
    """What the buyer asked for; money in ``currency``."""

    currency: str
    quantity: int
    contract_months: int
    in_house_monthly_cost: Decimal | None = None
    required_certifications: frozenset[str] = frozenset()
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise CompareError("The quantity cannot be negative.")
        if self.contract_months < 1:
            raise CompareError("A contract lasts at least one month.")


@dataclass(frozen=True)
class Rates:
    """A dated table of US dollars per one unit of each currency; USD is always 1."""

    usd_per: Mapping[str, Decimal] = field(default_factory=dict)
    as_of: date | None = None

    def usd_value(self, currency: str) -> Decimal | None:
        """USD per unit of ``currency``, or None when the table has no rate for it."""
        if currency == "USD":
            return _ONE
        rate = self.usd_per.get(currency)
        return rate if rate is not None and rate > 0 else None


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True, kw_only=True)
class QuoteResult:
    """One compared quote: its money in the request currency, its scores and its rank."""

    id: str
    rank: int
    vendor_name: str
    pricing_model: PricingModel
    currency_original: str
    monthly_original: Decimal  # in the quote's currency, after the minimum monthly fee
    total_original: Decimal
    minimum_applied: bool  # the minimum monthly fee raised the monthly amount
    setup_fee: Decimal  # request currency
    monthly: Decimal
    total: Decimal
    savings: Decimal | None  # None when the request has no in-house cost
    savings_pct: Decimal | None
    scores: Mapping[str, Decimal]  # 0..100 per criterion
    contributions: Mapping[str, Decimal]  # normalised weight x sub-score; they sum to score
    score: Decimal
    dominated_by: tuple[str, ...]  # ids of the quotes that dominate this one, in rank order
    lowest_total: bool
    best_value: bool  # ranked first

    @property
    def dominated(self) -> bool:
        """Another quote is as good on every criterion, better on one, and no dearer."""
        return bool(self.dominated_by)


@dataclass(frozen=True)
class Sensitivity:
    """The price weight (0..1, others scaled in proportion) where the runner-up draws level."""

    winner: str
    runner_up: str
    price_weight: Decimal
    winner_loses_below: bool  # True: runner-up wins when price weighs less than price_weight


@dataclass(frozen=True)
class UnratedQuote:
    """A quote left out because its currency cannot be converted (no rate: never guessed)."""

    id: str
    currency: str


@dataclass(frozen=True)
class Comparison:
    """The outcome: results in rank order, plus what could not be compared."""

    currency: str
    weights: Mapping[str, Decimal]  # normalised
    results: tuple[QuoteResult, ...]
    sensitivity: Sensitivity | None
    rates_as_of: date | None  # date of the rates used; None when no conversion was needed
    unrated: tuple[UnratedQuote, ...]

    def result(self, quote_id: str) -> QuoteResult:
        """The result of one quote; KeyError when it was not ranked."""
        for res in self.results:
            if res.id == quote_id:
                return res
        raise KeyError(quote_id)

    @property
    def winner(self) -> QuoteResult | None:
        return self.results[0] if self.results else None


# ---------------------------------------------------------------------------------------------
# The engine


@dataclass
class _Row:
    quote: QuoteTerms
    monthly_original: Decimal
    total_original: Decimal
    minimum_applied: bool
    setup_fee: Decimal
    monthly: Decimal
    total: Decimal
    scores: dict[str, Decimal] = field(default_factory=dict)
    contributions: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal = _ZERO
    dominators: int = 0  # bitset over row positions


def monthly_amount(quote: QuoteTerms, quantity: int) -> Decimal:
    """The monthly price in the quote's currency, before the minimum monthly fee."""
    model = quote.pricing_model
    if model in (PricingModel.PER_UNIT_MONTH, PricingModel.PER_TRANSACTION):
        return quote.unit_price * quantity
    if model == PricingModel.PER_HOUR:
        assert quote.hours_per_month is not None  # QuoteTerms refuses per_hour without hours
        return quote.unit_price * quote.hours_per_month
    return quote.unit_price


def compare(request: RequestTerms, quotes: Iterable[QuoteTerms], rates: Rates) -> Comparison:
    """Compare quotes for a request (DESIGN section 5); results come back in rank order.

    Raises :class:`InvalidWeights` for all-zero or negative weights and :class:`CompareError`
    for duplicate quote ids. Quotes whose currency has no rate are listed in ``unrated``.
    """
    quotes = tuple(quotes)
    weights = request.weights.normalised()
    seen: set[str] = set()
    for quote in quotes:
        if quote.id in seen:
            raise CompareError(f"Quote id {quote.id!r} appears twice.")
        seen.add(quote.id)

    with localcontext() as ctx:
        ctx.prec = PRECISION
        rows, unrated, converted = _price(request, quotes, rates)
        _score(request, rows, weights)
        # dominance bitsets over the rank order without its dominance tie-break: ascending bits
        # then list dominators best first, and only exact ties can reorder (rarely) below
        rows.sort(key=_rank_key_before_dominance)
        _dominance(rows)
        ordered = sorted(rows, key=_rank_key)
        results = _results(request, rows, ordered)
        sensitivity = _sensitivity(ordered, request.weights) if len(ordered) > 1 else None

    return Comparison(
        currency=request.currency,
        weights=weights,
        results=results,
        sensitivity=sensitivity,
        rates_as_of=rates.as_of if converted else None,
        unrated=tuple(sorted(unrated, key=lambda u: _id_key(u.id))),
    )


def _price(
    request: RequestTerms, quotes: Sequence[QuoteTerms], rates: Rates
) -> tuple[list[_Row], list[UnratedQuote], bool]:
    """Monthly and total per quote in its own currency, then in the request currency."""
    target = rates.usd_value(request.currency)
    rows: list[_Row] = []
    unrated: list[UnratedQuote] = []
    converted = False
    for quote in quotes:
        stated = monthly_amount(quote, request.quantity)
        monthly = max(stated, quote.minimum_monthly)
        total = quote.setup_fee + monthly * request.contract_months
        if quote.currency == request.currency:
            row = _Row(quote, monthly, total, stated < monthly, quote.setup_fee, monthly, total)
        else:
            source = rates.usd_value(quote.currency)
            if source is None or target is None:
                unrated.append(UnratedQuote(quote.id, quote.currency))
                continue
            converted = True
            row = _Row(
                quote,
                monthly,
                total,
                stated < monthly,
                # conversion X -> C is amount x usd_per[X] / usd_per[C]
                quote.setup_fee * source / target,
                monthly * source / target,
                total * source / target,
            )
        rows.append(row)
    return rows, unrated, converted


def _score(request: RequestTerms, rows: list[_Row], weights: Mapping[str, Decimal]) -> None:
    """The five sub-scores, the contributions and the score of every row."""
    if not rows:
        return
    lowest_total = min(r.total for r in rows)
    turnarounds = [r.quote.turnaround_hours for r in rows if r.quote.turnaround_hours is not None]
    lowest_turnaround = min(turnarounds) if turnarounds else None
    responses = [
        max(h, _ONE) for r in rows if (h := r.quote.vendor.median_response_hours) is not None
    ]
    fastest = min(responses) if responses else None
    required = request.required_certifications

    for row in rows:
        quote, vendor = row.quote, row.quote.vendor
        # price = 100 x lowest total / total (a total of 0 is necessarily the lowest)
        price = _HUNDRED if row.total == lowest_total else _HUNDRED * lowest_total / row.total
        # quality = 100 x bayes / 5, bayes = (5 x 3.5 + rating x n) / (5 + n)
        n = vendor.review_count if vendor.rating is not None else 0
        rating = vendor.rating if vendor.rating is not None else _ZERO
        bayes = (_PRIOR_WEIGHT * _PRIOR_MEAN + rating * n) / (_PRIOR_WEIGHT + n)
        quality = _HUNDRED * bayes / 5
        # sla = 100 x mean of the stated parts
        parts: list[Decimal] = []
        if quote.turnaround_hours is not None and lowest_turnaround is not None:
            parts.append(lowest_turnaround / quote.turnaround_hours)
        if quote.accuracy_pct is not None:
            parts.append(min(max((quote.accuracy_pct - 90) / 10, _ZERO), _ONE))
        sla = _HUNDRED * sum(parts, _ZERO) / len(parts) if parts else _ZERO
        # compliance = 100 x held required / required (100 when none is required)
        if required:
            compliance = _HUNDRED * len(required & vendor.certifications) / len(required)
        else:
            compliance = _HUNDRED
        # responsiveness = 100 x fastest / own, hours floored at 1; 50 without history
        hours = vendor.median_response_hours
        if hours is None or fastest is None:
            responsiveness = _NO_HISTORY
        else:
            responsiveness = _HUNDRED * fastest / max(hours, _ONE)

        raw = (price, quality, sla, compliance, responsiveness)
        row.scores = {c: s.quantize(SCORE_EXP) for c, s in zip(CRITERIA, raw, strict=True)}
        row.contributions = {c: (weights[c] * row.scores[c]).quantize(SCORE_EXP) for c in CRITERIA}
        row.score = sum(row.contributions.values(), _ZERO)


def _masks(values: Sequence[Decimal], *, higher_is_better: bool) -> tuple[list[int], list[int]]:
    """Per row, bitsets of the rows at least as good (``ge``) and strictly better (``gt``)."""
    n = len(values)
    order = sorted(range(n), key=values.__getitem__, reverse=higher_is_better)
    ge = [0] * n
    gt = [0] * n
    seen = 0
    i = 0
    while i < n:
        value = values[order[i]]
        j = i
        group = 0
        while j < n and values[order[j]] == value:
            group |= 1 << order[j]
            j += 1
        better = seen
        seen |= group
        for k in range(i, j):
            ge[order[k]] = seen
            gt[order[k]] = better
        i = j
    return ge, gt


def _dominance(rows: list[_Row]) -> None:
    """Mark, per row, the rows dominating it: >= on every sub-score, > on one, total <=.

    Bitsets over row positions keep this near-linear in practice (1,000 quotes in a few ms)
    instead of a million pairwise Python comparisons.
    """
    n = len(rows)
    if n < 2:
        return
    everywhere = [(1 << n) - 1] * n
    somewhere = [0] * n
    for criterion in CRITERIA:
        ge, gt = _masks([r.scores[criterion] for r in rows], higher_is_better=True)
        for i in range(n):
            everywhere[i] &= ge[i]
            somewhere[i] |= gt[i]
    no_dearer, _ = _masks([r.total for r in rows], higher_is_better=False)
    for i, row in enumerate(rows):
        row.dominators = everywhere[i] & somewhere[i] & no_dearer[i]


_ID_CHUNK = re.compile(r"[0-9]+|[^0-9]+")


def _id_key(quote_id: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """Ascending id order, with digit runs compared as numbers ("q2" before "q10")."""
    chunks = tuple(
        (0, int(chunk), "") if chunk[0] in "0123456789" else (1, 0, chunk)
        for chunk in _ID_CHUNK.findall(quote_id)
    )
    return chunks, quote_id


def _rank_key_before_dominance(row: _Row) -> tuple[Decimal, Decimal, tuple[object, ...]]:
    return (-row.score, row.total, _id_key(row.quote.id))


def _rank_key(row: _Row) -> tuple[Decimal, Decimal, int, tuple[object, ...]]:
    # DESIGN: score desc, then total asc, then id asc. Between those two tie-breaks, fewer
    # dominators first: on an exact tie of score and total (a criterion weighted 0 separates the
    # quotes) a quote must not rank above the one that dominates it. Dominance is transitive, so
    # a dominator always has strictly fewer dominators than the quote it dominates.
    return (-row.score, row.total, row.dominators.bit_count(), _id_key(row.quote.id))


def _results(
    request: RequestTerms, rows: list[_Row], ordered: list[_Row]
) -> tuple[QuoteResult, ...]:
    """Freeze the rows, in rank order; ``rows`` is the order the dominance bitsets refer to."""
    position = {id(row): rank for rank, row in enumerate(ordered, start=1)}
    ids = [row.quote.id for row in rows]
    reordered = any(a is not b for a, b in zip(rows, ordered, strict=True))
    lowest = min((r.total for r in ordered), default=_ZERO)
    in_house_total = (
        request.in_house_monthly_cost * request.contract_months
        if request.in_house_monthly_cost is not None
        else None
    )
    results = []
    for rank, row in enumerate(ordered, start=1):
        positions = list(_bit_positions(row.dominators))
        if reordered:
            positions.sort(key=lambda i: position[id(rows[i])])
        dominated_by = tuple(ids[i] for i in positions)
        savings = savings_pct = None
        if in_house_total is not None:
            savings = in_house_total - row.total
            savings_pct = savings / in_house_total * _HUNDRED if in_house_total else None
        results.append(
            QuoteResult(
                id=row.quote.id,
                rank=rank,
                vendor_name=row.quote.vendor.name,
                pricing_model=PricingModel(row.quote.pricing_model),
                currency_original=row.quote.currency,
                monthly_original=row.monthly_original,
                total_original=row.total_original,
                minimum_applied=row.minimum_applied,
                setup_fee=row.setup_fee,
                monthly=row.monthly,
                total=row.total,
                savings=savings,
                savings_pct=savings_pct,
                scores=row.scores,
                contributions=row.contributions,
                score=row.score,
                dominated_by=dominated_by,
                lowest_total=row.total == lowest,
                best_value=rank == 1,
            )
        )
    return tuple(results)


def _bit_positions(mask: int) -> Iterable[int]:
    """The positions of the set bits, lowest first."""
    bits = bin(mask)[:1:-1]  # reversed, without "0b": bits[i] is bit i
    i = bits.find("1")
    while i >= 0:
        yield i
        i = bits.find("1", i + 1)


def _sensitivity(ordered: list[_Row], raw_weights: Weights) -> Sensitivity | None:
    """Solve, exactly, for the price weight at which the runner-up draws level with the winner.

    With price weight w and the other criteria keeping their relative shares,
    score(w) = w x P + (1 - w) x O, where O is the others' weighted mean. The gap
    winner - runner-up is dO + w x (dP - dO), zero at w = dO / (dO - dP).
    """
    raw = {c: Fraction(w) for c, w in raw_weights.as_dict().items()}
    others = sum((raw[c] for c in CRITERIA if c != "price"), Fraction(0))
    if others == 0:
        return None  # all weight on price: "the others in proportion" means nothing
    winner, runner_up = ordered[0], ordered[1]

    def split(row: _Row) -> tuple[Fraction, Fraction]:
        rest = sum(
            (raw[c] * Fraction(row.scores[c]) for c in CRITERIA if c != "price"), Fraction(0)
        )
        return Fraction(row.scores["price"]), rest / others

    price_w, others_w = split(winner)
    price_r, others_r = split(runner_up)
    d_price, d_others = price_w - price_r, others_w - others_r
    if d_others == d_price:
        return None  # parallel: the gap does not depend on the price weight
    level = d_others / (d_others - d_price)
    if not 0 <= level <= 1:
        return None
    return Sensitivity(
        winner=winner.quote.id,
        runner_up=runner_up.quote.id,
        price_weight=(Decimal(level.numerator) / Decimal(level.denominator)).quantize(SCORE_EXP),
        winner_loses_below=d_price > d_others,
    )


# ---------------------------------------------------------------------------------------------
# Reporting helpers: the only places where numbers are rounded


_CENT = Decimal("0.01")


def money_str(amount: Decimal) -> str:
    """An amount rounded half-up to cents, as a plain string ("1234.50", never "-0.00")."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    if cents == 0:
        cents = cents.copy_abs()
    return f"{cents:f}"


def round_score(value: Decimal, places: int = 2) -> Decimal:
    """A score or percentage rounded half-up for reporting."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_contributions(result: QuoteResult, places: int = 2) -> dict[str, Decimal]:
    """Contributions rounded so that they add up to the rounded score (largest remainder)."""
    unit = Decimal(1).scaleb(-places)
    target = round_score(result.score, places)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        floors = {c: result.contributions[c].quantize(unit, rounding=ROUND_FLOOR) for c in CRITERIA}
        missing = int((target - sum(floors.values(), _ZERO)) / unit)
        by_remainder = sorted(
            CRITERIA,
            key=lambda c: (-(result.contributions[c] - floors[c]), CRITERIA.index(c)),
        )
        for criterion in by_remainder[: max(missing, 0)]:
            floors[criterion] += unit
    return floors


_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


def ordinal(rank: int) -> str:
    """The rank in words up to ten ("first", "tenth"), then "11th", "22nd", "103rd"."""
    if 1 <= rank <= len(_ORDINALS):
        return _ORDINALS[rank - 1]
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def percent_str(fraction: Decimal) -> str:
    """A 0..1 fraction as whole percent, half-up: Decimal("0.2231") -> "22 %".

    Near the ends one decimal is kept, so 0.004 reads "0.4 %" rather than a misleading "0 %".
    """
    percent = fraction * 100
    whole = round_score(percent, 0)
    if whole in (0, 100) and percent != whole:
        return f"{round_score(percent, 1):f} %"
    return f"{whole:f} %"


def _points(number: Decimal) -> str:
    return f"{number:f} point" if number == 1 else f"{number:f} points"


def explain(comparison: Comparison, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """One sentence per ranked quote saying where its points come from and what would change.

    ``names`` maps quote id to the name to show; it falls back to the vendor name, then the id.
    """
    names = names or {}

    vendor_names = {r.id: r.vendor_name for r in comparison.results}

    def name_of(quote_id: str) -> str:
        return names.get(quote_id) or vendor_names.get(quote_id) or quote_id

    sentences: dict[str, str] = {}
    winner = comparison.winner
    for result in comparison.results:
        points = rounded_contributions(result, places=0)
        total = sum(points.values(), _ZERO)
        top = max(CRITERIA, key=lambda c: (result.contributions[c], -CRITERIA.index(c)))
        head = f"{name_of(result.id)} ranks {ordinal(result.rank)}: "
        if total == 0:
            head += "it scores no points"
        else:
            verb = "comes" if points[top] == 1 else "come"
            head += f"{points[top]:f} of its {_points(total)} {verb} from {CRITERION_LABELS[top]}"
        text = head + _tail(comparison, result, winner, name_of)
        # Names like "Vistula Sp. z o.o." already end the sentence.
        sentences[result.id] = text if text.endswith(".") else text + "."
    return sentences


def _tail(
    comparison: Comparison,
    result: QuoteResult,
    winner: QuoteResult | None,
    name_of: Callable[[str], str],
) -> str:
    if result.dominated:
        better = name_of(result.dominated_by[0])
        return f"; {better} is at least as good on every criterion and no dearer"
    if winner is not None and result.id != winner.id:
        # the difference of the shown (rounded) scores, so the sentence adds up
        gap = round_score(winner.score, 0) - round_score(result.score, 0)
        if gap == 0:
            return f"; it is level on points with {name_of(winner.id)} and loses the tie-break"
        return f"; it trails {name_of(winner.id)} by {_points(gap)}"
    if len(comparison.results) == 1:
        return "; it is the only quote compared"
    sensitivity = comparison.sensitivity
    if sensitivity is None:
        if comparison.weights["price"] == 1:
            return ""
        runner = name_of(comparison.results[1].id)
        return f"; no price weight from 0 to 100 % would hand first place to {runner}"
    direction = "less" if sensitivity.winner_loses_below else "more"
    return (
        f"; it would lose first place to {name_of(sensitivity.runner_up)} "
        f"if price weighed {direction} than {percent_str(sensitivity.price_weight)}"
    )
