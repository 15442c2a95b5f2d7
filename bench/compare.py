"""How long the comparison engine takes for 5, 50 and 1,000 quotes (target: 1,000 in < 200 ms).

Run: ``.venv/bin/python bench/compare.py`` (``--strict`` exits 1 when the target is missed).
The quotes are deterministic (seeded): all four pricing models, five currencies, SLAs and vendor
histories with the ties real data has.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from marketplace.compare import (
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    compare,
    compare_body,
)

TARGET_MS = 200.0
SIZES = (5, 50, 1000)
RATES = Rates(
    usd_per={"EUR": Decimal("1.08"), "GBP": Decimal("1.27"), "PHP": Decimal("0.0175"),
             "INR": Decimal("0.012")},
    as_of=date(2024, 11, 1),
)  # fmt: skip
CERTS = ("iso-27001", "soc-2", "pci-dss", "hipaa", "gdpr")
REQUEST = RequestTerms(
    currency="USD",
    quantity=250,
    contract_months=24,
    in_house_monthly_cost=Decimal("9000.00"),
    required_certifications=frozenset({"iso-27001", "soc-2"}),
)


def make_quote_dicts(n: int, seed: int = 2024) -> list[dict[str, Any]]:
    """``n`` quotes as the JSON API receives them."""
    rnd = random.Random(seed)
    quotes = []
    for i in range(n):
        model = rnd.choice(list(PricingModel))
        currency = rnd.choice(["USD", "USD", "EUR", "GBP", "PHP", "INR"])
        scale = {"USD": 1, "EUR": 1, "GBP": 1, "PHP": 57, "INR": 83}[currency]
        price = {
            PricingModel.PER_UNIT_MONTH: rnd.randint(800, 4000),  # cents per employee
            PricingModel.PER_TRANSACTION: rnd.randint(3, 90),
            PricingModel.PER_HOUR: rnd.randint(900, 3500),
            PricingModel.FIXED_MONTH: rnd.randint(200_000, 900_000),
        }[model] * scale
        quotes.append(
            {
                "id": f"q{i}",
                "pricing_model": model.value,
                "unit_price": f"{Decimal(price) / 100}",
                "hours_per_month": rnd.choice([160, 320, 480])
                if model == PricingModel.PER_HOUR
                else None,
                "setup_fee": str(rnd.choice([0, 500, 1000, 2500]) * scale),
                "minimum_monthly": str(rnd.choice([0, 0, 1500, 3000]) * scale),
                "currency": currency,
                "sla": {
                    "turnaround_hours": rnd.choice([None, 4, 8, 24, 48, 72]),
                    "accuracy_pct": rnd.choice([None, 95, 98.5, 99, 99.5, 99.9]),
                },
                "vendor": {
                    "rating": rnd.choice([None, 3.8, 4.2, 4.5, 4.8, 5]),
                    "review_count": rnd.randint(0, 80),
                    "median_response_hours": rnd.choice([None, 0.5, 1, 2, 3, 6, 12, 24]),
                    "certifications": rnd.sample(CERTS, rnd.randint(0, 3)),
                },
            }
        )
    return quotes


def make_quotes(n: int) -> list[QuoteTerms]:
    """The same quotes as engine inputs."""

    def dec(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    quotes = []
    for q in make_quote_dicts(n):
        vendor = q["vendor"]
        quotes.append(
            QuoteTerms(
                id=q["id"],
                pricing_model=PricingModel(q["pricing_model"]),
                unit_price=Decimal(q["unit_price"]),
                hours_per_month=dec(q["hours_per_month"]),
                setup_fee=Decimal(q["setup_fee"]),
                minimum_monthly=Decimal(q["minimum_monthly"]),
                currency=q["currency"],
                turnaround_hours=dec(q["sla"]["turnaround_hours"]),
                accuracy_pct=dec(q["sla"]["accuracy_pct"]),
                vendor=VendorFacts(
                    rating=dec(vendor["rating"]),
                    review_count=vendor["review_count"],
                    median_response_hours=dec(vendor["median_response_hours"]),
                    certifications=frozenset(vendor["certifications"]),
                ),
            )
        )
    return quotes


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    results: dict[int, float] = {}
    for n in SIZES:
        quotes = make_quotes(n)
        repeat = 51 if n < 100 else 11
        results[n] = median_ms(lambda q=quotes: compare(REQUEST, q, RATES), repeat)  # type: ignore[misc]
        print(f"compare {n:>5} quotes: {results[n]:8.2f} ms  (median of {repeat})")

    body = {
        "request": {"currency": "USD", "quantity": 250, "contract_months": 24,
                    "in_house_monthly_cost": "9000.00",
                    "required_certifications": ["iso-27001", "soc-2"]},
        "quotes": make_quote_dicts(1000),
        "usd_per": {k: str(v) for k, v in RATES.usd_per.items()},
    }  # fmt: skip
    api_ms = median_ms(lambda: compare_body(body, RATES), 11)
    print(f"API body of 1000 quotes (parse + compare + JSON): {api_ms:8.2f} ms  (median of 11)")

    met = results[1000] < TARGET_MS
    verdict = "met" if met else "NOT met"
    print(f"target: 1000 quotes in < {TARGET_MS:.0f} ms: {verdict} ({results[1000]:.1f} ms)")
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
