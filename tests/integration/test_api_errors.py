"""Request bodies name the fields they accept, errors are problem+json with a field map, and
limits are per token with RateLimit-* headers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import ApiToken
from marketplace.accounts.services import create_api_token
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from marketplace.quotes.models import QuoteRequest
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.quotes import make_request


def due(days: int = 7) -> str:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0).isoformat()


def valid_request(**changes):
    body = {
        "title": "Payroll for 250 employees",
        "category": "payroll",
        "quantity": 250,
        "contract_months": 12,
        "quotes_due_at": due(),
    }
    body.update(changes)
    return body


@pytest.fixture
def tokens(app):
    with app.app_context():
        scenario = make_request(create_user("buyer"), vendors=1, now=utcnow())
        vendor = scenario.vendors[0]
        values = {
            "buyer": create_api_token(scenario.buyer, "b", utcnow())[1],
            "vendor": create_api_token(vendor.owner, "v", utcnow())[1],
            "invitation": scenario.invitation(0).id,
            "request": scenario.request.id,
            "vendor_id": vendor.id,
        }
        db.session.commit()
    return values


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def request_count(app) -> int:
    with app.app_context():
        return db.session.query(QuoteRequest).count()


@pytest.mark.parametrize("field", ["status", "buyer_id", "awarded_at", "id", "role", "plan"])
def test_unknown_fields_are_refused_never_assigned(app, client, tokens, field):
    before = request_count(app)
    response = client.post(
        "/api/v1/requests", headers=auth(tokens["buyer"]), json=valid_request(**{field: "awarded"})
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    assert "Unknown field" in response.json["errors"][field]
    assert request_count(app) == before


@pytest.mark.parametrize("field", ["status", "plan", "verified", "slug", "owner_id", "rating"])
def test_a_vendor_cannot_promote_its_own_profile(app, client, tokens, field):
    response = client.patch(
        "/api/v1/profile", headers=auth(tokens["vendor"]), json={"tagline": "Changed", field: "pro"}
    )
    assert response.status_code == 422 and field in response.json["errors"]
    with app.app_context():
        vendor = db.session.get(Vendor, tokens["vendor_id"])
        assert (vendor.tagline, vendor.plan, vendor.verified) != ("Changed", "pro", True)
        assert vendor.tagline != "Changed"


def test_a_quote_cannot_name_its_vendor_or_status(client, tokens):
    response = client.post(
        f"/api/v1/invitations/{tokens['invitation']}/quotes",
        headers=auth(tokens["vendor"]),
        json={
            "pricing_model": "fixed_month",
            "unit_price": "100",
            "vendor_id": 1,
            "status": "accepted",
        },
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"vendor_id", "status"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "250"}, "quantity"),  # a string is not a number here
        ({"quantity": True}, "quantity"),  # nor is a boolean
        ({"quantity": 0}, "quantity"),
        ({"contract_months": 121}, "contract_months"),
        ({"budget_monthly": 4000.5}, "budget_monthly"),  # money is a string, never a float
        ({"budget_monthly": "4,000"}, "budget_monthly"),
        ({"weights": {"price": 101}}, "weights.price"),
        ({"weights": {"luck": 10}}, "weights.luck"),
        ({"vendor_ids": [1, 1]}, "vendor_ids"),
        ({"vendor_ids": ["1"]}, "vendor_ids[0]"),
        ({"preferred_countries": ["ph"]}, "preferred_countries[0]"),
        ({"quotes_due_at": "next friday"}, "quotes_due_at"),
        ({"quotes_due_at": "2026-12-01T17:00"}, "quotes_due_at"),  # a time needs its zone
        ({"title": "x" * 161}, "title"),
    ],
)
def test_badly_typed_fields_answer_422_naming_them(client, tokens, changes, field):
    response = client.post(
        "/api/v1/requests", headers=auth(tokens["buyer"]), json=valid_request(**changes)
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json["errors"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "astrology"}, "category"),
        ({"required_certifications": ["iso-99999"]}, "required_certifications"),
        ({"quotes_due_at": due(-1)}, "quotes_due_at"),  # in the past
        ({"quotes_due_at": "2026-02-30T10:00:00Z"}, "quotes_due_at"),
        ({"title": "Hi"}, "title"),
        ({"currency": "XYZ"}, "currency"),
        (
            {"weights": {"price": 0, "quality": 0, "sla": 0, "compliance": 0, "responsiveness": 0}},
            "weights",
        ),
        ({"vendor_ids": [999999]}, "vendor_ids"),
    ],
)
def test_the_services_rules_come_back_under_the_api_field_names(client, tokens, changes, field):
    response = client.post(
        "/api/v1/requests", headers=auth(tokens["buyer"]), json=valid_request(**changes)
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json["errors"]


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("[" * 5000 + "]" * 5000, "application/json", 400),
        ('{"title": NaN}', "application/json", 400),
        ("title=x", "application/x-www-form-urlencoded", 415),
    ],
)
def test_unreadable_bodies_answer_4xx_problem_json(client, tokens, raw, content_type, status):
    response = client.post(
        "/api/v1/requests", data=raw, content_type=content_type, headers=auth(tokens["buyer"])
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_workflow_refusals_answer_409_with_the_reason(client, tokens):
    url = f"/api/v1/invitations/{tokens['invitation']}/decline"
    quote = client.post(
        f"/api/v1/invitations/{tokens['invitation']}/quotes",
        headers=auth(tokens["vendor"]),
        json={"pricing_model": "fixed_month", "unit_price": "100"},
    )
    assert quote.status_code == 201
    response = client.post(url, headers=auth(tokens["vendor"]), json={"reason": "Too busy"})
    assert response.status_code == 409
    assert response.json["detail"] == "You have sent a quote: withdraw it instead of declining."


def test_unknown_routes_and_methods_answer_problem_json(client):
    assert client.get("/api/v1/nothing-here").mimetype == "application/problem+json"
    response = client.delete("/api/v1/categories")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_wrong_method_on_a_page_says_which_ones_are_allowed(client):
    response = client.put("/search")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_token_records_when_it_was_last_used_even_on_reads_and_refusals(app, client, tokens):
    assert client.get("/api/v1/requests", headers=auth(tokens["buyer"])).status_code == 200
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(name="b").one()
        first = token.last_used_at
        assert first is not None
    response = client.post(
        "/api/v1/requests", headers=auth(tokens["buyer"]), json=valid_request(quantity=0)
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.query(ApiToken).filter_by(name="b").one().last_used_at >= first


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "API_RATE_LIMIT_ANON": "3 per minute",
            "API_RATE_LIMIT_TOKEN": "5 per minute",
            "MESSAGE_RATE_LIMIT": "2 per minute",
        }

    def test_answers_carry_ratelimit_headers(self, client, tokens):
        response = client.get("/api/v1/requests", headers=auth(tokens["buyer"]))
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "5"
        assert response.headers["RateLimit-Remaining"] == "4"
        assert 0 <= int(response.headers["RateLimit-Reset"]) <= 60
        assert response.headers["RateLimit-Policy"] == "5;w=60"

    def test_the_limit_is_per_token_across_the_whole_api(self, app, client, tokens):
        with app.app_context():
            other = create_api_token(create_user("buyer"), "other", utcnow())[1]
            db.session.commit()
        urls = [
            "/api/v1/requests",
            "/api/v1/categories",
            "/api/v1/vendors",
            "/api/v1/certifications",
            "/api/v1/requests",
        ]
        assert [client.get(u, headers=auth(tokens["buyer"])).status_code for u in urls] == [200] * 5
        limited = client.get("/api/v1/categories", headers=auth(tokens["buyer"]))
        assert limited.status_code == 429
        assert limited.mimetype == "application/problem+json"
        assert limited.headers["RateLimit-Remaining"] == "0"
        assert int(limited.headers["Retry-After"]) > 0
        # Another token has its own allowance; anonymous callers theirs (per address).
        assert client.get("/api/v1/categories", headers=auth(other)).status_code == 200
        assert client.get("/api/v1/categories").headers["RateLimit-Limit"] == "3"

    def test_unknown_tokens_count_against_the_address(self, client):
        codes = [
            client.get("/api/v1/categories", headers=auth(f"mkp_bogus{n}")).status_code
            for n in range(4)
        ]
        assert codes == [401, 401, 401, 429]

    def test_messages_have_their_own_tighter_limit(self, client, tokens):
        url = f"/api/v1/requests/{tokens['request']}/threads/{tokens['vendor_id']}/messages"
        codes = [
            client.post(url, headers=auth(tokens["buyer"]), json={"body": f"m{n}"}).status_code
            for n in range(3)
        ]
        assert codes == [201, 201, 429]


def test_problem_bodies_never_leak_other_users_data(app, client, tokens):
    with app.app_context():
        stranger = create_vendor(name="Stranger Payroll")
        token = create_api_token(stranger.owner, "s", utcnow())[1]
        db.session.commit()
    response = client.post(
        f"/api/v1/invitations/{tokens['invitation']}/quotes",
        headers=auth(token),
        json={"pricing_model": "fixed_month", "unit_price": "1"},
    )
    assert response.status_code == 404
    assert str(tokens["request"]) not in response.get_data(as_text=True)
