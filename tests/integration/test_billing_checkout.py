"""Plans pages, Upgrade (Checkout), Manage billing (Portal) and who may use them.

The real ``stripe`` library talks to the fake Stripe server in tests/fixtures/fake_stripe.py
through ``STRIPE_API_BASE``; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import StripeEvent, Subscription
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.fake_stripe import FakeStripe, sign

WEBHOOK_SECRET = "whsec_checkout_tests"
PRICE = "price_pro_monthly"


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def fake(stripe_server: FakeStripe) -> Iterator[FakeStripe]:
    stripe_server.reset()
    yield stripe_server
    stripe_server.reset()


@pytest.fixture
def app_config(fake: FakeStripe) -> dict[str, Any]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_fake",
        "STRIPE_PRICE_PRO": PRICE,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.url,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
        "PRO_PRICE_LABEL": "$149 / month",
    }


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """SQLite unless a test is marked ``on_both_databases``."""
    return str(getattr(request, "param", "sqlite"))


on_both_databases = pytest.mark.parametrize(
    "db_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def make_vendor(app, name: str = "Acme Payroll") -> dict[str, Any]:
    with app.app_context():
        vendor = create_vendor(name)
        db.session.commit()
        return {"id": vendor.id, "user": vendor.owner.session_token, "email": vendor.owner.email}


def signed_in(app, user) -> Any:
    client = app.test_client()
    login(client, user)
    return client


def subscription_row(app, vendor_id: int) -> Subscription | None:
    with app.app_context():
        row = db.session.scalar(select(Subscription).where(Subscription.vendor_id == vendor_id))
        if row is not None:
            db.session.expunge(row)
        return row


def plan_of(app, vendor_id: int) -> str:
    with app.app_context():
        return db.session.get(Vendor, vendor_id).plan


# --- pages ---------------------------------------------------------------------------------------


def test_pricing_is_public_and_says_rank_is_never_for_sale(app):
    app.config["FREE_PLAN_MONTHLY_QUOTES"] = 7
    app.config["PRO_PRICE_LABEL"] = "€129 / month"
    page = app.test_client().get("/pricing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Rank is never for sale" in text
    assert "7 quotes a month" in text and "€129 / month" in text
    assert "Unlimited quotes" in text and "Pro badge" in text


def test_billing_page_offers_upgrade_and_allows_stripe_as_a_form_target(app, fake):
    vendor = make_vendor(app)
    page = signed_in(app, vendor["user"]).get("/billing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Free plan" in text and "$149 / month" in text
    assert re.search(r'<button type="submit" class="btn btn-primary">Upgrade to Pro</button>', text)
    assert "Manage billing" not in text  # no customer yet
    csp = page.headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com https://billing.stripe.com" in csp
    assert fake.requests == []  # showing the page calls nothing


def test_without_stripe_keys_billing_says_not_configured_and_upgrade_is_disabled(app, fake):
    for key in ("STRIPE_SECRET_KEY", "STRIPE_PRICE_PRO", "STRIPE_WEBHOOK_SECRET"):
        app.config[key] = ""
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    text = client.get("/billing").get_data(as_text=True)
    assert "Billing is not configured on this site yet" in text
    assert re.search(r"<button[^>]*disabled[^>]*>Upgrade to Pro</button>", text)
    assert "Online payment is not switched on" in app.test_client().get("/pricing").get_data(
        as_text=True
    )
    response = client.post("/billing/upgrade", follow_redirects=True)
    assert "Billing is not configured" in response.get_data(as_text=True)
    assert fake.requests == []
    assert plan_of(app, vendor["id"]) == "free"
    # Everything else still works.
    assert client.get("/dashboard").status_code == 200


def test_checkout_return_messages(app):
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    assert "Stripe is confirming your payment" in client.get("/billing?checkout=success").get_data(
        as_text=True
    )
    assert "Nothing was charged" in client.get("/billing?checkout=cancelled").get_data(as_text=True)
    assert "Nothing was charged" not in client.get("/billing?checkout=<b>").get_data(as_text=True)


# --- Upgrade: Checkout ----------------------------------------------------------------------------


@on_both_databases
def test_upgrade_creates_the_customer_once_and_redirects_to_checkout(app, fake):
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])

    response = client.post("/billing/upgrade")
    assert response.status_code == 303
    [created] = fake.calls("POST", "/v1/customers")
    [first] = fake.calls("POST", "/v1/checkout/sessions")
    customer_id = next(iter(fake.customers))
    assert response.location == fake.sessions[next(iter(fake.sessions))]["url"]
    assert created.params["metadata[vendor_id]"] == str(vendor["id"])
    assert created.params["email"] == vendor["email"]
    assert created.idempotency_key and str(vendor["id"]) in created.idempotency_key
    assert first.params["mode"] == "subscription"
    assert first.params["customer"] == customer_id
    assert first.params["line_items[0][price]"] == PRICE
    assert first.params["line_items[0][quantity]"] == "1"
    assert first.params["client_reference_id"] == str(vendor["id"])
    assert first.params["metadata[vendor_id]"] == str(vendor["id"])
    assert first.params["subscription_data[metadata][vendor_id]"] == str(vendor["id"])
    assert first.params["success_url"] == "http://localhost/billing?checkout=success"
    assert first.params["cancel_url"] == "http://localhost/billing?checkout=cancelled"
    assert first.idempotency_key and first.idempotency_key.startswith(
        f"checkout-vendor-{vendor['id']}-"
    )
    assert subscription_row(app, vendor["id"]).stripe_customer_id == customer_id

    # A second click (the vendor came back from Checkout without paying): same customer, and
    # within the same time bucket the same idempotency key, so Stripe replays the same session.
    again = client.post("/billing/upgrade")
    assert again.status_code == 303 and again.location == response.location
    assert len(fake.calls("POST", "/v1/customers")) == 1
    second = fake.calls("POST", "/v1/checkout/sessions")[1]
    assert second.params["customer"] == customer_id
    assert second.idempotency_key == first.idempotency_key
    assert len(fake.sessions) == 1
    assert plan_of(app, vendor["id"]) == "free"  # Pro waits for Stripe's webhook


def test_an_upgrade_an_hour_later_gets_a_new_session_with_the_same_customer(app, fake, monkeypatch):
    from marketplace.billing import views

    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    client.post("/billing/upgrade")
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    client.post("/billing/upgrade")
    first, second = fake.calls("POST", "/v1/checkout/sessions")
    assert first.idempotency_key != second.idempotency_key
    assert first.params["customer"] == second.params["customer"]
    assert len(fake.customers) == 1 and len(fake.sessions) == 2


def test_upgrade_ignores_customer_and_vendor_fields_posted_in_the_form(app, fake):
    victim = make_vendor(app, "Victim Vendor")
    with app.app_context():
        db.session.add(
            Subscription(
                vendor_id=victim["id"], stripe_customer_id="cus_victim", plan="free", status="none"
            )
        )
        db.session.commit()
    attacker = make_vendor(app, "Attacker Vendor")
    client = signed_in(app, attacker["user"])
    response = client.post(
        "/billing/upgrade",
        data={
            "customer": "cus_victim",
            "stripe_customer_id": "cus_victim",
            "vendor_id": str(victim["id"]),
            "client_reference_id": str(victim["id"]),
        },
    )
    assert response.status_code == 303
    [session] = fake.calls("POST", "/v1/checkout/sessions")
    assert session.params["customer"] != "cus_victim"
    assert session.params["client_reference_id"] == str(attacker["id"])
    assert subscription_row(app, attacker["id"]).stripe_customer_id == session.params["customer"]
    assert subscription_row(app, victim["id"]).stripe_customer_id == "cus_victim"

    portal = client.post("/billing/portal", data={"customer": "cus_victim"})
    assert portal.status_code == 303
    [opened] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert opened.params["customer"] == session.params["customer"]


def test_upgrade_is_refused_when_already_pro(app, fake):
    vendor = make_vendor(app)
    with app.app_context():
        db.session.get(Vendor, vendor["id"]).plan = "pro"
        db.session.commit()
    client = signed_in(app, vendor["user"])
    text = client.get("/billing").get_data(as_text=True)
    assert "Upgrade to Pro" not in text
    response = client.post("/billing/upgrade", follow_redirects=True)
    assert "You are on Pro already" in response.get_data(as_text=True)
    assert fake.requests == []


def test_when_stripe_fails_nothing_is_charged_and_a_retry_reuses_the_customer(app, fake):
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    fake.fail_next.append(500)  # the customer call fails
    response = client.post("/billing/upgrade", follow_redirects=True)
    assert "could not reach our payment provider" in response.get_data(as_text=True)
    assert fake.customers == {}

    fake.requests.clear()  # now the customer call succeeds and the session call fails
    original = fake._route

    def fail_sessions(method, path, params):
        if path == "/v1/checkout/sessions":
            return 500, {"error": {"type": "api_error", "message": "down"}}
        return original(method, path, params)

    fake._route = fail_sessions  # type: ignore[method-assign]
    try:
        response = client.post("/billing/upgrade")
    finally:
        fake._route = original  # type: ignore[method-assign]
    assert response.status_code == 302 and response.location.endswith("/billing")
    stored = subscription_row(app, vendor["id"]).stripe_customer_id
    assert stored in fake.customers  # kept: it exists at Stripe

    # Like Stripe, the fake replays a saved 500 for the same idempotency key; the retry uses the
    # next attempt's key, so trying again works at once.
    assert client.post("/billing/upgrade").status_code == 303
    assert len(fake.calls("POST", "/v1/customers")) == 1
    failed, retried = fake.calls("POST", "/v1/checkout/sessions")
    assert failed.idempotency_key != retried.idempotency_key
    assert retried.params["customer"] == stored
    assert plan_of(app, vendor["id"]) == "free"


# --- Manage billing: Portal -----------------------------------------------------------------------


def test_portal_opens_for_the_vendors_own_customer(app, fake):
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    client.post("/billing/upgrade")
    customer_id = next(iter(fake.customers))
    assert "Manage billing" in client.get("/billing").get_data(as_text=True)
    response = client.post("/billing/portal")
    assert response.status_code == 303
    assert response.location.startswith("https://billing.stripe.com/p/session/")
    [call] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert call.params["customer"] == customer_id
    assert call.params["return_url"] == "http://localhost/billing"


def test_portal_without_a_customer_explains_and_calls_nothing(app, fake):
    vendor = make_vendor(app)
    response = signed_in(app, vendor["user"]).post("/billing/portal", follow_redirects=True)
    assert "You have no billing account yet" in response.get_data(as_text=True)
    assert fake.requests == []


# --- CSRF and authorisation ---------------------------------------------------------------------


def test_upgrade_and_portal_need_the_csrf_token(app, fake):
    app.config["WTF_CSRF_ENABLED"] = True
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    assert client.post("/billing/upgrade").status_code == 400
    assert client.post("/billing/portal").status_code == 400
    assert fake.requests == []
    page = client.get("/billing").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/billing/upgrade", data={"csrf_token": token}).status_code == 303
    # The webhook is exempt: Stripe cannot send a token, the signature is its proof.
    body = json.dumps({"id": "evt_csrf", "object": "event", "type": "ping", "data": {"object": {}}})
    response = client.post(
        "/billing/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign(body, WEBHOOK_SECRET)},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "buyer", "admin", "vendor-without-profile"])
def test_only_vendors_reach_billing_pages_and_actions(app, fake, role):
    client = app.test_client()
    if role != "anonymous":
        with app.app_context():
            token = create_user(role.split("-")[0]).session_token
            db.session.commit()
        login(client, token)
    for method, url in (
        ("get", "/billing"),
        ("post", "/billing/upgrade"),
        ("post", "/billing/portal"),
    ):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.location, url
        elif role == "vendor-without-profile":
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 403, (role, url)
    assert fake.requests == []
    assert app.test_client().get("/pricing").status_code == 200


def test_one_vendor_never_sees_another_vendors_billing(app, fake):
    first = make_vendor(app, "First Vendor")
    second = make_vendor(app, "Second Vendor")
    signed_in(app, first["user"]).post("/billing/upgrade")
    first_customer = subscription_row(app, first["id"]).stripe_customer_id
    client = signed_in(app, second["user"])
    page = client.get("/billing").get_data(as_text=True)
    assert "Second Vendor" in page and "First Vendor" not in page
    assert "Manage billing" not in page  # the second vendor has no customer of its own
    fake.requests.clear()
    response = client.post(
        "/billing/portal", data={"customer": first_customer}, follow_redirects=True
    )
    assert "You have no billing account yet" in response.get_data(as_text=True)
    assert fake.requests == []


# --- the webhook re-fetches the subscription's current state --------------------------------------


def deliver(client, kind: str, obj: dict[str, Any], event_id: str):
    body = json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}})
    return client.post(
        "/billing/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign(body, WEBHOOK_SECRET)},
    )


@on_both_databases
def test_checkout_then_webhooks_turn_pro_on_from_stripes_current_state(app, fake):
    vendor = make_vendor(app)
    client = signed_in(app, vendor["user"])
    client.post("/billing/upgrade")
    customer_id = next(iter(fake.customers))
    fake.subscriptions["sub_live"] = {
        "customer": customer_id,
        "status": "active",
        "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": 1_900_000_000}]},
    }
    session = {
        "id": "cs_1",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "customer": customer_id,
        "subscription": "sub_live",
        "client_reference_id": str(vendor["id"]),
        "metadata": {"vendor_id": str(vendor["id"])},
    }
    hook = app.test_client()
    assert deliver(hook, "checkout.session.completed", session, "evt_1").status_code == 200
    assert fake.calls("GET", "/v1/subscriptions/sub_live")
    assert plan_of(app, vendor["id"]) == "pro"
    row = subscription_row(app, vendor["id"])
    assert (row.status, row.stripe_subscription_id) == ("active", "sub_live")
    assert row.current_period_end is not None
    page = client.get("/billing").get_data(as_text=True)
    assert "Pro" in page and "Manage billing" in page and "current period ends" in page

    # Stripe has since cancelled it; a stale "updated: active" arrives late. Stripe's answer wins.
    fake.subscriptions["sub_live"]["status"] = "canceled"
    stale = {
        "id": "sub_live",
        "object": "subscription",
        "customer": customer_id,
        "status": "active",
    }
    assert deliver(hook, "customer.subscription.updated", stale, "evt_2").status_code == 200
    assert plan_of(app, vendor["id"]) == "free"
    assert subscription_row(app, vendor["id"]).status == "canceled"


def test_webhook_answers_503_and_records_nothing_while_stripe_is_unreachable(app, fake):
    vendor = make_vendor(app)
    with app.app_context():
        db.session.add(
            Subscription(
                vendor_id=vendor["id"], stripe_customer_id="cus_x", plan="free", status="none"
            )
        )
        db.session.commit()
    fake.subscriptions["sub_x"] = {"customer": "cus_x", "status": "active"}
    obj = {"id": "sub_x", "object": "subscription", "customer": "cus_x", "status": "active"}
    hook = app.test_client()
    fake.fail_next.append(500)
    assert deliver(hook, "customer.subscription.created", obj, "evt_retry").status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count(StripeEvent.id))) == 0
    assert plan_of(app, vendor["id"]) == "free"
    # Stripe delivers it again later and it goes through.
    assert deliver(hook, "customer.subscription.created", obj, "evt_retry").status_code == 200
    assert plan_of(app, vendor["id"]) == "pro"
