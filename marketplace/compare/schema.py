"""The JSON contract of ``POST /api/v1/compare`` (DESIGN section 9): read a body, write an answer.

Pure Python like the engine. :func:`parse_compare_body` checks the whole body and raises one
:class:`~marketplace.parsing.FieldErrors` naming every bad field by its dotted path
(``quotes[2].unit_price``, ``request.weights.price``), so the view answers a single 422.
:func:`comparison_to_json` writes DESIGN 9's answer plus ``rates_as_of`` and ``unrated``.

Decisions the contract leaves open, made here:
- money (``unit_price``, ``setup_fee``, ``minimum_monthly``, ``in_house_monthly_cost``) must be a
  string or an integer, never a float: a float has already lost the exact amount. Other numbers
  (weights, SLA, rating, hours, rates) may be JSON floats.
- ``setup_fee`` and ``minimum_monthly`` default to 0, a quote's ``currency`` to the request's,
  ``sla`` to none stated; the ``vendor`` block is required (``{}`` for a vendor with no record).
- When ``weights`` is given, a criterion it leaves out weighs 0.
- Unknown keys are refused, so a misspelt ``in_house_montly_cost`` does not silently vanish.
- ``usd_per`` in the body adds to (and overrides) the stored rates; the answer then cites no
  rates date, since the caller's rates have none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from marketplace.compare.engine import (
    CRITERIA,
    CompareError,
    Comparison,
    InvalidWeights,
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    Weights,
    compare,
    money_str,
    round_score,
    rounded_contributions,
)
from marketplace.parsing import (
    FieldErrors,
    ParseError,
    clean_text,
    parse_currency,
    parse_int,
    parse_money,
)

T = TypeVar("T")

MAX_QUOTES = 1_000
MAX_QUANTITY = 10_000_000
MAX_CONTRACT_MONTHS = 120
MAX_REVIEWS = 10_000_000
MAX_CERTIFICATIONS = 50
MAX_SLUG_LENGTH = 64
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_HOURS = Decimal(100_000)  # turnaround and response times
MAX_HOURS_PER_MONTH = Decimal(100_000_000)  # a large team's billable hours
MAX_WEIGHT = Decimal(1_000_000)
MAX_RATE = Decimal(1_000_000)
MAX_ERRORS = 200  # a body of 1,000 bad quotes answers with the first 200 problems

TOP_FIELDS = frozenset({"request", "quotes", "usd_per"})
REQUEST_FIELDS = frozenset(
    {
        "currency",
        "quantity",
        "contract_months",
        "in_house_monthly_cost",
        "required_certifications",
        "weights",
    }
)
QUOTE_FIELDS = frozenset(
    {
        "id",
        "pricing_model",
        "unit_price",
        "hours_per_month",
        "setup_fee",
        "minimum_monthly",
        "currency",
        "sla",
        "vendor",
    }
)
SLA_FIELDS = frozenset({"turnaround_hours", "accuracy_pct"})
VENDOR_FIELDS = frozenset(
    {"name", "rating", "review_count", "median_response_hours", "certifications"}
)


@dataclass(frozen=True)
class CompareInput:
    """A parsed body: what :func:`~marketplace.compare.engine.compare` takes."""

    request: RequestTerms
    quotes: tuple[QuoteTerms, ...]
    rates: Rates


class _Errors:
    """Collects every failure under its dotted path; the first message per path wins."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.truncated = False

    def __len__(self) -> int:
        return len(self.errors)

    def add(self, path: str, message: str) -> None:
        if path in self.errors:
            return
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            return
        self.errors[path] = message

    def take(self, path: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a parser; on :class:`ParseError` record it under ``path`` and return None."""
        try:
            return parse(*args, **kwargs)
        except ParseError as exc:
            self.add(path, str(exc))
            return None

    def unknown(self, obj: Mapping[Any, Any], allowed: frozenset[str], prefix: str) -> None:
        for key in obj:
            if key not in allowed:
                self.add(_join(prefix, key), f"Unknown field; expected one of {_list(allowed)}.")

    def raise_if_any(self) -> None:
        if self.truncated:
            self.errors["body"] = f"Too many errors; the first {MAX_ERRORS} are shown."
        if self.errors:
            raise FieldErrors(dict(self.errors))


def _join(prefix: str, key: object) -> str:
    text = str(key)
    if len(text) > 40:
        text = text[:40] + "..."
    return f"{prefix}.{text}" if prefix else text


def _list(names: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(names)) if isinstance(names, frozenset) else ", ".join(names)


# ---------------------------------------------------------------------------------------------
# Field parsers (all raise ParseError; the shared parsers in marketplace.parsing do the work)


def _number(
    value: object,
    *,
    places: int,
    max_value: Decimal,
    allow_zero: bool = True,
    label: str = "a number, e.g. 4.5",
    negative: str = "Cannot be negative.",
) -> Decimal:
    """A non-negative number that is not money: JSON floats are welcome (rounded to ``places``)."""
    if isinstance(value, bool) or value is None:
        raise ParseError(f"Enter {label}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ParseError("Enter a finite number.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError("Enter a finite number.")
        if value < 0:
            raise ParseError(negative)
        if value > max_value:
            raise ParseError(f"That is too large (at most {max_value:,}).")
        value = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))
    elif isinstance(value, int | Decimal):
        if value < 0:
            raise ParseError(negative)
    elif isinstance(value, str):
        if value.strip().startswith("-"):
            raise ParseError(negative)
    else:
        raise ParseError(f"Enter {label}.")
    return parse_money(value, places=places, max_value=max_value, allow_zero=allow_zero)


def _money(value: object, *, places: int = 2, allow_zero: bool = True) -> Decimal:
    return parse_money(value, places=places, allow_zero=allow_zero)


def _optional_money(value: object, *, places: int = 2) -> Decimal:
    return Decimal(0) if value is None else parse_money(value, places=places)


def _currency_code(value: object) -> str:
    """A well-formed three-letter code (whether we know a rate for it is checked elsewhere)."""
    if not isinstance(value, str):
        raise ParseError("Use a three-letter currency code, e.g. EUR.")
    return parse_currency(value, frozenset({value.strip().upper()}))


def _pricing_model(value: object) -> PricingModel:
    if isinstance(value, str):
        try:
            return PricingModel(value.strip())
        except ValueError:
            pass
    raise ParseError(f"Choose a pricing model: {_list(tuple(m.value for m in PricingModel))}.")


def _quote_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ParseError('Give each quote an id, e.g. "q1".')
    text = clean_text(value, max_length=MAX_ID_LENGTH)
    if not text:
        raise ParseError('Give each quote an id, e.g. "q1".')
    return text


def _slugs(value: object, path: str, errors: _Errors) -> frozenset[str] | None:
    """A list of certification slugs such as ``iso-27001`` (case-insensitive)."""
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        errors.add(path, 'Send a list of certification slugs, e.g. ["iso-27001"].')
        return None
    if len(value) > MAX_CERTIFICATIONS:
        errors.add(path, f"List at most {MAX_CERTIFICATIONS} certifications.")
        return None
    slugs: set[str] = set()
    failed = False
    for i, item in enumerate(value):
        if not isinstance(item, str):
            errors.add(f"{path}[{i}]", 'Write a certification as a slug, e.g. "iso-27001".')
            failed = True
            continue
        slug = errors.take(f"{path}[{i}]", clean_text, item, max_length=MAX_SLUG_LENGTH)
        if not slug:
            if slug is not None:
                errors.add(f"{path}[{i}]", 'Write a certification as a slug, e.g. "iso-27001".')
            failed = True
            continue
        slugs.add(slug.lower())
    return None if failed else frozenset(slugs)


# ---------------------------------------------------------------------------------------------
# The body


def parse_compare_body(body: object, stored_rates: Rates | None = None) -> CompareInput:
    """Check a ``POST /api/v1/compare`` body; raise one FieldErrors naming every bad field.

    ``stored_rates`` are the exchange rates from the database; the body's ``usd_per`` adds to
    them. A currency is known when it is USD or has a rate in either.
    """
    if not isinstance(body, dict):
        raise FieldErrors({"body": 'Send a JSON object with "request" and "quotes".'})
    errors = _Errors()
    errors.unknown(body, TOP_FIELDS, "")
    stored = stored_rates or Rates()
    body_rates = _parse_usd_per(body.get("usd_per"), errors)
    usd_per = {code: rate for code, rate in stored.usd_per.items() if rate > 0}
    usd_per.update(body_rates)
    usd_per["USD"] = Decimal(1)
    rates = Rates(usd_per=usd_per, as_of=None if body_rates else stored.as_of)
    known = frozenset(usd_per)

    request, currency = _parse_request(body.get("request"), known, errors)
    quotes = _parse_quotes(body.get("quotes"), currency, known, errors)
    errors.raise_if_any()
    assert request is not None and quotes is not None  # no errors means both parsed
    return CompareInput(request=request, quotes=quotes, rates=rates)


def _parse_usd_per(value: object, errors: _Errors) -> dict[str, Decimal]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add("usd_per", 'Send rates as an object of USD per unit, e.g. {"EUR": "1.08"}.')
        return {}
    rates: dict[str, Decimal] = {}
    for key, raw in value.items():
        path = _join("usd_per", key)
        code = errors.take(path, _currency_code, key)
        if code is None:
            continue
        rate = errors.take(
            path,
            _number,
            raw,
            places=8,  # the rates table keeps 8 decimals
            max_value=MAX_RATE,
            allow_zero=False,
            label='a rate in US dollars per unit, e.g. "1.08"',
            negative="A rate cannot be negative.",
        )
        if rate is None:
            continue
        if code == "USD" and rate != 1:
            errors.add(path, "USD is the base currency: its rate is always 1.")
            continue
        rates[code] = rate
    return rates


def _parse_request(
    value: object, known: frozenset[str], errors: _Errors
) -> tuple[RequestTerms | None, str | None]:
    if not isinstance(value, dict):
        errors.add("request", "Send the request terms: currency, quantity and contract_months.")
        return None, None
    before = len(errors)
    errors.unknown(value, REQUEST_FIELDS, "request")
    currency = errors.take("request.currency", parse_currency, value.get("currency"), known)
    quantity = errors.take(
        "request.quantity",
        parse_int,
        value.get("quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        label="quantity, e.g. 250",
    )
    months = errors.take(
        "request.contract_months",
        parse_int,
        value.get("contract_months"),
        min_value=1,
        max_value=MAX_CONTRACT_MONTHS,
        label="number of months, e.g. 12",
    )
    in_house = None
    if value.get("in_house_monthly_cost") is not None:
        in_house = errors.take(
            "request.in_house_monthly_cost",
            _money,
            value["in_house_monthly_cost"],
            allow_zero=False,
        )
    required = _slugs(
        value.get("required_certifications"), "request.required_certifications", errors
    )
    weights = _parse_weights(value.get("weights"), errors)
    if len(errors) > before:
        return None, currency
    assert currency is not None and quantity is not None and months is not None
    assert required is not None and weights is not None
    request = RequestTerms(
        currency=currency,
        quantity=quantity,
        contract_months=months,
        in_house_monthly_cost=in_house,
        required_certifications=required,
        weights=weights,
    )
    return request, currency


def _parse_weights(value: object, errors: _Errors) -> Weights | None:
    if value is None:
        return Weights()
    if not isinstance(value, dict):
        errors.add("request.weights", 'Send weights as an object, e.g. {"price": 40}.')
        return None
    before = len(errors)
    parsed: dict[str, Decimal] = {}
    for key, raw in value.items():
        path = _join("request.weights", key)
        if key not in CRITERIA:
            errors.add(path, f"Unknown criterion; use {_list(CRITERIA)}.")
            continue
        weight = errors.take(
            path,
            _number,
            raw,
            places=6,
            max_value=MAX_WEIGHT,
            label="a weight, e.g. 40",
            negative="Weights cannot be negative.",
        )
        if weight is not None:
            parsed[key] = weight
    if len(errors) > before:
        return None
    weights = Weights(**{c: parsed.get(c, Decimal(0)) for c in CRITERIA})
    try:
        weights.normalised()
    except InvalidWeights as exc:
        errors.add("request.weights", str(exc))
        return None
    return weights


def _parse_quotes(
    value: object, currency: str | None, known: frozenset[str], errors: _Errors
) -> tuple[QuoteTerms, ...] | None:
    if not isinstance(value, list):
        errors.add("quotes", "Send a list of quotes.")
        return None
    if not value:
        errors.add("quotes", "Send at least one quote.")
        return None
    if len(value) > MAX_QUOTES:
        errors.add(
            "quotes", f"Compare at most {MAX_QUOTES:,} quotes at a time (this has {len(value):,})."
        )
        return None
    quotes: list[QuoteTerms] = []
    first_seen: dict[str, int] = {}
    failed = False
    for i, item in enumerate(value):
        quote = _parse_quote(item, f"quotes[{i}]", currency, known, errors)
        if quote is None:
            failed = True
            continue
        if quote.id in first_seen:
            errors.add(
                f"quotes[{i}].id",
                f"Quote ids must be unique; quotes[{first_seen[quote.id]}] has this id too.",
            )
            failed = True
            continue
        first_seen[quote.id] = i
        quotes.append(quote)
    return None if failed else tuple(quotes)


def _parse_quote(
    item: object, path: str, currency: str | None, known: frozenset[str], errors: _Errors
) -> QuoteTerms | None:
    if not isinstance(item, dict):
        errors.add(path, "Send each quote as an object.")
        return None
    before = len(errors)
    errors.unknown(item, QUOTE_FIELDS, path)
    quote_id = errors.take(f"{path}.id", _quote_id, item.get("id"))
    model = errors.take(f"{path}.pricing_model", _pricing_model, item.get("pricing_model"))
    unit_price = errors.take(f"{path}.unit_price", _money, item.get("unit_price"), places=6)
    hours = None
    if item.get("hours_per_month") is not None or model == PricingModel.PER_HOUR:
        hours = errors.take(
            f"{path}.hours_per_month",
            _number,
            item.get("hours_per_month"),
            places=2,
            max_value=MAX_HOURS_PER_MONTH,
            allow_zero=False,
            label="the hours per month, e.g. 160",
        )
    setup_fee = errors.take(f"{path}.setup_fee", _optional_money, item.get("setup_fee"))
    minimum = errors.take(f"{path}.minimum_monthly", _optional_money, item.get("minimum_monthly"))
    quote_currency = currency  # None only when request.currency failed (reported there)
    if item.get("currency") is not None:
        quote_currency = errors.take(
            f"{path}.currency", parse_currency, item.get("currency"), known
        )
    turnaround, accuracy = _parse_sla(item.get("sla"), f"{path}.sla", errors)
    vendor = _parse_vendor(item.get("vendor"), f"{path}.vendor", errors)
    if len(errors) > before:
        return None
    if quote_id is None or model is None or unit_price is None or quote_currency is None:
        return None
    if setup_fee is None or minimum is None or vendor is None:
        return None
    try:
        return QuoteTerms(
            id=quote_id,
            pricing_model=model,
            unit_price=unit_price,
            hours_per_month=hours,
            setup_fee=setup_fee,
            minimum_monthly=minimum,
            currency=quote_currency,
            turnaround_hours=turnaround,
            accuracy_pct=accuracy,
            vendor=vendor,
        )
    except CompareError as exc:  # pragma: no cover - the checks above rule this out
        errors.add(path, str(exc))
        return None


def _parse_sla(value: object, path: str, errors: _Errors) -> tuple[Decimal | None, Decimal | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        errors.add(path, 'Send the SLA as an object, e.g. {"turnaround_hours": 24}.')
        return None, None
    errors.unknown(value, SLA_FIELDS, path)
    turnaround = accuracy = None
    if value.get("turnaround_hours") is not None:
        turnaround = errors.take(
            f"{path}.turnaround_hours",
            _number,
            value["turnaround_hours"],
            places=2,
            max_value=MAX_HOURS,
            allow_zero=False,
            label="the turnaround in hours, e.g. 24",
        )
    if value.get("accuracy_pct") is not None:
        accuracy = errors.take(
            f"{path}.accuracy_pct",
            _number,
            value["accuracy_pct"],
            places=2,
            max_value=Decimal(100),
            label="the accuracy in percent, e.g. 99.5",
        )
    return turnaround, accuracy


_VENDOR_MISSING = (
    "Send the vendor's record (rating, review_count, median_response_hours, certifications);"
    " send {} for a vendor with none."
)


def _parse_vendor(value: object, path: str, errors: _Errors) -> VendorFacts | None:
    if not isinstance(value, dict):
        errors.add(path, _VENDOR_MISSING)
        return None
    before = len(errors)
    errors.unknown(value, VENDOR_FIELDS, path)
    name = errors.take(f"{path}.name", clean_text, value.get("name"), max_length=MAX_NAME_LENGTH)
    rating = None
    if value.get("rating") is not None:
        rating = errors.take(
            f"{path}.rating",
            _number,
            value["rating"],
            places=2,
            max_value=Decimal(5),
            label="a rating from 0 to 5, e.g. 4.6",
        )
    reviews: int | None = 0
    if value.get("review_count") is not None:
        reviews = errors.take(
            f"{path}.review_count",
            parse_int,
            value["review_count"],
            min_value=0,
            max_value=MAX_REVIEWS,
            label="number of reviews",
        )
    response = None
    if value.get("median_response_hours") is not None:
        response = errors.take(
            f"{path}.median_response_hours",
            _number,
            value["median_response_hours"],
            places=2,
            max_value=MAX_HOURS,
            label="the median response time in hours, e.g. 3",
        )
    certifications = _slugs(value.get("certifications"), f"{path}.certifications", errors)
    if len(errors) > before or reviews is None or certifications is None:
        return None
    return VendorFacts(
        name=name or "",
        rating=rating,
        review_count=reviews,
        median_response_hours=response,
        certifications=certifications,
    )


# ---------------------------------------------------------------------------------------------
# The answer


def _number_out(value: Decimal, places: int = 2) -> float:
    # JSON numbers: Flask's encoder would turn a Decimal into a string, so hand it a float of
    # the already-rounded value (exact to the digits shown).
    return float(round_score(value, places))


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    """DESIGN section 9's answer, plus ``rates_as_of`` (ISO date or null) and ``unrated`` (ids).

    Money as strings with two decimals (half-up); scores as numbers rounded to 2 decimals, the
    contributions rounded so that they add up to the score shown.
    """
    ranking: list[dict[str, Any]] = []
    for result in comparison.results:
        entry: dict[str, Any] = {
            "id": result.id,
            "rank": result.rank,
            "monthly": money_str(result.monthly),
            "total": money_str(result.total),
            "score": _number_out(result.score),
            "scores": {c: _number_out(s) for c, s in result.scores.items()},
            "contributions": {
                c: float(v) for c, v in rounded_contributions(result, places=2).items()
            },
            "dominated": result.dominated,
        }
        if result.savings is not None:
            entry["savings"] = money_str(result.savings)
            entry["savings_pct"] = (
                _number_out(result.savings_pct) if result.savings_pct is not None else None
            )
        ranking.append(entry)
    sensitivity = comparison.sensitivity
    return {
        "currency": comparison.currency,
        "ranking": ranking,
        "sensitivity": None
        if sensitivity is None
        else {
            "winner": sensitivity.winner,
            "runner_up": sensitivity.runner_up,
            "price_weight": _number_out(sensitivity.price_weight, 4),
        },
        "rates_as_of": comparison.rates_as_of.isoformat() if comparison.rates_as_of else None,
        "unrated": [u.id for u in comparison.unrated],
    }


def compare_body(body: object, stored_rates: Rates | None = None) -> dict[str, Any]:
    """Parse, compare and answer in one call (raises FieldErrors for a 422)."""
    parsed = parse_compare_body(body, stored_rates)
    try:
        comparison = compare(parsed.request, parsed.quotes, parsed.rates)
    except CompareError as exc:  # pragma: no cover - parse_compare_body rules these out
        raise FieldErrors({"body": str(exc)}) from exc
    return comparison_to_json(comparison)
