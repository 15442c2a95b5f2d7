"""Properties of the comparison engine that must hold for any quotes (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.compare import (
    CRITERIA,
    Comparison,
    PricingModel,
    QuoteTerms,
    Rates,
    RequestTerms,
    VendorFacts,
    Weights,
    compare,
    explain,
)

FAST = settings(max_examples=120, deadline=None)
CERTS = ("iso-27001", "soc-2", "pci-dss", "hipaa")
RATES = Rates(
    usd_per={"EUR": D("1.08"), "GBP": D("1.27"), "PHP": D("0.0175"), "INR": D("0.012")},
    as_of=date(2024, 11, 1),
)


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[D]:
    return st.integers(low * 10**places, high * 10**places).map(lambda n: D(n).scaleb(-places))


# a few repeated values so that ties (in price, SLA, history) come up often
money = st.sampled_from([D(0), D(10), D("12.50"), D(1000)]) | decimals(0, 5000, 2)
vendors = st.builds(
    VendorFacts,
    rating=st.none() | st.sampled_from([D(4), D(5)]) | decimals(0, 5, 1),
    review_count=st.integers(0, 50),
    median_response_hours=st.none() | st.sampled_from([D(1), D(4)]) | decimals(0, 72, 1),
    certifications=st.frozensets(st.sampled_from(CERTS)),
)
ids = st.builds("{}{}".format, st.sampled_from(["", "a", "b"]), st.integers(0, 120))


@st.composite
def quote_terms(draw: st.DrawFn, quote_id: str, currencies: tuple[str, ...]) -> QuoteTerms:
    model = draw(st.sampled_from(list(PricingModel)))
    return QuoteTerms(
        id=quote_id,
        pricing_model=model,
        unit_price=draw(money),
        hours_per_month=draw(decimals(1, 400, 1)) if model == PricingModel.PER_HOUR else None,
        setup_fee=draw(st.just(D(0)) | money),
        minimum_monthly=draw(st.just(D(0)) | money),
        currency=draw(st.sampled_from(currencies)),
        turnaround_hours=draw(st.none() | st.sampled_from([D(24), D(48)]) | decimals(1, 168, 0)),
        accuracy_pct=draw(st.none() | decimals(80, 100, 1)),
        vendor=draw(vendors),
    )


@st.composite
def quote_lists(
    draw: st.DrawFn, currencies: tuple[str, ...] = ("USD",), max_size: int = 8
) -> list[QuoteTerms]:
    quote_ids = draw(st.lists(ids, min_size=1, max_size=max_size, unique=True))
    return [draw(quote_terms(qid, currencies)) for qid in quote_ids]


weight = st.just(D(0)) | st.integers(0, 100).map(D)
weights = st.builds(
    Weights, price=weight, quality=weight, sla=weight, compliance=weight, responsiveness=weight
).filter(lambda w: sum(w.as_dict().values()) > 0)
requests = st.builds(
    RequestTerms,
    currency=st.just("USD"),
    quantity=st.integers(1, 500),
    contract_months=st.integers(1, 36),
    in_house_monthly_cost=st.none() | decimals(1, 100_000, 2),
    required_certifications=st.frozensets(st.sampled_from(CERTS)),
    weights=weights,
)


def ranks(comparison: Comparison) -> dict[str, int]:
    return {r.id: r.rank for r in comparison.results}


@FAST
@given(request=requests, quotes=quote_lists())
def test_ranking_is_a_permutation_of_the_quotes(request: RequestTerms, quotes: list[QuoteTerms]):
    comparison = compare(request, quotes, RATES)
    assert sorted(r.rank for r in comparison.results) == list(range(1, len(quotes) + 1))
    assert [r.rank for r in comparison.results] == list(range(1, len(quotes) + 1))
    assert sorted(r.id for r in comparison.results) == sorted(q.id for q in quotes)
    assert sum(r.best_value for r in comparison.results) == 1
    assert any(r.lowest_total for r in comparison.results)
    assert set(explain(comparison)) == {q.id for q in quotes}


@FAST
@given(request=requests, quotes=quote_lists())
def test_scores_lie_between_0_and_100(request: RequestTerms, quotes: list[QuoteTerms]) -> None:
    for result in compare(request, quotes, RATES).results:
        assert 0 <= result.score <= 100
        assert all(0 <= s <= 100 for s in result.scores.values())


@FAST
@given(request=requests, quotes=quote_lists())
def test_contributions_sum_to_the_score(request: RequestTerms, quotes: list[QuoteTerms]) -> None:
    comparison = compare(request, quotes, RATES)
    assert sum(comparison.weights.values()) == 1
    for result in comparison.results:
        assert sum(result.contributions.values()) == result.score
        for c in CRITERIA:
            exact = comparison.weights[c] * result.scores[c]
            assert abs(result.contributions[c] - exact) <= D("1E-20")


@FAST
@given(request=requests, quotes=quote_lists(), data=st.data())
def test_lowering_a_quotes_price_never_lowers_its_rank(
    request: RequestTerms, quotes: list[QuoteTerms], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(quotes) - 1))
    tenths = data.draw(st.integers(0, 9))  # the new price is 0/10 .. 9/10 of the old
    cheaper = dataclasses.replace(
        quotes[i],
        unit_price=quotes[i].unit_price * tenths / 10,
        setup_fee=quotes[i].setup_fee * data.draw(st.sampled_from([D(1), D("0.5"), D(0)])),
    )
    before = ranks(compare(request, quotes, RATES))[quotes[i].id]
    after = ranks(compare(request, [*quotes[:i], cheaper, *quotes[i + 1 :]], RATES))[cheaper.id]
    assert after <= before


@FAST
@given(request=requests, quotes=quote_lists())
def test_a_dominated_quote_never_ranks_above_its_dominator(
    request: RequestTerms, quotes: list[QuoteTerms]
) -> None:
    comparison = compare(request, quotes, RATES)
    rank = ranks(comparison)
    for result in comparison.results:
        assert all(rank[d] < result.rank for d in result.dominated_by)


@FAST
@given(request=requests, quotes=quote_lists())
def test_dominance_matches_its_definition_pair_by_pair(
    request: RequestTerms, quotes: list[QuoteTerms]
) -> None:
    comparison = compare(request, quotes, RATES)
    for a in comparison.results:
        expected = {
            b.id
            for b in comparison.results
            if all(b.scores[c] >= a.scores[c] for c in CRITERIA)
            and any(b.scores[c] > a.scores[c] for c in CRITERIA)
            and b.total <= a.total
        }
        assert set(a.dominated_by) == expected
        assert a.dominated == bool(expected)


@FAST
@given(
    request=requests, quotes=quote_lists(currencies=("USD", "EUR", "INR", "JPY")), data=st.data()
)
def test_results_do_not_depend_on_the_order_of_the_input(
    request: RequestTerms, quotes: list[QuoteTerms], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(quotes))
    assert compare(request, shuffled, RATES) == compare(request, quotes, RATES)


@FAST
@given(request=requests, quotes=quote_lists())
def test_sensitivity_is_where_the_runner_up_draws_level(
    request: RequestTerms, quotes: list[QuoteTerms]
) -> None:
    comparison = compare(request, quotes, RATES)
    sensitivity = comparison.sensitivity
    if sensitivity is None:
        return
    assert 0 <= sensitivity.price_weight <= 1
    raw = {c: Fraction(w) for c, w in request.weights.as_dict().items()}
    others = sum(raw[c] for c in CRITERIA if c != "price")

    def score_at(quote_id: str, w: Fraction) -> Fraction:
        s = {c: Fraction(v) for c, v in comparison.result(quote_id).scores.items()}
        rest = sum(raw[c] * s[c] for c in CRITERIA if c != "price") / others
        return w * s["price"] + (1 - w) * rest

    w = Fraction(sensitivity.price_weight)
    gap = score_at(sensitivity.winner, w) - score_at(sensitivity.runner_up, w)
    assert abs(gap) < Fraction(1, 10**15)
    # a step past it, on the side the sentence names, the runner-up is ahead
    step = Fraction(1, 1000) * (-1 if sensitivity.winner_loses_below else 1)
    if 0 <= w + step <= 1:
        assert score_at(sensitivity.runner_up, w + step) > score_at(sensitivity.winner, w + step)


@settings(max_examples=60, deadline=None)
@given(request=requests, quotes=quote_lists(currencies=("USD", "EUR", "GBP", "PHP", "XAF")))
def test_quotes_without_a_rate_are_listed_and_the_rest_ranked(
    request: RequestTerms, quotes: list[QuoteTerms]
) -> None:
    comparison = compare(request, quotes, RATES)
    unrated = {q.id for q in quotes if q.currency == "XAF"}
    assert {u.id for u in comparison.unrated} == unrated
    assert {r.id for r in comparison.results} == {q.id for q in quotes} - unrated
    converted = any(q.currency != "USD" and q.id not in unrated for q in quotes)
    assert comparison.rates_as_of == (RATES.as_of if converted else None)
