"""Matching is a pure function: facts in, ranked vendors with a reason out."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

from marketplace.matching import (
    RequestFacts,
    VendorFacts,
    bayesian_rating,
    budget_fit,
    indicative_monthly,
    recommend,
    response_label,
)

REQUEST = RequestFacts(
    category_slug="payroll",
    category_name="payroll",
    quantity=250,
    currency="USD",
    budget_monthly=Decimal("4000"),
    required_certifications={"soc-2": "SOC 2", "iso-27001": "ISO 27001"},
    preferred_countries=frozenset({"PH"}),
    usd_per={"EUR": Decimal("1.10"), "PHP": Decimal("0.018")},
)


def vendor(vendor_id: int, **fields) -> VendorFacts:
    base = VendorFacts(
        vendor_id=vendor_id,
        name=f"Vendor {vendor_id}",
        categories=frozenset({"payroll"}),
        country="PH",
        country_name="Philippines",
        pricing_model="per_unit_month",
        indicative_price=Decimal("12"),
        price_currency="USD",
        certifications={"soc-2": "SOC 2", "iso-27001": "ISO 27001"},
        rating=Decimal("4.7"),
        review_count=31,
        median_response_hours=Decimal("3"),
    )
    return replace(base, **fields)


def test_the_reason_reads_like_a_sentence():
    [rec] = recommend(REQUEST, [vendor(1)])
    assert rec.reason == (
        "serves payroll; holds SOC 2 and ISO 27001; rate within budget; 4.7 from 31 reviews; "
        "answers in ~3 h; based in Philippines (preferred)"
    )
    # 30 + 25 + 20 x (5 x 3.5 + 4.7 x 31) / 36 / 5 + 15 + 10
    assert rec.score == Decimal("98.1") and rec.rank == 1 and rec.within_budget is True
    assert rec.indicative_monthly == Decimal("3000")


def test_only_vendors_serving_the_category_are_proposed():
    recs = recommend(REQUEST, [vendor(1), vendor(2, categories=frozenset({"data-entry"}))])
    assert [r.vendor_id for r in recs] == [1]


def test_missing_certifications_lower_the_score_and_are_named():
    full, partial = recommend(REQUEST, [vendor(1), vendor(2, certifications={"soc-2": "SOC 2"})])
    assert (full.vendor_id, partial.vendor_id) == (1, 2)
    assert partial.parts["certifications"] == Decimal("0.5")
    assert "holds SOC 2; lacks ISO 27001" in partial.reason


def test_price_is_compared_with_the_budget_across_currencies():
    # 250 x EUR 20 = EUR 5,000 = USD 5,500 a month against a 4,000 budget
    [rec] = recommend(REQUEST, [vendor(1, indicative_price=Decimal("20"), price_currency="EUR")])
    assert rec.indicative_monthly == Decimal("5500.00")
    assert rec.within_budget is False and "rate ~38% over budget" in rec.reason
    assert rec.parts["price"] == Decimal("4000") / Decimal("5500.00")


def test_price_is_neutral_when_it_cannot_be_known():
    hourly = vendor(1, pricing_model="per_hour")
    no_rate = vendor(2, price_currency="XYZ")
    no_budget = replace(REQUEST, budget_monthly=None)
    for request, facts in ((REQUEST, hourly), (REQUEST, no_rate), (no_budget, vendor(3))):
        [rec] = recommend(request, [facts])
        assert rec.parts["price"] == Decimal("0.5") and rec.within_budget is None
        assert "budget" not in rec.reason


def test_fixed_monthly_prices_are_the_monthly_amount():
    assert indicative_monthly("fixed_month", Decimal("3500"), "USD", 250, "USD", {}) == 3500
    assert indicative_monthly("per_transaction", Decimal("0.05"), "USD", 1000, "USD", {}) == 50
    assert indicative_monthly("per_hour", Decimal("20"), "USD", 10, "USD", {}) is None
    assert budget_fit(Decimal("50"), Decimal("0")) == 0


def test_ratings_are_bayesian():
    assert bayesian_rating(None, 0) == Decimal("3.5")
    assert bayesian_rating(Decimal("5"), 1) == (Decimal("17.5") + 5) / 6
    many, few = recommend(
        replace(REQUEST, required_certifications={}, budget_monthly=None),
        [
            vendor(1, rating=Decimal("5.0"), review_count=1),
            vendor(2, rating=Decimal("4.6"), review_count=80),
        ],
    )
    assert many.vendor_id == 2  # 4.6 from 80 reviews beats 5.0 from one
    assert "5.0 from 1 review;" in few.reason


def test_responsiveness_is_relative_to_the_fastest_and_neutral_without_history():
    recs = recommend(
        REQUEST,
        [
            vendor(1, median_response_hours=Decimal("0.5")),
            vendor(2, median_response_hours=Decimal("4")),
            vendor(3, median_response_hours=None),
        ],
    )
    fast, slow, unknown = sorted(recs, key=lambda r: r.vendor_id)
    assert fast.parts["responsiveness"] == 1  # hours are floored at 1
    assert slow.parts["responsiveness"] == Decimal("0.25")
    assert unknown.parts["responsiveness"] == Decimal("0.5")
    assert "answers within an hour" in fast.reason and "no response history yet" in unknown.reason


def test_preferred_countries_count_only_when_given():
    elsewhere = vendor(1, country="IN", country_name="India")
    [rec] = recommend(REQUEST, [elsewhere])
    assert rec.parts["country"] == 0 and "based in India, not a preferred country" in rec.reason
    [rec] = recommend(replace(REQUEST, preferred_countries=frozenset()), [elsewhere])
    assert rec.parts["country"] == 1 and "based in" not in rec.reason


def test_plan_never_changes_the_order():
    vendors = [
        vendor(1, rating=Decimal("4.1"), review_count=3),
        vendor(2, certifications={}),
        vendor(3, indicative_price=Decimal("30")),
        vendor(4, median_response_hours=Decimal("48")),
        vendor(5, country="PL"),
    ]
    baseline = [(r.vendor_id, r.score) for r in recommend(REQUEST, vendors)]
    for plans in itertools.product(("free", "pro"), repeat=len(vendors)):
        with_plans = [replace(v, plan=p) for v, p in zip(vendors, plans, strict=True)]
        assert [(r.vendor_id, r.score) for r in recommend(REQUEST, with_plans)] == baseline


def test_ties_are_broken_by_name_then_id_and_limit_applies():
    recs = recommend(
        REQUEST, [vendor(3, name="beta"), vendor(2, name="Alpha"), vendor(1, name="alpha")], limit=2
    )
    assert [r.vendor_id for r in recs] == [1, 2]


def test_response_labels():
    assert response_label(Decimal("2.6")) == "answers in ~3 h"
    assert response_label(Decimal("72")) == "answers in ~3 days"
