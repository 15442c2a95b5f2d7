"""The JSON contract of POST /api/v1/compare (DESIGN section 9): bodies in, answers out."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.compare import (
    Rates,
    compare,
    compare_body,
    comparison_to_json,
    parse_compare_body,
)
from marketplace.compare.schema import MAX_ERRORS
from marketplace.parsing import FieldErrors

STORED = Rates(usd_per={"EUR": D("1.08"), "GBP": D("1.27")}, as_of=date(2024, 11, 1))


def design_body() -> dict[str, Any]:
    """The example body of DESIGN section 9, as a client would send it."""
    return {
        "request": {
            "currency": "USD",
            "quantity": 250,
            "contract_months": 12,
            "in_house_monthly_cost": "9000.00",
            "required_certifications": ["iso-27001"],
            "weights": {
                "price": 40,
                "quality": 25,
                "sla": 15,
                "compliance": 10,
                "responsiveness": 10,
            },
        },
        "quotes": [
            {
                "id": "q1",
                "pricing_model": "per_unit_month",
                "unit_price": "12.50",
                "hours_per_month": None,
                "setup_fee": "500.00",
                "minimum_monthly": "0",
                "currency": "USD",
                "sla": {"turnaround_hours": 24, "accuracy_pct": 99.5},
                "vendor": {
                    "rating": 4.6,
                    "review_count": 12,
                    "median_response_hours": 3.0,
                    "certifications": ["iso-27001"],
                },
            }
        ],
        "usd_per": {"EUR": "1.08"},
    }


def two_quote_body() -> dict[str, Any]:
    body = design_body()
    second = copy.deepcopy(body["quotes"][0])
    second.update(id="q2", pricing_model="per_hour", unit_price="18", hours_per_month=160)
    second["currency"] = "EUR"
    body["quotes"].append(second)
    return body


# --- good bodies ------------------------------------------------------------------------------


def test_the_design_example_answers_the_design_shape() -> None:
    # 12.50 x 250 = 3,125 / month; 500 + 3,125 x 12 = 38,000. In-house 9,000 x 12 = 108,000:
    # savings 70,000 = 64.81 %. One quote: price 100; quality 20 x (17.5 + 4.6 x 12)/17 = 85.53;
    # sla mean(24/24, (99.5 - 90)/10) = 97.5; compliance 100; responsiveness 3/3 = 100.
    # score 0.4 x 100 + 0.25 x 85.529 + 0.15 x 97.5 + 10 + 10 = 96.007 -> 96.01
    answer = compare_body(design_body(), STORED)
    assert set(answer) == {"currency", "ranking", "sensitivity", "rates_as_of", "unrated"}
    (entry,) = answer["ranking"]
    assert set(entry) == {
        "id", "rank", "monthly", "total", "score", "scores", "contributions", "dominated",
        "savings", "savings_pct",
    }  # fmt: skip
    assert entry["monthly"] == "3125.00"
    assert entry["total"] == "38000.00"
    assert entry["savings"] == "70000.00"
    assert entry["savings_pct"] == 64.81
    assert entry["score"] == 96.01
    assert entry["scores"] == {
        "price": 100.0, "quality": 85.53, "sla": 97.5, "compliance": 100.0,
        "responsiveness": 100.0,
    }  # fmt: skip
    assert round(sum(entry["contributions"].values()), 2) == entry["score"]
    assert (entry["id"], entry["rank"], entry["dominated"]) == ("q1", 1, False)
    assert answer["currency"] == "USD"
    assert answer["sensitivity"] is None
    assert answer["unrated"] == []
    assert answer["rates_as_of"] is None  # the body brought its own rates
    json.dumps(answer)  # plain JSON types only


def test_money_is_a_string_with_two_decimals_and_scores_are_numbers() -> None:
    answer = compare_body(two_quote_body(), STORED)
    for entry in answer["ranking"]:
        for key in ("monthly", "total", "savings"):
            assert isinstance(entry[key], str)
            assert len(entry[key].split(".")[1]) == 2
        assert isinstance(entry["score"], float)
        assert all(isinstance(v, float) for v in entry["scores"].values())
    # q2: 18 EUR x 160 h = 2,880 EUR / month x 1.08 = 3,110.40 USD; 500 EUR setup = 540 USD
    # total 540 + 3,110.40 x 12 = 37,864.80 USD
    q2 = next(e for e in answer["ranking"] if e["id"] == "q2")
    assert (q2["monthly"], q2["total"]) == ("3110.40", "37864.80")


def test_savings_keys_appear_only_with_an_in_house_cost() -> None:
    body = design_body()
    del body["request"]["in_house_monthly_cost"]
    (entry,) = compare_body(body, STORED)["ranking"]
    assert "savings" not in entry and "savings_pct" not in entry


def test_sensitivity_is_reported_with_winner_runner_up_and_price_weight() -> None:
    # Acme: 2,500/mo, quality 60 (2.5 over 5 reviews). Beta: 2,500/mo + 10,000 setup,
    # quality 85 (5 over 5). Price 60, quality 40: they draw level at a price weight of 0.5.
    def q(qid: str, setup: str, rating: float) -> dict[str, Any]:
        return {
            "id": qid, "pricing_model": "fixed_month", "unit_price": "2500", "setup_fee": setup,
            "currency": "USD", "vendor": {"rating": rating, "review_count": 5},
        }  # fmt: skip

    body = {
        "request": {"currency": "USD", "quantity": 1, "contract_months": 12,
                    "weights": {"price": 60, "quality": 40}},
        "quotes": [q("acme", "0", 2.5), q("beta", "10000", 5)],
    }  # fmt: skip
    answer = compare_body(body, STORED)
    assert answer["sensitivity"] == {"winner": "acme", "runner_up": "beta", "price_weight": 0.5}
    assert [e["score"] for e in answer["ranking"]] == [84.0, 79.0]


def test_stored_rates_are_used_and_their_date_cited() -> None:
    body = two_quote_body()
    del body["usd_per"]
    answer = compare_body(body, STORED)
    assert answer["rates_as_of"] == "2024-11-01"


def test_body_rates_override_the_stored_ones() -> None:
    body = two_quote_body()
    body["usd_per"] = {"eur": "2"}  # codes are case-insensitive
    parsed = parse_compare_body(body, STORED)
    assert parsed.rates.usd_per["EUR"] == D(2)
    assert parsed.rates.usd_per["GBP"] == D("1.27")
    q2 = compare(parsed.request, parsed.quotes, parsed.rates).result("q2")
    assert q2.monthly == D(5760)  # 2,880 EUR x 2


def test_optional_fields_take_their_defaults() -> None:
    body = {
        "request": {"currency": "eur", "quantity": "250", "contract_months": 12},
        "quotes": [{"id": 7, "pricing_model": "fixed_month", "unit_price": 100, "vendor": {}}],
    }
    parsed = parse_compare_body(body, STORED)
    (q,) = parsed.quotes
    assert (q.id, q.currency, q.setup_fee, q.minimum_monthly) == ("7", "EUR", 0, 0)
    assert (q.turnaround_hours, q.accuracy_pct, q.vendor.rating) == (None, None, None)
    assert parsed.request.weights.price == 40  # default weights
    assert parsed.request.in_house_monthly_cost is None


def test_weights_left_out_weigh_nothing() -> None:
    body = design_body()
    body["request"]["weights"] = {"quality": "2.5"}
    parsed = parse_compare_body(body, STORED)
    assert parsed.request.weights.quality == D("2.5")
    assert parsed.request.weights.price == 0


def test_non_money_numbers_may_be_json_floats() -> None:
    parsed = parse_compare_body(design_body(), STORED)
    (q,) = parsed.quotes
    assert (q.accuracy_pct, q.vendor.rating, q.vendor.median_response_hours) == (
        D("99.5"), D("4.6"), D(3),
    )  # fmt: skip


def test_certification_slugs_are_case_insensitive() -> None:
    body = design_body()
    body["request"]["required_certifications"] = ["ISO-27001 "]
    parsed = parse_compare_body(body, STORED)
    assert parsed.request.required_certifications == frozenset({"iso-27001"})


# --- bad bodies: every one answers FieldErrors naming the field --------------------------------

Mutation = Callable[[dict[str, Any]], object]


def setq(**fields: object) -> Mutation:
    return lambda b: b["quotes"][0].update(fields)


def setr(**fields: object) -> Mutation:
    return lambda b: b["request"].update(fields)


def setv(**fields: object) -> Mutation:
    return lambda b: b["quotes"][0]["vendor"].update(fields)


def sets(**fields: object) -> Mutation:
    return lambda b: b["quotes"][0]["sla"].update(fields)


def drop(*path: str | int) -> Mutation:
    def mutate(body: dict[str, Any]) -> None:
        target: Any = body
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def many_quotes(n: int) -> Mutation:
    return lambda b: b.update(quotes=[copy.deepcopy(b["quotes"][0]) for _ in range(n)])


BAD_BODIES: list[tuple[str, Mutation, str]] = [
    # the body itself
    ("unknown top-level field", lambda b: b.update(extra=1), "extra"),
    ("no request", drop("request"), "request"),
    ("request is a list", lambda b: b.update(request=[]), "request"),
    ("no quotes", drop("quotes"), "quotes"),
    ("quotes is an object", lambda b: b.update(quotes={}), "quotes"),
    ("empty quotes", lambda b: b.update(quotes=[]), "quotes"),
    ("1,001 quotes", many_quotes(1001), "quotes"),
    ("10,000 quotes", many_quotes(10_000), "quotes"),
    ("a quote is a string", lambda b: b["quotes"].append("q2"), "quotes[1]"),
    # request
    ("unknown request currency", setr(currency="XYZ"), "request.currency"),
    ("request currency a number", setr(currency=978), "request.currency"),
    ("zero quantity", setr(quantity=0), "request.quantity"),
    ("negative quantity", setr(quantity=-5), "request.quantity"),
    ("quantity too large", setr(quantity=10_000_001), "request.quantity"),
    ("quantity a float", setr(quantity=2.5), "request.quantity"),
    ("quantity a boolean", setr(quantity=True), "request.quantity"),
    ("quantity words", setr(quantity="ten"), "request.quantity"),
    ("no quantity", drop("request", "quantity"), "request.quantity"),
    ("zero months", setr(contract_months=0), "request.contract_months"),
    ("121 months", setr(contract_months=121), "request.contract_months"),
    ("months null", setr(contract_months=None), "request.contract_months"),
    ("negative in-house cost", setr(in_house_monthly_cost="-1"), "request.in_house_monthly_cost"),
    ("zero in-house cost", setr(in_house_monthly_cost="0"), "request.in_house_monthly_cost"),
    ("float in-house cost", setr(in_house_monthly_cost=9000.5), "request.in_house_monthly_cost"),
    ("in-house cost text", setr(in_house_monthly_cost="lots"), "request.in_house_monthly_cost"),
    ("certifications a string", setr(required_certifications="iso"),
     "request.required_certifications"),
    ("empty certification", setr(required_certifications=[" "]),
     "request.required_certifications[0]"),
    ("certification a number", setr(required_certifications=[27001]),
     "request.required_certifications[0]"),
    ("unknown request field", setr(in_house_montly_cost="1"), "request.in_house_montly_cost"),
    # weights
    ("all-zero weights", setr(weights={"price": 0, "quality": 0}), "request.weights"),
    ("empty weights", setr(weights={}), "request.weights"),
    ("negative weight", setr(weights={"price": -10, "quality": 50}), "request.weights.price"),
    ("negative weight text", setr(weights={"price": "-1"}), "request.weights.price"),
    ("unknown criterion", setr(weights={"price": 1, "speed": 3}), "request.weights.speed"),
    ("weights a list", setr(weights=[40, 25]), "request.weights"),
    ("weight a boolean", setr(weights={"price": True}), "request.weights.price"),
    ("weight words", setr(weights={"price": "high"}), "request.weights.price"),
    ("weight NaN", setr(weights={"price": float("nan")}), "request.weights.price"),
    ("weight infinite", setr(weights={"price": float("inf")}), "request.weights.price"),
    # quote fields
    ("no id", drop("quotes", 0, "id"), "quotes[0].id"),
    ("id an object", setq(id={}), "quotes[0].id"),
    ("empty id", setq(id="  "), "quotes[0].id"),
    ("unknown pricing model", setq(pricing_model="per_seat"), "quotes[0].pricing_model"),
    ("pricing model a number", setq(pricing_model=1), "quotes[0].pricing_model"),
    ("negative unit price", setq(unit_price="-12.50"), "quotes[0].unit_price"),
    ("negative integer price", setq(unit_price=-12), "quotes[0].unit_price"),
    ("unit price a float", setq(unit_price=12.5), "quotes[0].unit_price"),
    ("unit price a boolean", setq(unit_price=True), "quotes[0].unit_price"),
    ("unit price null", setq(unit_price=None), "quotes[0].unit_price"),
    ("unit price words", setq(unit_price="twelve"), "quotes[0].unit_price"),
    ("unit price exponent", setq(unit_price="1e3"), "quotes[0].unit_price"),
    ("unit price NaN", setq(unit_price="NaN"), "quotes[0].unit_price"),
    ("unit price with comma", setq(unit_price="12,50"), "quotes[0].unit_price"),
    ("unit price full-width", setq(unit_price="\uff11\uff12"), "quotes[0].unit_price"),
    ("unit price too precise", setq(unit_price="0.0000001"), "quotes[0].unit_price"),
    ("unit price too large", setq(unit_price="10000000000000"), "quotes[0].unit_price"),
    ("unit price a list", setq(unit_price=["12"]), "quotes[0].unit_price"),
    ("negative setup fee", setq(setup_fee=-500), "quotes[0].setup_fee"),
    ("setup fee cents of cents", setq(setup_fee="500.001"), "quotes[0].setup_fee"),
    ("minimum monthly words", setq(minimum_monthly="none"), "quotes[0].minimum_monthly"),
    ("per_hour without hours", setq(pricing_model="per_hour"), "quotes[0].hours_per_month"),
    ("zero hours", setq(pricing_model="per_hour", hours_per_month=0), "quotes[0].hours_per_month"),
    ("hours words", setq(hours_per_month="full time"), "quotes[0].hours_per_month"),
    ("unknown quote currency", setq(currency="XYZ"), "quotes[0].currency"),
    ("two-letter currency", setq(currency="EU"), "quotes[0].currency"),
    ("currency a number", setq(currency=840), "quotes[0].currency"),
    ("unknown quote field", setq(price="12"), "quotes[0].price"),
    ("duplicate id", lambda b: b["quotes"].append(copy.deepcopy(b["quotes"][0])), "quotes[1].id"),
    # SLA
    ("sla a list", setq(sla=[24]), "quotes[0].sla"),
    ("zero turnaround", sets(turnaround_hours=0), "quotes[0].sla.turnaround_hours"),
    ("negative turnaround", sets(turnaround_hours=-4), "quotes[0].sla.turnaround_hours"),
    ("accuracy above 100", sets(accuracy_pct=101), "quotes[0].sla.accuracy_pct"),
    ("accuracy a boolean", sets(accuracy_pct=True), "quotes[0].sla.accuracy_pct"),
    ("accuracy infinite", sets(accuracy_pct=float("inf")), "quotes[0].sla.accuracy_pct"),
    ("unknown sla field", sets(uptime=99.9), "quotes[0].sla.uptime"),
    # vendor
    ("no vendor block", drop("quotes", 0, "vendor"), "quotes[0].vendor"),
    ("vendor null", setq(vendor=None), "quotes[0].vendor"),
    ("vendor a list", setq(vendor=[]), "quotes[0].vendor"),
    ("rating above 5", setv(rating=6), "quotes[0].vendor.rating"),
    ("negative rating", setv(rating=-1), "quotes[0].vendor.rating"),
    ("rating words", setv(rating="good"), "quotes[0].vendor.rating"),
    ("negative review count", setv(review_count=-1), "quotes[0].vendor.review_count"),
    ("fractional review count", setv(review_count=1.5), "quotes[0].vendor.review_count"),
    ("negative response time", setv(median_response_hours=-3),
     "quotes[0].vendor.median_response_hours"),
    ("vendor certifications a string", setv(certifications="iso"),
     "quotes[0].vendor.certifications"),
    ("vendor certification null", setv(certifications=[None]),
     "quotes[0].vendor.certifications[0]"),
    ("vendor name a number", setv(name=5), "quotes[0].vendor.name"),
    ("unknown vendor field", setv(stars=5), "quotes[0].vendor.stars"),
    # rates in the body
    ("usd_per a list", lambda b: b.update(usd_per=["EUR"]), "usd_per"),
    ("negative rate", lambda b: b.update(usd_per={"EUR": "-1.08"}), "usd_per.EUR"),
    ("zero rate", lambda b: b.update(usd_per={"EUR": 0}), "usd_per.EUR"),
    ("rate words", lambda b: b.update(usd_per={"EUR": "high"}), "usd_per.EUR"),
    ("bad currency code", lambda b: b.update(usd_per={"EURO": "1"}), "usd_per.EURO"),
    ("USD not 1", lambda b: b.update(usd_per={"USD": "2"}), "usd_per.USD"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"), [(m, f) for _, m, f in BAD_BODIES], ids=[d for d, _, _ in BAD_BODIES]
)
def test_a_bad_body_names_the_field(mutate: Mutation, field: str) -> None:
    body = design_body()
    mutate(body)
    with pytest.raises(FieldErrors) as caught:
        parse_compare_body(body, STORED)
    assert field in caught.value.errors, caught.value.errors
    assert caught.value.errors[field]


@pytest.mark.parametrize("body", [None, [], "quotes", 42, True, 1.5])
def test_a_body_that_is_not_an_object_is_refused(body: object) -> None:
    with pytest.raises(FieldErrors) as caught:
        parse_compare_body(body, STORED)
    assert list(caught.value.errors) == ["body"]


def test_every_error_is_reported_at_once() -> None:
    body = design_body()
    body["request"]["quantity"] = 0
    body["quotes"][0]["unit_price"] = "-1"
    body["quotes"][0]["vendor"]["rating"] = 9
    with pytest.raises(FieldErrors) as caught:
        parse_compare_body(body, STORED)
    assert set(caught.value.errors) == {
        "request.quantity",
        "quotes[0].unit_price",
        "quotes[0].vendor.rating",
    }


def test_a_thousand_bad_quotes_report_a_bounded_number_of_errors() -> None:
    body = design_body()
    body["quotes"] = [{"id": f"q{i}", "unit_price": -1} for i in range(1000)]
    with pytest.raises(FieldErrors) as caught:
        parse_compare_body(body, STORED)
    assert len(caught.value.errors) == MAX_ERRORS + 1
    assert "Too many errors" in caught.value.errors["body"]


def test_a_thousand_quotes_are_accepted() -> None:
    many_quotes(1000)(body := design_body())
    for i, q in enumerate(body["quotes"]):
        q["id"] = f"q{i}"
    assert len(compare_body(body, STORED)["ranking"]) == 1000


def test_comparison_to_json_lists_unrated_quotes() -> None:
    parsed = parse_compare_body(two_quote_body(), STORED)
    comparison = compare(parsed.request, parsed.quotes, Rates())  # EUR has no rate here
    answer = comparison_to_json(comparison)
    assert answer["unrated"] == ["q2"]
    assert [e["id"] for e in answer["ranking"]] == ["q1"]


# --- never anything but FieldErrors -----------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["12.50", "-1", "USD", "EUR", "per_hour", "1e9", "NaN", ""]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


@settings(max_examples=150, deadline=None)
@given(data=st.data(), junk=json_values)
def test_any_field_replaced_by_junk_answers_field_errors_or_a_comparison(
    data: st.DataObject, junk: Any
) -> None:
    body = two_quote_body()
    path = data.draw(st.sampled_from(_paths(body)[1:]))
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = junk
    try:
        answer = compare_body(body, STORED)
    except FieldErrors as exc:
        assert exc.errors
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in exc.errors.items())
    else:
        json.dumps(answer)


@settings(max_examples=100, deadline=None)
@given(body=json_values)
def test_any_json_body_answers_field_errors(body: Any) -> None:
    with pytest.raises(FieldErrors):
        compare_body(body, STORED)
