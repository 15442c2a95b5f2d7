"""POST /api/v1/compare: the public calculator of DESIGN 9."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from marketplace.accounts.services import create_api_token
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.rates.models import ExchangeRate
from tests.fixtures.factories import create_user


def body(**overrides):
    data = {
        "request": {
            "currency": "USD",
            "quantity": 250,
            "contract_months": 12,
            "in_house_monthly_cost": "9000.00",
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
            },
            {
                "id": "q2",
                "pricing_model": "fixed_month",
                "unit_price": "2800",
                "currency": "EUR",
                "sla": {"turnaround_hours": 48, "accuracy_pct": None},
                "vendor": {
                    "rating": None,
                    "review_count": 0,
                    "median_response_hours": None,
                    "certifications": [],
                },
            },
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def rates(ctx):
    db.session.add(ExchangeRate(currency="EUR", usd_per=Decimal("1.08"), as_of=date(2026, 11, 20)))
    db.session.commit()


def test_anonymous_caller_gets_the_ranking_in_design_shape(client, rates):
    response = client.post("/api/v1/compare", json=body())
    assert response.status_code == 200, response.json
    data = response.json
    assert data["currency"] == "USD"
    q1 = next(r for r in data["ranking"] if r["id"] == "q1")
    # monthly = 12.50 x 250 = 3125.00; total = 500 + 3125 x 12 = 38000.00
    assert q1["monthly"] == "3125.00" and q1["total"] == "38000.00"
    # savings = 9000 x 12 - 38000 = 70000.00; pct = 70000 / 108000 x 100 = 64.81
    assert q1["savings"] == "70000.00" and round(q1["savings_pct"], 2) == 64.81
    q2 = next(r for r in data["ranking"] if r["id"] == "q2")
    # 2800 EUR x 1.08 = 3024.00 USD a month; x 12 = 36288.00
    assert q2["monthly"] == "3024.00" and q2["total"] == "36288.00"
    assert sorted(r["rank"] for r in data["ranking"]) == [1, 2]
    for r in data["ranking"]:
        assert set(r["scores"]) == {"price", "quality", "sla", "compliance", "responsiveness"}
        assert abs(sum(r["contributions"].values()) - r["score"]) < 0.02
    assert data["rates_as_of"] == "2026-11-20"


def test_exact_decimals_sent_as_json_numbers_are_not_rounded_through_float(client, rates):
    payload = body()
    payload["quotes"][0]["vendor"]["rating"] = 4.6
    raw = json.dumps(payload).replace('"12.50"', "12.50")
    response = client.post("/api/v1/compare", data=raw, content_type="application/json")
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert "quotes[0].unit_price" in response.json["errors"]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b["quotes"][0].update(pricing_model="per_banana"), "quotes[0].pricing_model"),
        (lambda b: b["quotes"][0].update(currency="XYZ"), "quotes[0].currency"),
        (lambda b: b["quotes"][0].update(unit_price="-1"), "quotes[0].unit_price"),
        (lambda b: b["quotes"][0].update(unit_price="abc"), "quotes[0].unit_price"),
        (lambda b: b["quotes"][0].update(unit_price=True), "quotes[0].unit_price"),
        (lambda b: b["quotes"][0].update(setup_fee="NaN"), "quotes[0].setup_fee"),
        (lambda b: b["request"].update(quantity=0), "request.quantity"),
        (lambda b: b["request"].update(quantity="ten"), "request.quantity"),
        (lambda b: b.update(quotes=[]), "quotes"),
        (
            lambda b: b["request"].update(
                weights={"price": 0, "quality": 0, "sla": 0, "compliance": 0, "responsiveness": 0}
            ),
            "request.weights",
        ),
        (lambda b: b["quotes"][0].pop("vendor"), "quotes[0].vendor"),
        (lambda b: b.update(request="nope"), "request"),
        (lambda b: b["request"].update(currency="usd dollars"), "request.currency"),
    ],
)
def test_bad_input_answers_422_problem_json_naming_the_field(client, rates, mutate, field):
    payload = body()
    mutate(payload)
    response = client.post("/api/v1/compare", json=payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert any(key.startswith(field) for key in response.json["errors"]), response.json


def test_ten_thousand_quotes_are_refused_not_computed(client, rates):
    payload = body()
    payload["quotes"] = [dict(payload["quotes"][0], id=f"q{n}") for n in range(10_000)]
    response = client.post("/api/v1/compare", json=payload)
    assert response.status_code in (413, 422)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("[" * 5000 + "]" * 5000, "application/json", 400),
        ('{"request": NaN}', "application/json", 400),
        ("request=1", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe", "application/json", 400),
    ],
)
def test_unreadable_bodies_answer_4xx_problem_json(client, raw, content_type, status):
    response = client.post("/api/v1/compare", data=raw, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_an_unknown_or_revoked_token_is_refused(app, client, rates):
    response = client.post(
        "/api/v1/compare", json=body(), headers={"Authorization": "Bearer mkp_nope"}
    )
    assert response.status_code == 401
    with app.app_context():
        user = create_user("buyer")
        token, plain = create_api_token(user, "script", utcnow())
        token.revoked_at = utcnow()
        db.session.commit()
    response = client.post(
        "/api/v1/compare", json=body(), headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 401


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "API_RATE_LIMIT_ANON": "2 per minute",
            "API_RATE_LIMIT_TOKEN": "5 per minute",
        }

    def test_anonymous_callers_are_limited_per_address_and_tokens_get_more(
        self, app, client, rates
    ):
        codes = [client.post("/api/v1/compare", json=body()).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        with app.app_context():
            user = create_user("buyer")
            _, plain = create_api_token(user, "script", utcnow())
            db.session.commit()
        headers = {"Authorization": f"Bearer {plain}"}
        codes = [
            client.post("/api/v1/compare", json=body(), headers=headers).status_code
            for _ in range(5)
        ]
        assert codes == [200] * 5
        limited = client.post("/api/v1/compare", json=body(), headers=headers)
        assert limited.status_code == 429
        assert limited.mimetype == "application/problem+json"
