"""The API lets a script run the whole quote workflow with tokens alone (issue 8, "done when"):
a buyer posts and publishes a request, vendors quote, the buyer compares and awards."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.accounts.services import create_api_token
from marketplace.clock import utcnow
from marketplace.compare import comparison_to_json
from marketplace.comparison.services import build_comparison
from marketplace.extensions import db
from marketplace.quotes.models import QuoteRequest
from tests.fixtures.factories import create_user, create_vendor


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rfc3339(days: float) -> str:
    return (
        (utcnow() + timedelta(days=days)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


@pytest.fixture
def market(app):
    """A buyer, three payroll vendors (one with ISO 27001) and a token for each."""
    with app.app_context():
        buyer = create_user("buyer", company="Northwind GmbH")
        vendors = [
            create_vendor(
                name="Manila Payroll",
                certifications=("iso-27001",),
                rating_avg=Decimal("4.60"),
                review_count=12,
            ),
            create_vendor(name="Krakow Payroll"),
            create_vendor(name="Cebu Payroll"),
        ]
        tokens = {"buyer": create_api_token(buyer, "erp", utcnow())[1]}
        for n, vendor in enumerate(vendors):
            tokens[f"vendor{n}"] = create_api_token(vendor.owner, "crm", utcnow())[1]
        ids = [v.id for v in vendors]
        db.session.commit()
    return {"tokens": tokens, "vendor_ids": ids}


def test_a_script_posts_quotes_compares_and_awards_with_tokens_only(app, client, market):
    tokens, vendor_ids = market["tokens"], market["vendor_ids"]
    buyer, v0, v1 = bearer(tokens["buyer"]), bearer(tokens["vendor0"]), bearer(tokens["vendor1"])

    # The buyer looks up the vocabulary, then posts and publishes a request inviting two vendors.
    categories = client.get("/api/v1/categories", headers=buyer).json["items"]
    assert [c["slug"] for c in categories] == ["payroll"]
    created = client.post(
        "/api/v1/requests",
        headers=buyer,
        json={
            "title": "Monthly payroll for 250 employees",
            "category": "payroll",
            "quantity": 250,
            "contract_months": 12,
            "currency": "USD",
            "in_house_monthly_cost": "9000.00",
            "required_certifications": ["iso-27001"],
            "quotes_due_at": rfc3339(7),
            "vendor_ids": vendor_ids[:2],
            "publish": True,
        },
    )
    assert created.status_code == 201, created.json
    request_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/requests/{request_id}")
    assert created.json["status"] == "open"
    assert [i["vendor"]["id"] for i in created.json["invitations"]] == vendor_ids[:2]

    # It invites a third vendor afterwards.
    invited = client.post(
        f"/api/v1/requests/{request_id}/invitations",
        headers=buyer,
        json={"vendor_ids": [vendor_ids[2]]},
    )
    assert invited.status_code == 201, invited.json
    assert invited.json["items"][0]["vendor"]["id"] == vendor_ids[2]

    # Each invited vendor finds the lead and quotes; the first one revises its quote.
    quotes = {}
    for headers, body in [
        (
            v0,
            {
                "pricing_model": "per_unit_month",
                "unit_price": "12.50",
                "setup_fee": "500.00",
                "turnaround_hours": 24,
                "accuracy_pct": 99.5,
            },
        ),
        (v1, {"pricing_model": "fixed_month", "unit_price": "2800.00", "currency": "USD"}),
    ]:
        leads = client.get("/api/v1/invitations", headers=headers).json["items"]
        assert [lead["request"]["id"] for lead in leads] == [request_id]
        assert "in_house_monthly_cost" not in leads[0]["request"]  # the buyer's business
        sent = client.post(
            f"/api/v1/invitations/{leads[0]['id']}/quotes", headers=headers, json=body
        )
        assert sent.status_code == 201, sent.json
        quotes[sent.json["vendor"]["id"]] = sent.json
    lead0 = client.get("/api/v1/invitations", headers=v0).json["items"][0]
    revised = client.post(
        f"/api/v1/invitations/{lead0['id']}/quotes",
        headers=v0,
        json={
            "pricing_model": "per_unit_month",
            "unit_price": "12.00",
            "setup_fee": "500.00",
            "turnaround_hours": 24,
            "accuracy_pct": 99.5,
        },
    )
    assert revised.status_code == 201 and revised.json["version"] == 2
    assert (
        client.get("/api/v1/invitations", headers=v0).json["items"][0]["current_quote"]["id"]
        == revised.json["id"]
    )

    # They talk in the private thread.
    thread = f"/api/v1/requests/{request_id}/threads/{vendor_ids[0]}/messages"
    assert (
        client.post(thread, headers=buyer, json={"body": "Can you start on 1 January?"}).status_code
        == 201
    )
    assert client.post(thread, headers=v0, json={"body": "Yes."}).status_code == 201
    messages = client.get(thread, headers=v0).json["items"]
    assert [(m["body"], m["mine"]) for m in messages] == [
        ("Can you start on 1 January?", False),
        ("Yes.", True),
    ]

    # The buyer reads every version, then the comparison.
    listed = client.get(f"/api/v1/requests/{request_id}/quotes", headers=buyer).json["items"]
    assert [(q["version"], q["status"]) for q in listed] == [
        (1, "superseded"),
        (1, "submitted"),
        (2, "submitted"),
    ]
    comparison = client.get(f"/api/v1/requests/{request_id}/comparison", headers=buyer)
    assert comparison.status_code == 200
    ranking = comparison.json["ranking"]
    assert {r["quote_id"] for r in ranking} == {revised.json["id"], quotes[vendor_ids[1]]["id"]}
    winner = next(r for r in ranking if r["quote_id"] == revised.json["id"])
    # 12.00 x 250 = 3000.00 a month; 500 + 3000 x 12 = 36500.00; savings 108000 - 36500.
    assert (winner["monthly"], winner["total"], winner["savings"]) == (
        "3000.00",
        "36500.00",
        "71500.00",
    )
    assert winner["required_certifications_held"] == ["iso-27001"]
    # Same engine, same numbers as the comparison page of this request.
    with app.app_context():
        page = build_comparison(db.session.get(QuoteRequest, request_id))
        expected = comparison_to_json(page.comparison)
    assert [(r["id"], r["rank"], r["total"], r["score"]) for r in ranking] == [
        (r["id"], r["rank"], r["total"], r["score"]) for r in expected["ranking"]
    ]
    assert comparison.json["sensitivity"] == expected["sensitivity"]

    # Weights can be tried out without saving them, as on the page.
    by_price = client.get(
        f"/api/v1/requests/{request_id}/comparison?w_price=100", headers=buyer
    ).json
    assert by_price["ranking"][0]["quote_id"] == quotes[vendor_ids[1]]["id"]  # the cheapest
    assert by_price["weights"]["price"] == 100

    # The award, then the state everyone sees.
    awarded = client.post(
        f"/api/v1/requests/{request_id}/award", headers=buyer, json={"quote_id": winner["quote_id"]}
    )
    assert awarded.status_code == 200, awarded.json
    assert awarded.json["status"] == "accepted"
    detail = client.get(f"/api/v1/requests/{request_id}", headers=buyer).json
    assert detail["status"] == "awarded"
    assert {i["vendor"]["id"]: i["status"] for i in detail["invitations"]} == {
        vendor_ids[0]: "won",
        vendor_ids[1]: "lost",
        vendor_ids[2]: "lost",
    }
    again = client.post(
        f"/api/v1/requests/{request_id}/award",
        headers=buyer,
        json={"quote_id": quotes[vendor_ids[1]]["id"]},
    )
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"


def test_a_draft_is_published_later_and_vendors_see_it_only_then(client, market):
    tokens, vendor_ids = market["tokens"], market["vendor_ids"]
    buyer, vendor = bearer(tokens["buyer"]), bearer(tokens["vendor0"])
    draft = client.post(
        "/api/v1/requests",
        headers=buyer,
        json={
            "title": "Payroll for our Polish entity",
            "category": "payroll",
            "quantity": 40,
            "contract_months": 24,
            "quotes_due_at": rfc3339(10),
            "vendor_ids": [vendor_ids[0]],
        },
    )
    assert draft.status_code == 201 and draft.json["status"] == "draft"
    assert client.get("/api/v1/invitations", headers=vendor).json["items"] == []

    published = client.post(f"/api/v1/requests/{draft.json['id']}/publish", headers=buyer)
    assert published.status_code == 200 and published.json["status"] == "open"
    assert len(client.get("/api/v1/invitations", headers=vendor).json["items"]) == 1
    assert (
        client.post(f"/api/v1/requests/{draft.json['id']}/publish", headers=buyer).status_code
        == 409
    )


def test_a_vendor_declines_or_withdraws_through_the_api(client, market):
    tokens, vendor_ids = market["tokens"], market["vendor_ids"]
    buyer = bearer(tokens["buyer"])
    created = client.post(
        "/api/v1/requests",
        headers=buyer,
        json={
            "title": "Payroll for 80 employees",
            "category": "payroll",
            "quantity": 80,
            "contract_months": 12,
            "quotes_due_at": rfc3339(5),
            "vendor_ids": vendor_ids[:2],
            "publish": True,
        },
    ).json
    v0, v1 = bearer(tokens["vendor0"]), bearer(tokens["vendor1"])
    lead0 = client.get("/api/v1/invitations", headers=v0).json["items"][0]
    lead1 = client.get("/api/v1/invitations", headers=v1).json["items"][0]

    declined = client.post(
        f"/api/v1/invitations/{lead1['id']}/decline", headers=v1, json={"reason": "Not our region."}
    )
    assert declined.status_code == 200 and declined.json["status"] == "declined"

    quote = client.post(
        f"/api/v1/invitations/{lead0['id']}/quotes",
        headers=v0,
        json={"pricing_model": "per_unit_month", "unit_price": "9.90"},
    ).json
    assert quote["currency"] == "USD"  # the request's currency when none is given
    withdrawn = client.post(f"/api/v1/quotes/{quote['id']}/withdraw", headers=v0)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert client.post(f"/api/v1/quotes/{quote['id']}/withdraw", headers=v0).status_code == 409
    statuses = {
        i["vendor"]["id"]: (i["status"], i["decline_reason"])
        for i in client.get(f"/api/v1/requests/{created['id']}", headers=buyer).json["invitations"]
    }
    assert statuses[vendor_ids[1]] == ("declined", "Not our region.")


def test_a_vendor_keeps_its_profile_up_to_date(client, market):
    vendor = bearer(market["tokens"]["vendor0"])
    before = client.get("/api/v1/profile", headers=vendor).json
    assert before["status"] == "published"
    changed = client.patch(
        "/api/v1/profile",
        headers=vendor,
        json={
            "tagline": "Payroll for fast-growing teams",
            "team_size": 40,
            "city": "Manila",
            "languages": ["English", "Filipino"],
            "hourly_rate_min": "15.00",
            "hourly_rate_max": "25.00",
        },
    )
    assert changed.status_code == 200, changed.json
    after = changed.json
    assert (after["tagline"], after["team_size"], after["city"]) == (
        "Payroll for fast-growing teams",
        40,
        "Manila",
    )
    assert after["languages"] == ["English", "Filipino"]
    assert (after["hourly_rate_min"], after["hourly_rate_max"]) == ("15.00", "25.00")
    assert after["name"] == before["name"]  # untouched fields keep their value
    public = client.get(f"/api/v1/vendors/{after['slug']}").json
    assert public["tagline"] == "Payroll for fast-growing teams"

    cleared = client.patch("/api/v1/profile", headers=vendor, json={"team_size": None})
    assert cleared.json["team_size"] is None
    invalid = client.patch(
        "/api/v1/profile",
        headers=vendor,
        json={"hourly_rate_min": "30.00", "website": "javascript:alert(1)"},
    )
    assert invalid.status_code == 422
    assert set(invalid.json["errors"]) == {"hourly_rate_max", "website"}
    assert client.get("/api/v1/profile", headers=vendor).json["hourly_rate_min"] == "15.00"
