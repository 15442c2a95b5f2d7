"""Who may call which API endpoint: every endpoint, every kind of caller.

No token or a revoked one: 401. The wrong kind of account: 403. Another buyer's request or
another vendor's lead, quote or thread: 404, exactly as if it did not exist. A session cookie
never authorises a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from marketplace.accounts.models import ApiToken
from marketplace.accounts.services import create_api_token
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.quotes.models import Quote, QuoteRequest
from tests.conftest import login
from tests.fixtures.factories import create_user
from tests.fixtures.quotes import make_request


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # placeholders filled from the world's ids
    who: str  # public | buyer | vendor | member
    body: dict[str, Any] | None = None

    def url(self, ids: dict[str, int], **overrides: int) -> str:
        return self.path.format(**{**ids, **overrides})

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


QUOTE = {"pricing_model": "per_unit_month", "unit_price": "11.00"}
ENDPOINTS = [
    Endpoint("GET", "/api/v1/vendors", "public"),
    Endpoint("GET", "/api/v1/vendors/{vendor_slug}", "public"),
    Endpoint("GET", "/api/v1/categories", "public"),
    Endpoint("GET", "/api/v1/certifications", "public"),
    Endpoint("GET", "/api/v1/openapi.json", "public"),
    Endpoint(
        "POST",
        "/api/v1/compare",
        "public",
        {
            "request": {"currency": "USD", "quantity": 10, "contract_months": 12},
            "quotes": [
                {"id": "a", "pricing_model": "fixed_month", "unit_price": "100", "vendor": {}}
            ],
        },
    ),
    Endpoint("GET", "/api/v1/requests", "buyer"),
    Endpoint(
        "POST",
        "/api/v1/requests",
        "buyer",
        {
            "title": "Payroll for 60 people",
            "category": "payroll",
            "quantity": 60,
            "contract_months": 12,
            "quotes_due_at": "2099-01-01T00:00:00Z",
        },
    ),
    Endpoint("GET", "/api/v1/requests/{request}", "buyer"),
    Endpoint("POST", "/api/v1/requests/{request}/publish", "buyer"),
    Endpoint("POST", "/api/v1/requests/{request}/invitations", "buyer", {"vendor_ids": [1]}),
    Endpoint("GET", "/api/v1/requests/{request}/quotes", "buyer"),
    Endpoint("GET", "/api/v1/requests/{request}/comparison", "buyer"),
    Endpoint("POST", "/api/v1/requests/{request}/award", "buyer", {"quote_id": 1}),
    Endpoint("GET", "/api/v1/invitations", "vendor"),
    Endpoint("POST", "/api/v1/invitations/{invitation}/quotes", "vendor", QUOTE),
    Endpoint("POST", "/api/v1/invitations/{invitation}/decline", "vendor", {"reason": "Too busy."}),
    Endpoint("POST", "/api/v1/quotes/{quote}/withdraw", "vendor"),
    Endpoint("GET", "/api/v1/profile", "vendor"),
    Endpoint("PATCH", "/api/v1/profile", "vendor", {"city": "Manila"}),
    Endpoint("GET", "/api/v1/requests/{request}/threads/{vendor}/messages", "member"),
    Endpoint(
        "POST", "/api/v1/requests/{request}/threads/{vendor}/messages", "member", {"body": "Hello"}
    ),
]
PROTECTED = [e for e in ENDPOINTS if e.who != "public"]
WRITES = [e for e in ENDPOINTS if e.method != "GET" and e.who != "public"]


def test_every_api_route_is_in_this_table(sqlite_app):
    table = {(e.method, e.path.split("{")[0]) for e in ENDPOINTS}
    for rule in sqlite_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule.split("<")[0]) in table, (method, rule.rule)


@pytest.fixture
def world(app):
    """Two buyers with a request each; vendors X and Y invited by A, Z by B; each has quoted."""
    now = utcnow()
    with app.app_context():
        a = make_request(create_user("buyer"), vendors=2, now=now)
        b = make_request(create_user("buyer"), vendors=1, now=now)
        quotes = [a.quote(0, now), a.quote(1, now), b.quote(0, now)]
        for quote in quotes:  # valid for a while whatever today is
            quote.valid_until = (now + timedelta(days=60)).date()
        x, y = a.vendors
        z = b.vendors[0]
        admin = create_user("admin")
        token = {
            "buyer_a": create_api_token(a.buyer, "a", now)[1],
            "buyer_b": create_api_token(b.buyer, "b", now)[1],
            "vendor_x": create_api_token(x.owner, "x", now)[1],
            "vendor_y": create_api_token(y.owner, "y", now)[1],
            "vendor_z": create_api_token(z.owner, "z", now)[1],
            "admin": create_api_token(admin, "admin", now)[1],
        }
        revoked, token["revoked"] = create_api_token(a.buyer, "old", now)
        revoked.revoked_at = now
        ids = {
            "request": a.request.id,
            "invitation": a.invitation(0).id,
            "quote": quotes[0].id,
            "vendor": x.id,
            "vendor_slug": x.slug,
            # someone else's objects
            "request_b": b.request.id,
            "invitation_y": a.invitation(1).id,
            "quote_y": quotes[1].id,
            "quote_z": quotes[2].id,
            "vendor_y": y.id,
            "vendor_z": z.id,
        }
        users = {"buyer_a": a.buyer.session_token, "vendor_x": x.owner.session_token}
        db.session.commit()
    return {"token": token, "ids": ids, "users": users}


def call(client, endpoint: Endpoint, url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=endpoint.method, json=endpoint.body, headers=headers)


def assert_problem(response, status: int, endpoint: Endpoint) -> None:
    assert response.status_code == status, (str(endpoint), response.status_code, response.json)
    assert response.mimetype == "application/problem+json", str(endpoint)
    assert response.json["status"] == status


def test_the_right_caller_gets_through_on_every_endpoint(client, world):
    owner = {"public": "buyer_a", "buyer": "buyer_a", "vendor": "vendor_x", "member": "vendor_x"}
    for endpoint in ENDPOINTS:
        response = call(
            client, endpoint, endpoint.url(world["ids"]), world["token"][owner[endpoint.who]]
        )
        # 409/422: allowed in, refused by the workflow (e.g. publishing an open request).
        assert response.status_code in (200, 201, 409, 422), (
            str(endpoint),
            response.status_code,
            response.json,
        )


def test_protected_endpoints_answer_401_without_a_token(client, world):
    for endpoint in PROTECTED:
        response = call(client, endpoint, endpoint.url(world["ids"]))
        assert_problem(response, 401, endpoint)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("bad", ["revoked", "unknown", "malformed"])
def test_a_revoked_unknown_or_malformed_token_answers_401_everywhere(client, world, bad):
    token = {"revoked": world["token"]["revoked"], "unknown": "mkp_not-a-token", "malformed": None}[
        bad
    ]
    for endpoint in ENDPOINTS:
        headers = {"Authorization": f"Bearer {token}" if token else "Token abc"}
        response = client.open(
            endpoint.url(world["ids"]), method=endpoint.method, json=endpoint.body, headers=headers
        )
        assert_problem(response, 401, endpoint)


def test_a_deactivated_users_token_stops_working(app, client, world):
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(name="x").one()
        token.user.active = False
        db.session.commit()
    response = client.get(
        "/api/v1/profile", headers={"Authorization": f"Bearer {world['token']['vendor_x']}"}
    )
    assert response.status_code == 401


def test_the_wrong_kind_of_account_answers_403(client, world):
    wrong = {"buyer": ("vendor_x", "admin"), "vendor": ("buyer_a", "admin"), "member": ("admin",)}
    for endpoint in PROTECTED:
        for caller in wrong[endpoint.who]:
            response = call(client, endpoint, endpoint.url(world["ids"]), world["token"][caller])
            assert_problem(response, 403, endpoint)


def test_another_buyers_request_answers_404(client, world):
    for endpoint in PROTECTED:
        if "{request}" not in endpoint.path:
            continue
        response = call(client, endpoint, endpoint.url(world["ids"]), world["token"]["buyer_b"])
        assert_problem(response, 404, endpoint)


def test_awarding_a_quote_of_another_request_answers_404(app, client, world):
    ids = world["ids"]
    response = client.post(
        f"/api/v1/requests/{ids['request']}/award",
        json={"quote_id": ids["quote_z"]},
        headers={"Authorization": f"Bearer {world['token']['buyer_a']}"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Quote, ids["quote_z"]).status == "submitted"
        assert db.session.get(QuoteRequest, ids["request"]).status == "open"


def test_another_vendors_lead_quote_or_thread_answers_404(app, client, world):
    ids, token = world["ids"], world["token"]
    refused = [
        # Y is invited to the same request, but X's lead, quote and thread are X's alone.
        ("vendor_y", "POST", f"/api/v1/quotes/{ids['quote']}/withdraw", None),
        ("vendor_y", "POST", f"/api/v1/invitations/{ids['invitation']}/quotes", QUOTE),
        ("vendor_y", "POST", f"/api/v1/invitations/{ids['invitation']}/decline", {"reason": "x"}),
        (
            "vendor_y",
            "GET",
            f"/api/v1/requests/{ids['request']}/threads/{ids['vendor']}/messages",
            None,
        ),
        (
            "vendor_y",
            "POST",
            f"/api/v1/requests/{ids['request']}/threads/{ids['vendor']}/messages",
            {"body": "hi"},
        ),
        # Z was never invited to A's request.
        (
            "vendor_z",
            "GET",
            f"/api/v1/requests/{ids['request']}/threads/{ids['vendor_z']}/messages",
            None,
        ),
        ("vendor_z", "POST", f"/api/v1/quotes/{ids['quote_y']}/withdraw", None),
    ]
    for caller, method, url, body in refused:
        response = client.open(
            url, method=method, json=body, headers={"Authorization": f"Bearer {token[caller]}"}
        )
        assert response.status_code == 404, (caller, method, url, response.json)
        assert response.mimetype == "application/problem+json"
    with app.app_context():
        assert db.session.get(Quote, ids["quote"]).status == "submitted"


def test_ids_that_cannot_exist_answer_404(client, world):
    token = world["token"]["buyer_a"]
    for request_id in ("0", "2147483648", "99999999999999999999"):
        response = client.get(
            f"/api/v1/requests/{request_id}", headers={"Authorization": f"Bearer {token}"}
        )
        assert_problem(response, 404, Endpoint("GET", request_id, "buyer"))


def test_a_session_cookie_never_authorises_a_write(app, world):
    client = app.test_client()
    for user, who in (("buyer_a", "buyer"), ("vendor_x", "vendor")):
        login(client, world["users"][user])
        for endpoint in WRITES:
            if endpoint.who not in (who, "member"):
                continue
            response = call(client, endpoint, endpoint.url(world["ids"]))
            assert_problem(response, 401, endpoint)
            assert "Session cookies do not authorise API writes" in response.json["detail"]


def test_a_signed_in_browser_may_read_its_own_data(app, world):
    client = app.test_client()
    login(client, world["users"]["buyer_a"])
    assert client.get("/api/v1/requests").status_code == 200
    assert client.get(f"/api/v1/requests/{world['ids']['request_b']}").status_code == 404
    assert client.get("/api/v1/invitations").status_code == 403


def test_protected_endpoints_declare_their_security_in_the_document(client):
    document = client.get("/api/v1/openapi.json").json
    for endpoint in ENDPOINTS:
        path = endpoint.path.removeprefix("/api/v1").replace("{vendor_slug}", "{slug}")
        for name, real in (
            ("{request}", "{request_id}"),
            ("{invitation}", "{invitation_id}"),
            ("{quote}", "{quote_id}"),
            ("{vendor}", "{vendor_id}"),
        ):
            path = path.replace(name, real)
        op = document["paths"][path][endpoint.method.lower()]
        required = op["security"] == [{"bearerAuth": []}]
        assert required == (endpoint.who != "public"), str(endpoint)
