"""The comparison engine, rule by rule (DESIGN section 5), with the arithmetic worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from marketplace.compare import (
    CRITERIA,
    CompareError,
    InvalidWeights,
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    Weights,
    compare,
    explain,
    money_str,
    round_score,
    rounded_contributions,
)
from marketplace.compare.engine import ordinal, percent_str

NO_RATES = Rates()


def vendor(**kw: object) -> VendorFacts:
    return VendorFacts(**kw)  # type: ignore[arg-type]


def quote(qid: str, model: str = "fixed_month", price: str = "1000", **kw: object) -> QuoteTerms:
    kw.setdefault("currency", "USD")
    kw.setdefault("vendor", VendorFacts())
    return QuoteTerms(id=qid, pricing_model=PricingModel(model), unit_price=D(price), **kw)  # type: ignore[arg-type]


def request(**kw: object) -> RequestTerms:
    kw.setdefault("currency", "USD")
    kw.setdefault("quantity", 100)
    kw.setdefault("contract_months", 12)
    return RequestTerms(**kw)  # type: ignore[arg-type]


def only(**weights: int) -> Weights:
    """Weights with the named criteria and 0 for the rest."""
    return Weights(**{c: D(weights.get(c, 0)) for c in CRITERIA})


def scores_of(result: object) -> dict[str, str]:
    return {c: f"{round_score(s):f}" for c, s in result.scores.items()}  # type: ignore[attr-defined]


# --- monthly and total per pricing model ---------------------------------------------------


@pytest.mark.parametrize(
    ("model", "extra", "monthly", "total"),
    [
        # per_unit_month: 12.50 x 250 employees = 3125.00 / month; 500 + 3125 x 12 = 38000.00
        ("per_unit_month", {}, "3125.00", "38000.00"),
        # per_transaction: 12.50 x 250 transactions = 3125.00 / month, same formula
        ("per_transaction", {}, "3125.00", "38000.00"),
        # per_hour: 12.50 x 160 hours = 2000.00 / month; 500 + 2000 x 12 = 24500.00
        ("per_hour", {"hours_per_month": D(160)}, "2000.00", "24500.00"),
        # fixed_month: the unit price is the month: 12.50; 500 + 12.50 x 12 = 650.00
        ("fixed_month", {}, "12.50", "650.00"),
    ],
)
def test_monthly_and_total_follow_the_pricing_model(
    model: str, extra: dict[str, object], monthly: str, total: str
) -> None:
    q = quote("q1", model, "12.50", setup_fee=D(500), **extra)
    result = compare(request(quantity=250), [q], NO_RATES).results[0]
    assert money_str(result.monthly) == monthly
    assert money_str(result.total) == total
    assert result.minimum_applied is False


def test_minimum_monthly_fee_kicks_in_when_the_price_is_below_it() -> None:
    # per_transaction 0.035 x 20,000 = 700 / month < minimum 1,500 -> 1,500 / month
    # total = 250 setup + 1,500 x 6 = 9,250
    q = quote("q1", "per_transaction", "0.035", setup_fee=D(250), minimum_monthly=D(1500))
    result = compare(request(quantity=20_000, contract_months=6), [q], NO_RATES).results[0]
    assert money_str(result.monthly) == "1500.00"
    assert money_str(result.total) == "9250.00"
    assert result.minimum_applied is True


def test_minimum_monthly_fee_below_the_price_changes_nothing() -> None:
    # 0.035 x 100,000 = 3,500 / month > minimum 1,500; total = 3,500 x 6 = 21,000
    q = quote("q1", "per_transaction", "0.035", minimum_monthly=D(1500))
    result = compare(request(quantity=100_000, contract_months=6), [q], NO_RATES).results[0]
    assert money_str(result.monthly) == "3500.00"
    assert money_str(result.total) == "21000.00"
    assert result.minimum_applied is False


def test_per_hour_without_hours_is_refused() -> None:
    with pytest.raises(CompareError):
        quote("q1", "per_hour", "20")


# --- the worked example: four quotes, one per pricing model --------------------------------
#
# Request: 100 units, 12 months, in-house 5,000 / month, requires iso-27001 and soc-2,
# default weights 40/25/15/10/10 -> 0.40, 0.25, 0.15, 0.10, 0.10.
#
#   A per_unit_month 30 x 100 = 3,000/mo, setup 4,000: total 4,000 + 36,000 = 40,000
#   B per_hour       25 x 120 h = 3,000/mo, setup 1,500: total 1,500 + 36,000 = 37,500
#   C fixed_month    2,500/mo, no setup:               total 30,000  (lowest)
#   D per_transaction 0.25 x 100 = 25/mo -> minimum 2,500/mo, setup 2,000: total 32,000
#
# price = 100 x 30,000 / total:    A 75      B 80     C 100     D 93.75
# quality = 20 x (17.5 + r n) / (5 + n):
#   A r 4.5 n 5: 20 x 40/10 = 80;  B no reviews: 20 x 3.5 = 70
#   C r 5 n 15: 20 x 92.5/20 = 92.5;  D r 3 n 5: 20 x 32.5/10 = 65
# sla (lowest stated turnaround 12 h, by B):
#   A 24 h, 99 %: mean(12/24, (99-90)/10) = mean(0.5, 0.9) = 70;  B 12 h only: 100
#   C states nothing: 0;  D 95 % only: (95-90)/10 = 50
# compliance: A both 100, B iso only 50, C none 0, D both (+pci) 100
# responsiveness (fastest 0.5 h floored to 1): A 2 h: 50, B: 100, C no history: 50, D 4 h: 25
# score:
#   A 30 + 20 + 10.5 + 10 + 5 = 75.5
#   B 32 + 17.5 + 15 + 5 + 10 = 79.5
#   C 40 + 23.125 + 0 + 0 + 5 = 68.125
#   D 37.5 + 16.25 + 7.5 + 10 + 2.5 = 73.75
# ranking B, A, D, C. In-house total 60,000: savings A 20,000 (33.33 %), B 22,500 (37.5 %),
# C 30,000 (50 %), D 28,000 (46.67 %).

BOTH = frozenset({"iso-27001", "soc-2"})


def four_quotes() -> list[QuoteTerms]:
    return [
        quote(
            "A", "per_unit_month", "30", setup_fee=D(4000),
            turnaround_hours=D(24), accuracy_pct=D(99),
            vendor=vendor(name="Acme", rating=D("4.5"), review_count=5,
                          median_response_hours=D(2), certifications=BOTH),
        ),
        quote(
            "B", "per_hour", "25", hours_per_month=D(120), setup_fee=D(1500),
            turnaround_hours=D(12),
            vendor=vendor(name="Beta", median_response_hours=D("0.5"),
                          certifications=frozenset({"iso-27001"})),
        ),
        quote("C", "fixed_month", "2500", vendor=vendor(name="Cee", rating=D(5), review_count=15)),
        quote(
            "D", "per_transaction", "0.25", minimum_monthly=D(2500), setup_fee=D(2000),
            accuracy_pct=D(95),
            vendor=vendor(name="Dee", rating=D(3), review_count=5, median_response_hours=D(4),
                          certifications=BOTH | {"pci-dss"}),
        ),
    ]  # fmt: skip


def four_request() -> RequestTerms:
    return request(in_house_monthly_cost=D(5000), required_certifications=BOTH)


def test_worked_example_totals_and_sub_scores() -> None:
    comparison = compare(four_request(), four_quotes(), NO_RATES)
    by_id = {r.id: r for r in comparison.results}
    assert {i: money_str(r.total) for i, r in by_id.items()} == {
        "A": "40000.00",
        "B": "37500.00",
        "C": "30000.00",
        "D": "32000.00",
    }
    assert by_id["D"].minimum_applied
    assert scores_of(by_id["A"]) == {
        "price": "75.00", "quality": "80.00", "sla": "70.00",
        "compliance": "100.00", "responsiveness": "50.00",
    }  # fmt: skip
    assert scores_of(by_id["B"]) == {
        "price": "80.00", "quality": "70.00", "sla": "100.00",
        "compliance": "50.00", "responsiveness": "100.00",
    }  # fmt: skip
    assert scores_of(by_id["C"]) == {
        "price": "100.00", "quality": "92.50", "sla": "0.00",
        "compliance": "0.00", "responsiveness": "50.00",
    }  # fmt: skip
    assert scores_of(by_id["D"]) == {
        "price": "93.75", "quality": "65.00", "sla": "50.00",
        "compliance": "100.00", "responsiveness": "25.00",
    }  # fmt: skip


def test_worked_example_scores_rank_and_contributions() -> None:
    comparison = compare(four_request(), four_quotes(), NO_RATES)
    assert [(r.id, r.rank, r.score) for r in comparison.results] == [
        ("B", 1, D("79.5")),
        ("A", 2, D("75.5")),
        ("D", 3, D("73.75")),
        ("C", 4, D("68.125")),
    ]
    a = comparison.result("A")
    # 0.40 x 75, 0.25 x 80, 0.15 x 70, 0.10 x 100, 0.10 x 50
    assert a.contributions == {
        "price": D(30), "quality": D(20), "sla": D("10.5"),
        "compliance": D(10), "responsiveness": D(5),
    }  # fmt: skip
    assert sum(a.contributions.values()) == a.score
    assert comparison.weights == {
        "price": D("0.4"), "quality": D("0.25"), "sla": D("0.15"),
        "compliance": D("0.1"), "responsiveness": D("0.1"),
    }  # fmt: skip


def test_worked_example_savings_and_badges() -> None:
    comparison = compare(four_request(), four_quotes(), NO_RATES)
    savings = {r.id: (money_str(r.savings), f"{round_score(r.savings_pct):f}")
               for r in comparison.results}  # type: ignore[arg-type]  # fmt: skip
    # 60,000 - 40,000 = 20,000 = 33.33 % of 60,000; and so on
    assert savings == {
        "A": ("20000.00", "33.33"),
        "B": ("22500.00", "37.50"),
        "C": ("30000.00", "50.00"),
        "D": ("28000.00", "46.67"),
    }
    flags = {r.id: (r.lowest_total, r.best_value, r.dominated) for r in comparison.results}
    assert flags == {
        "A": (False, False, False),
        "B": (False, True, False),  # best value: ranked first
        "C": (True, False, False),  # lowest total
        "D": (False, False, False),
    }


def test_worked_example_has_no_sensitivity_when_the_winner_leads_at_every_price_weight() -> None:
    # B vs A: dP = 80 - 75 = 5; others' weighted means (shares 25:15:10:10 of 60)
    # O_B = (25x70 + 15x100 + 10x50 + 10x100)/60 = 4750/60, O_A = 4550/60, dO = 10/3.
    # w = dO / (dO - dP) = (10/3) / (-5/3) = -2: outside [0, 1].
    comparison = compare(four_request(), four_quotes(), NO_RATES)
    assert comparison.sensitivity is None
    sentences = explain(comparison)
    assert sentences["B"] == (
        "Beta ranks first: 32 of its 80 points come from price; "
        "no price weight from 0 to 100 % would hand first place to Acme."
    )
    # shown scores 80 and 68 (68.125): the gap is the difference of what is shown
    assert sentences["C"] == "Cee ranks fourth: 40 of its 68 points come from price; " + (
        "it trails Beta by 12 points."
    )


# --- each sub-score on its own ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "reviews", "quality"),
    [
        (None, 0, "70.00"),  # no reviews: bayes 3.5 -> 100 x 3.5 / 5 = 70
        (D(5), 0, "70.00"),  # n = 0 ignores the rating
        (None, 12, "70.00"),  # a count without a rating is no evidence
        (D("4.6"), 12, "85.53"),  # (17.5 + 55.2) / 17 = 4.27647 -> 85.529
        (D(1), 95, "22.50"),  # (17.5 + 1 x 95) / 100 = 1.125 -> 22.5
        (D(5), 95, "98.50"),  # (17.5 + 475) / 100 = 4.925: near 5, the prior still pulls
    ],
)
def test_quality_is_a_bayesian_average_toward_three_and_a_half(
    rating: D | None, reviews: int, quality: str
) -> None:
    q = quote("q1", vendor=vendor(rating=rating, review_count=reviews))
    result = compare(request(), [q], NO_RATES).results[0]
    assert f"{round_score(result.scores['quality']):f}" == quality


def test_sla_averages_the_parts_a_quote_states() -> None:
    # lowest stated turnaround: 8 h
    quotes = [
        quote("fast", turnaround_hours=D(8)),  # 8/8 = 1 -> 100
        quote("slow", turnaround_hours=D(32), accuracy_pct=D(100)),  # mean(0.25, 1) = 62.5
        quote("acc", accuracy_pct=D("97.5")),  # (97.5 - 90) / 10 = 0.75 -> 75
        quote("low", accuracy_pct=D(85)),  # below 90 clips to 0
        quote("none"),  # states neither: 0
    ]
    comparison = compare(request(), quotes, NO_RATES)
    sla = {r.id: f"{round_score(r.scores['sla']):f}" for r in comparison.results}
    assert sla == {"fast": "100.00", "slow": "62.50", "acc": "75.00", "low": "0.00", "none": "0.00"}


def test_compliance_counts_held_required_certifications() -> None:
    required = frozenset({"iso-27001", "soc-2", "hipaa", "pci-dss"})
    quotes = [
        quote("all", vendor=vendor(certifications=required | {"gdpr"})),  # 4/4
        quote("three", vendor=vendor(certifications=frozenset({"iso-27001", "soc-2", "hipaa"}))),
        quote("one", vendor=vendor(certifications=frozenset({"soc-2", "gdpr"}))),  # 1/4 = 25
        quote("zero"),
    ]
    comparison = compare(request(required_certifications=required), quotes, NO_RATES)
    compliance = {r.id: r.scores["compliance"] for r in comparison.results}
    assert compliance == {"all": 100, "three": 75, "one": 25, "zero": 0}


def test_compliance_is_full_when_nothing_is_required() -> None:
    comparison = compare(request(), [quote("q1"), quote("q2")], NO_RATES)
    assert all(r.scores["compliance"] == 100 for r in comparison.results)


def test_responsiveness_floors_hours_at_one_and_gives_fifty_without_history() -> None:
    quotes = [
        quote("quarter", vendor=vendor(median_response_hours=D("0.25"))),  # floored to 1 -> 100
        quote("one", vendor=vendor(median_response_hours=D(1))),  # 1/1 -> 100
        quote("four", vendor=vendor(median_response_hours=D(4))),  # 1/4 -> 25
        quote("eight", vendor=vendor(median_response_hours=D(8))),  # 1/8 -> 12.5
        quote("new"),  # no history: 50
    ]
    comparison = compare(request(), quotes, NO_RATES)
    assert {r.id: r.scores["responsiveness"] for r in comparison.results} == {
        "quarter": 100, "one": 100, "four": 25, "eight": D("12.5"), "new": 50,
    }  # fmt: skip


def test_responsiveness_is_fifty_for_everyone_when_nobody_has_history() -> None:
    comparison = compare(request(), [quote("q1"), quote("q2")], NO_RATES)
    assert [r.scores["responsiveness"] for r in comparison.results] == [50, 50]


def test_a_free_quote_has_the_lowest_total_and_full_price_score() -> None:
    # totals 0 and 1,200: price 100 for the free one, 100 x 0 / 1,200 = 0 for the other
    quotes = [quote("free", price="0"), quote("paid", price="100")]
    comparison = compare(request(), quotes, NO_RATES)
    assert comparison.result("free").scores["price"] == 100
    assert comparison.result("paid").scores["price"] == 0
    assert comparison.result("free").lowest_total


# --- weights ---------------------------------------------------------------------------------


def test_weights_are_normalised_to_sum_exactly_one() -> None:
    # 1 : 1 : 1 -> thirds; rounded to 20 places they would sum to 0.99..9, so the largest
    # (the first of the equal ones) absorbs the remainder
    weights = only(price=1, quality=1, sla=1).normalised()
    assert sum(weights.values()) == 1
    assert weights["quality"] == D("0.33333333333333333333")
    assert weights["compliance"] == 0


@pytest.mark.parametrize(
    "weights",
    [only(), only(price=0, quality=0), Weights(price=D(-1)), Weights(sla=D("-0.5"))],
)
def test_all_zero_or_negative_weights_are_an_input_error(weights: Weights) -> None:
    with pytest.raises(InvalidWeights):
        compare(request(weights=weights), [quote("q1")], NO_RATES)


def test_all_weight_on_one_criterion_makes_the_score_that_sub_score() -> None:
    # quality only: A 20 x (17.5 + 5 x 5)/10 = 85, B 70 (no reviews); price is ignored
    quotes = [
        quote("A", price="5000", vendor=vendor(name="Acme", rating=D(5), review_count=5)),
        quote("B", price="10", vendor=vendor(name="Beta")),
    ]
    comparison = compare(request(weights=only(quality=7)), quotes, NO_RATES)
    assert [(r.id, r.score) for r in comparison.results] == [("A", 85), ("B", 70)]
    assert comparison.result("A").contributions["price"] == 0
    # totals A 60,000, B 120: price A 100 x 120 / 60,000 = 0.2, B 100.
    # dP = 0.2 - 100 = -99.8, dO = 85 - 70 = 15: w = 15 / (15 + 99.8) = 0.1307; above it B wins
    assert comparison.sensitivity is not None
    assert round_score(comparison.sensitivity.price_weight, 4) == D("0.1307")
    assert explain(comparison)["A"] == (
        "Acme ranks first: 85 of its 85 points come from quality; "
        "it would lose first place to Beta if price weighed more than 13 %."
    )


def test_all_weight_on_price_ranks_by_total_and_has_no_sensitivity() -> None:
    quotes = [quote("A", price="900"), quote("B", price="1000"), quote("C", price="1200")]
    comparison = compare(request(weights=only(price=1)), quotes, NO_RATES)
    # 100, 100 x 900/1000 = 90, 100 x 900/1200 = 75
    assert [(r.id, r.score) for r in comparison.results] == [("A", 100), ("B", 90), ("C", 75)]
    assert comparison.sensitivity is None  # no other criteria to scale in proportion
    assert explain(comparison, {"A": "Acme"})["A"] == (
        "Acme ranks first: 100 of its 100 points come from price."
    )


# --- ranking and its tie-breaks ---------------------------------------------------------------


def test_one_quote_ranks_first_with_full_price_score() -> None:
    comparison = compare(request(), [quote("solo", vendor=vendor(name="Solo"))], NO_RATES)
    (result,) = comparison.results
    assert (result.rank, result.scores["price"], result.lowest_total, result.best_value) == (
        1, 100, True, True,
    )  # fmt: skip
    assert comparison.sensitivity is None
    # 40 + 25 x 0.7 + 0 + 10 + 10 x 0.5 = 40 + 17.5 + 0 + 10 + 5 = 72.5 -> 73 shown; price 40
    assert explain(comparison)["solo"] == (
        "Solo ranks first: 40 of its 73 points come from price; it is the only quote compared."
    )


def test_equal_scores_rank_the_lower_total_first() -> None:
    # weights quality only; same vendor -> equal scores; totals 12,000 and 11,000
    quotes = [quote("a", price="1000"), quote("b", price="900", setup_fee=D(200))]
    comparison = compare(request(weights=only(quality=1)), quotes, NO_RATES)
    # a: 12,000; b: 200 + 10,800 = 11,000
    assert [r.id for r in comparison.results] == ["b", "a"]


def test_equal_scores_and_totals_rank_by_id_with_numbers_compared_as_numbers() -> None:
    quotes = [quote("q10"), quote("q9"), quote("q2"), quote("p1")]
    comparison = compare(request(), quotes, NO_RATES)
    assert len({r.score for r in comparison.results}) == 1
    assert len({r.total for r in comparison.results}) == 1
    assert [r.id for r in comparison.results] == ["p1", "q2", "q9", "q10"]
    assert all(r.lowest_total for r in comparison.results)  # every equal lowest total counts


# --- dominance -------------------------------------------------------------------------------


def test_a_dearer_quote_that_is_no_better_anywhere_is_dominated() -> None:
    # same vendor facts; totals 12,000 < 13,200 < 14,400: price 100, 90.9, 83.3 -> a chain
    quotes = [quote("mid", price="1100"), quote("best", price="1000"), quote("worst", price="1200")]
    comparison = compare(request(), quotes, NO_RATES)
    assert comparison.result("best").dominated_by == ()
    assert comparison.result("mid").dominated_by == ("best",)
    assert comparison.result("worst").dominated_by == ("best", "mid")  # in rank order
    assert comparison.result("worst").dominated
    # worst: price 100 x 12,000 / 14,400 = 83.33 -> 33.33 points; + 17.5 + 0 + 10 + 5 = 65.83,
    # shown 66: the missing point goes to quality (remainder .5 beats price's .33)
    assert explain(comparison)["worst"] == (
        "worst ranks third: 33 of its 66 points come from price; "
        "best is at least as good on every criterion and no dearer."
    )


def test_a_cheaper_quote_worse_on_one_criterion_does_not_dominate() -> None:
    quotes = [
        quote("cheap", price="1000"),
        quote("good", price="1100", turnaround_hours=D(24)),  # better SLA, dearer
    ]
    comparison = compare(request(), quotes, NO_RATES)
    assert not any(r.dominated for r in comparison.results)


def test_equal_quotes_do_not_dominate_each_other() -> None:
    comparison = compare(request(), [quote("a"), quote("b")], NO_RATES)
    assert not any(r.dominated for r in comparison.results)


def test_a_dominated_quote_never_ranks_above_its_dominator_even_on_a_full_tie() -> None:
    # SLA weighs 0, so "b" (accuracy 100 %) and "a" (no SLA) tie on score and total; the id
    # tie-break alone would put "a" first although "b" is as good everywhere and better on SLA.
    quotes = [quote("a"), quote("b", accuracy_pct=D(100))]
    comparison = compare(request(weights=only(price=1, quality=1)), quotes, NO_RATES)
    assert comparison.result("a").score == comparison.result("b").score
    assert comparison.result("a").dominated_by == ("b",)
    assert [r.id for r in comparison.results] == ["b", "a"]


# --- sensitivity -----------------------------------------------------------------------------
#
# Acme: total 30,000 (price 100), rating 2.5 over 5 reviews: (17.5 + 12.5)/10 = 3 -> quality 60
# Beta: total 40,000 (price 75),  rating 5 over 5 reviews:   (17.5 + 25)/10 = 4.25 -> 85


def acme_and_beta(**beta_vendor: object) -> list[QuoteTerms]:
    return [
        quote("acme", price="2500", vendor=vendor(name="Acme", rating=D("2.5"), review_count=5)),
        quote(
            "beta",
            price="2500",
            setup_fee=D(10_000),
            vendor=vendor(name="Beta", rating=D(5), review_count=5, **beta_vendor),
        ),
    ]


def test_sensitivity_two_criteria() -> None:
    # price 60, quality 40: Acme 60 + 24 = 84, Beta 45 + 34 = 79.
    # With price weight w: Acme 100w + 60(1-w), Beta 75w + 85(1-w); equal at 25w = 25(1-w),
    # w = 0.5. Below it Beta wins.
    comparison = compare(request(weights=only(price=60, quality=40)), acme_and_beta(), NO_RATES)
    assert [(r.id, r.score) for r in comparison.results] == [("acme", 84), ("beta", 79)]
    sensitivity = comparison.sensitivity
    assert sensitivity is not None
    assert (sensitivity.winner, sensitivity.runner_up) == ("acme", "beta")
    assert sensitivity.price_weight == D("0.5")
    assert sensitivity.winner_loses_below
    assert explain(comparison)["acme"] == (
        "Acme ranks first: 60 of its 84 points come from price; "
        "it would lose first place to Beta if price weighed less than 50 %."
    )
    assert explain(comparison, {"beta": "Beta BPO"})["beta"] == (
        "Beta BPO ranks second: 45 of its 79 points come from price; it trails Acme by 5 points."
    )


def test_sensitivity_scales_the_other_criteria_in_proportion() -> None:
    # price 40, quality 30, compliance 30; Beta holds the required certification, Acme not.
    # Acme 40 + 18 + 0 = 58; Beta 30 + 25.5 + 30 = 85.5 -> Beta wins.
    # Others' means (equal shares 30:30): O_beta = (85 + 100)/2 = 92.5, O_acme = (60 + 0)/2 = 30
    # dP = 75 - 100 = -25, dO = 62.5; w = dO / (dO - dP) = 62.5 / 87.5 = 5/7 = 0.714285...
    # check: Beta 75 x 5/7 + 92.5 x 2/7 = 560/7 = 80 = Acme 100 x 5/7 + 30 x 2/7.
    iso = frozenset({"iso-27001"})
    comparison = compare(
        request(weights=only(price=40, quality=30, compliance=30), required_certifications=iso),
        acme_and_beta(certifications=iso),
        NO_RATES,
    )
    assert [(r.id, r.score) for r in comparison.results] == [("beta", D("85.5")), ("acme", 58)]
    sensitivity = comparison.sensitivity
    assert sensitivity is not None
    assert Fraction(sensitivity.price_weight).limit_denominator(1000) == Fraction(5, 7)
    assert sensitivity.price_weight == D("0.71428571428571428571")
    assert not sensitivity.winner_loses_below
    # 85.5 -> 86 shown; price 30, quality 25.5, compliance 30: the .5 goes to quality
    assert explain(comparison)["beta"] == (
        "Beta ranks first: 30 of its 86 points come from price; "
        "it would lose first place to Acme if price weighed more than 71 %."
    )


# --- currencies --------------------------------------------------------------------------------
#
# Request in EUR; USD per unit: EUR 1.08, GBP 1.27, PHP 0.0175, INR 0.012; 12 months.
#   eur 1,500/mo                  -> 18,000 EUR
#   usd 1,800/mo  = 21,600 USD      x 1 / 1.08      = 20,000 EUR
#   gbp 900/mo    = 10,800 GBP      x 1.27 / 1.08   = 13,716 / 1.08 = 12,700 EUR (lowest)
#   php 100,000/mo = 1,200,000 PHP  x 0.0175 / 1.08 = 21,000 / 1.08 = 19,444.44 EUR
#   inr 150,000/mo = 1,800,000 INR  x 0.012 / 1.08  = 21,600 / 1.08 = 20,000 EUR
#   jpy: no rate -> reported, not ranked

RATES = Rates(
    usd_per={"EUR": D("1.08"), "GBP": D("1.27"), "PHP": D("0.0175"), "INR": D("0.012")},
    as_of=date(2024, 11, 1),
)


def currency_quotes() -> list[QuoteTerms]:
    return [
        quote("eur", price="1500", currency="EUR"),
        quote("usd", price="1800", currency="USD"),
        quote("gbp", price="900", currency="GBP"),
        quote("php", price="100000", currency="PHP"),
        quote("inr", price="150000", currency="INR"),
        quote("jpy", price="250000", currency="JPY"),
    ]


def test_totals_are_converted_to_the_request_currency() -> None:
    comparison = compare(request(currency="EUR"), currency_quotes(), RATES)
    totals = {r.id: money_str(r.total) for r in comparison.results}
    assert totals == {
        "eur": "18000.00",
        "usd": "20000.00",
        "gbp": "12700.00",
        "php": "19444.44",
        "inr": "20000.00",
    }
    usd = comparison.result("usd")
    assert money_str(usd.monthly) == "1666.67"  # 1,800 / 1.08
    assert (usd.monthly_original, usd.total_original, usd.currency_original) == (
        D(1800), D(21600), "USD",
    )  # fmt: skip
    # price vs the lowest 12,700 EUR: php 100 x 12,700 / 19,444.44 = 13,716 / 210 = 65.31
    assert f"{round_score(comparison.result('php').scores['price']):f}" == "65.31"
    assert comparison.rates_as_of == date(2024, 11, 1)


def test_a_quote_in_a_currency_without_a_rate_is_reported_not_guessed() -> None:
    comparison = compare(request(currency="EUR"), currency_quotes(), RATES)
    assert [(u.id, u.currency) for u in comparison.unrated] == [("jpy", "JPY")]
    assert "jpy" not in {r.id for r in comparison.results}
    assert sorted(r.rank for r in comparison.results) == [1, 2, 3, 4, 5]


def test_setup_fee_and_savings_are_converted_too() -> None:
    # 540 GBP setup x 1.27 / 1.08 = 635 EUR; total 540 + 100 x 12 = 1,740 GBP = 2,046.11 EUR
    # in-house 200 EUR x 12 = 2,400: savings 353.89 EUR = 14.75 %
    q = quote("gbp", price="100", currency="GBP", setup_fee=D(540))
    req = request(currency="EUR", in_house_monthly_cost=D(200))
    result = compare(req, [q], RATES).results[0]
    assert money_str(result.setup_fee) == "635.00"
    assert money_str(result.total) == "2046.11"
    assert money_str(result.savings) == "353.89"  # type: ignore[arg-type]
    assert f"{round_score(result.savings_pct):f}" == "14.75"  # type: ignore[arg-type]


def test_no_rates_date_is_cited_when_nothing_was_converted() -> None:
    comparison = compare(request(currency="EUR"), [quote("eur", currency="EUR")], RATES)
    assert comparison.rates_as_of is None


def test_a_request_currency_without_a_rate_still_compares_quotes_in_that_currency() -> None:
    quotes = [quote("jpy", currency="JPY"), quote("usd", currency="USD")]
    comparison = compare(request(currency="JPY"), quotes, RATES)
    assert [r.id for r in comparison.results] == ["jpy"]
    assert [u.id for u in comparison.unrated] == ["usd"]


def test_usd_needs_no_rate() -> None:
    # 1,000 EUR x 1.08 / 1 = 1,080 USD per month
    comparison = compare(request(), [quote("eur", currency="EUR")], RATES)
    assert money_str(comparison.results[0].monthly) == "1080.00"


# --- savings ---------------------------------------------------------------------------------


def test_without_in_house_cost_there_are_no_savings() -> None:
    result = compare(request(), [quote("q1")], NO_RATES).results[0]
    assert (result.savings, result.savings_pct) == (None, None)


def test_negative_savings_when_the_quote_costs_more_than_in_house() -> None:
    # in-house 800 x 12 = 9,600; quote 1,000 x 12 = 12,000: savings -2,400 = -25 %
    result = compare(request(in_house_monthly_cost=D(800)), [quote("q1")], NO_RATES).results[0]
    assert money_str(result.savings) == "-2400.00"  # type: ignore[arg-type]
    assert result.savings_pct == -25


# --- inputs the engine refuses ----------------------------------------------------------------


def test_duplicate_quote_ids_are_refused() -> None:
    with pytest.raises(CompareError):
        compare(request(), [quote("q1"), quote("q1")], NO_RATES)


def test_no_quotes_gives_an_empty_comparison() -> None:
    comparison = compare(request(), [], NO_RATES)
    assert (comparison.results, comparison.sensitivity, comparison.unrated) == ((), None, ())


@pytest.mark.parametrize(
    "build",
    [
        lambda: quote("q", price="-1"),
        lambda: quote("q", turnaround_hours=D(0)),
        lambda: quote("q", accuracy_pct=D(101)),
        lambda: vendor(rating=D(6)),
        lambda: vendor(review_count=-1),
        lambda: request(contract_months=0),
    ],
)
def test_impossible_terms_are_refused(build: object) -> None:
    with pytest.raises(CompareError):
        build()  # type: ignore[operator]


# --- reporting helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0.005", "0.01"),  # half-up, not banker's rounding
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("-1.005", "-1.01"),  # half away from zero for refunds and negative savings
        ("-0.001", "0.00"),  # never "-0.00"
        ("1234567890123456789.999", "1234567890123456790.00"),
        ("7", "7.00"),
    ],
)
def test_money_str_rounds_half_up_to_cents(amount: str, text: str) -> None:
    assert money_str(D(amount)) == text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [("0.2231", "22 %"), ("0.5", "50 %"), ("0.004", "0.4 %"), ("0.9981", "99.8 %"), ("1", "100 %"),
     ("0", "0 %")],
)  # fmt: skip
def test_percent_str_keeps_a_decimal_near_the_ends(fraction: str, text: str) -> None:
    assert percent_str(D(fraction)) == text


def test_round_score_rounds_half_up() -> None:
    assert round_score(D("68.125")) == D("68.13")
    assert round_score(D("79.5"), 0) == D(80)


def test_rounded_contributions_add_up_to_the_rounded_score() -> None:
    # Beta in the worked example: 32 + 17.5 + 15 + 5 + 10 = 79.5 -> 80 shown; the .5 of
    # quality is the largest remainder and takes the point
    comparison = compare(four_request(), four_quotes(), NO_RATES)
    beta = comparison.result("B")
    assert rounded_contributions(beta, places=0) == {
        "price": 32, "quality": 18, "sla": 15, "compliance": 5, "responsiveness": 10,
    }  # fmt: skip
    for result in comparison.results:
        for places in (0, 1, 2):
            rounded = rounded_contributions(result, places)
            assert sum(rounded.values()) == round_score(result.score, places)


@pytest.mark.parametrize(
    ("rank", "word"), [(1, "first"), (10, "tenth"), (11, "11th"), (22, "22nd"), (103, "103rd")]
)
def test_ordinal_words(rank: int, word: str) -> None:
    assert ordinal(rank) == word
