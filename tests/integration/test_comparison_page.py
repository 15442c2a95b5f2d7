"""The comparison page of a stored request: same numbers as the API, buyer and admins only."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from marketplace.extensions import db
from marketplace.rates.models import ExchangeRate
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.requests import add_quote, create_request


@pytest.fixture
def scenario(app):
    """A payroll request with three quotes in three pricing models and two currencies."""
    with app.app_context():
        db.session.add(
            ExchangeRate(currency="EUR", usd_per=Decimal("1.08"), as_of=date(2026, 11, 20))
        )
        buyer = create_user("buyer")
        request = create_request(
            buyer, in_house_monthly_cost=Decimal("9000.00"), required=("iso-27001",)
        )
        acme = create_vendor(
            name="Acme Payroll",
            certifications=("iso-27001",),
            rating_avg=Decimal("4.60"),
            review_count=12,
            median_response_hours=Decimal("3"),
        )
        beta = create_vendor(name="=Beta Services")  # a name that looks like a formula
        gamma = create_vendor(name="Gamma Hours")
        add_quote(
            request,
            acme,
            unit_price="12.50",
            setup_fee="500.00",
            turnaround_hours=24,
            accuracy_pct=Decimal("99.5"),
        )
        add_quote(
            request,
            beta,
            pricing_model="fixed_month",
            unit_price="2800",
            currency="EUR",
            turnaround_hours=48,
        )
        add_quote(
            request,
            gamma,
            pricing_model="per_hour",
            unit_price="20",
            hours_per_month=160,
            version=1,
            status="superseded",
        )
        add_quote(
            request,
            gamma,
            pricing_model="per_hour",
            unit_price="18",
            hours_per_month=160,
            version=2,
        )
        other_buyer = create_user("buyer")
        db.session.commit()
        return {
            "buyer": buyer.session_token,
            "other": other_buyer.session_token,
            "request_id": request.id,
            "vendor_owner": acme.owner.session_token,
        }


def test_buyer_sees_totals_badges_and_the_explanation(client, scenario):
    login(client, scenario["buyer"])
    page = client.get(f"/requests/{scenario['request_id']}/compare").get_data(as_text=True)
    # Acme: 12.50 x 250 = 3,125.00 a month; 500 + 3,125 x 12 = 38,000.00
    assert "$38,000.00" in page
    # Beta: 2,800 EUR x 1.08 = 3,024.00 USD a month; x 12 = 36,288.00; original shown too
    assert "$36,288.00" in page and "€33,600.00" in page
    # Gamma v2 (v1 superseded): 18 x 160 = 2,880.00 a month; 34,560.00 — the lowest total
    assert "$34,560.00" in page and "$38,400.00" not in page
    assert "Lowest total" in page and "Best value" in page
    assert "ranks first" in page
    assert "<svg" in page and "Score breakdown" in page
    assert "exchange rates of 20 November 2026" in page


def test_page_numbers_match_the_api_for_the_same_quotes(client, scenario):
    login(client, scenario["buyer"])
    body = {
        "request": {
            "currency": "USD",
            "quantity": 250,
            "contract_months": 12,
            "in_house_monthly_cost": "9000.00",
            "required_certifications": ["iso-27001"],
        },
        "quotes": [
            {
                "id": "acme",
                "pricing_model": "per_unit_month",
                "unit_price": "12.50",
                "setup_fee": "500.00",
                "currency": "USD",
                "sla": {"turnaround_hours": 24, "accuracy_pct": 99.5},
                "vendor": {
                    "rating": 4.6,
                    "review_count": 12,
                    "median_response_hours": 3,
                    "certifications": ["iso-27001"],
                },
            },
            {
                "id": "beta",
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
            {
                "id": "gamma",
                "pricing_model": "per_hour",
                "unit_price": "18",
                "hours_per_month": 160,
                "currency": "USD",
                "sla": {"turnaround_hours": None, "accuracy_pct": None},
                "vendor": {
                    "rating": None,
                    "review_count": 0,
                    "median_response_hours": None,
                    "certifications": [],
                },
            },
        ],
    }
    api = client.post("/api/v1/compare", json=body).json
    csv_text = client.get(f"/requests/{scenario['request_id']}/compare.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    by_vendor = {r["Vendor"].lstrip("'"): r for r in rows}
    names = {"acme": "Acme Payroll", "beta": "=Beta Services", "gamma": "Gamma Hours"}
    for entry in api["ranking"]:
        row = by_vendor[names[entry["id"]]]
        assert row["Total over 12 months (USD)"] == entry["total"]
        assert float(row["Score"]) == pytest.approx(entry["score"], abs=0.01)
        assert int(row["Rank"]) == entry["rank"]


def test_csv_neutralises_formula_cells(client, scenario):
    login(client, scenario["buyer"])
    response = client.get(f"/requests/{scenario['request_id']}/compare.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "'=Beta Services" in response.get_data(as_text=True)


def test_weights_in_the_query_re_rank_and_saving_keeps_them(app, client, scenario):
    login(client, scenario["buyer"])
    url = f"/requests/{scenario['request_id']}/compare"
    only_quality = {
        "w_price": 0,
        "w_quality": 100,
        "w_sla": 0,
        "w_compliance": 0,
        "w_responsiveness": 0,
    }
    page = client.get(url, query_string=only_quality).get_data(as_text=True)
    assert page.index("Acme Payroll") < page.index("Gamma Hours")
    bad = client.get(url, query_string={k: 0 for k in only_quality}).get_data(as_text=True)
    assert "at least one criterion" in bad
    response = client.post(url + "/weights", data={k[2:]: v for k, v in only_quality.items()})
    assert response.status_code == 302
    from marketplace.quotes.models import QuoteRequest

    with app.app_context():
        assert db.session.get(QuoteRequest, scenario["request_id"]).weights["quality"] == 100


def test_print_view_renders_for_sign_off(client, scenario):
    login(client, scenario["buyer"])
    page = client.get(f"/requests/{scenario['request_id']}/compare/print").get_data(as_text=True)
    assert "Quote comparison" in page and "$38,000.00" in page


@pytest.mark.parametrize("who", ["anonymous", "other", "vendor_owner"])
def test_others_cannot_see_the_comparison(client, scenario, who):
    if who != "anonymous":
        login(client, scenario[who])
    base = f"/requests/{scenario['request_id']}/compare"
    for path in (base, base + ".csv", base + "/print"):
        response = client.get(path)
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response.location
        else:
            assert response.status_code == 404
    response = client.post(base + "/weights", data={"price": 100})
    assert response.status_code in (302, 404) if who == "anonymous" else response.status_code == 404


def test_admin_can_view_but_not_change_weights(app, client, scenario):
    with app.app_context():
        admin = create_user("admin")
        db.session.commit()
        login(client, admin)
    base = f"/requests/{scenario['request_id']}/compare"
    assert client.get(base).status_code == 200
    assert client.post(base + "/weights", data={"price": 100}).status_code == 403


def test_unknown_request_is_404(client, scenario):
    login(client, scenario["buyer"])
    assert client.get("/requests/999999/compare").status_code == 404


def test_a_request_without_quotes_has_a_helpful_empty_state(app, client):
    with app.app_context():
        buyer = create_user("buyer")
        request = create_request(buyer)
        db.session.commit()
        login(client, buyer)
        request_id = request.id
    page = client.get(f"/requests/{request_id}/compare").get_data(as_text=True)
    assert "No quotes to compare yet" in page


def test_the_embedded_api_body_ranks_exactly_like_the_page(client, scenario):
    import json
    import re

    login(client, scenario["buyer"])
    page = client.get(f"/requests/{scenario['request_id']}/compare").get_data(as_text=True)
    raw = re.search(r'<script type="application/json" id="compare-body">(.*?)</script>', page, re.S)
    body = json.loads(raw.group(1))
    api = client.post("/api/v1/compare", json=body).json
    assert "ranking" in api, api
    csv_text = client.get(f"/requests/{scenario['request_id']}/compare.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["Total over 12 months (USD)"] for r in rows] == [e["total"] for e in api["ranking"]]
