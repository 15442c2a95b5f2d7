"""The Stripe webhook, with payloads signed locally exactly as Stripe signs them (no network).

No STRIPE_SECRET_KEY here, so the handler never calls Stripe: it acts on the objects inside the
events. The re-fetching path (the subscription's current state from the API) is covered against
the fake Stripe server in test_billing_checkout.py.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import StripeEvent, Subscription
from marketplace.billing.services import expire_grace
from marketplace.clock import as_utc, utcnow
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from marketplace.notify.models import OutboxEmail
from marketplace.search.models import SearchPending
from tests.fixtures.factories import create_vendor
from tests.fixtures.fake_stripe import sign

SECRET = "whsec_test_webhook_secret"
_ids = itertools.count(1)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"STRIPE_WEBHOOK_SECRET": SECRET, "STRIPE_SECRET_KEY": "", "BILLING_GRACE_DAYS": 7}


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """SQLite unless a test asks for both: the rules are the same, the SQL differs only in the
    tests marked ``on_both_databases`` (ON CONFLICT, FOR UPDATE, conditional UPDATE, times)."""
    return str(getattr(request, "param", "sqlite"))


on_both_databases = pytest.mark.parametrize(
    "db_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


# --- helpers ------------------------------------------------------------------------------------


def event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test{next(_ids):05d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }


def subscription(
    sub_id: str,
    customer: str,
    status: str,
    vendor_id: int | None = None,
    period_end: int = 1_900_000_000,
) -> dict[str, Any]:
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "metadata": {"vendor_id": str(vendor_id)} if vendor_id else {},
        "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": period_end}]},
    }


def checkout_session(vendor_id: int, customer: str, sub_id: str) -> dict[str, Any]:
    return {
        "id": f"cs_test_{sub_id}",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": str(vendor_id),
        "metadata": {"vendor_id": str(vendor_id)},
        "customer": customer,
        "subscription": sub_id,
    }


def failed_invoice(customer: str, sub_id: str) -> dict[str, Any]:
    # The current API shape: the subscription sits under parent.subscription_details.
    return {
        "id": f"in_{next(_ids)}",
        "object": "invoice",
        "customer": customer,
        "status": "open",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub_id},
        },
    }


def deliver(
    client, payload: dict[str, Any] | str, *, secret: str = SECRET, header: str | None = None
):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    signature = sign(body, secret) if header is None else header
    return client.post(
        "/billing/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature} if signature else {},
    )


def state(app, vendor_id: int) -> tuple[str, Subscription | None]:
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        sub = db.session.scalar(select(Subscription).where(Subscription.vendor_id == vendor_id))
        if sub is not None:
            db.session.expunge(sub)
        return vendor.plan, sub


def mails_to(app, address: str) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def event_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(StripeEvent.id))) or 0


@pytest.fixture
def vendor(app) -> dict[str, Any]:
    """A published free vendor whose Stripe customer was created by an earlier Upgrade click."""
    with app.app_context():
        v = create_vendor("Acme Payroll")
        db.session.add(
            Subscription(vendor_id=v.id, stripe_customer_id="cus_acme", plan="free", status="none")
        )
        db.session.commit()
        return {"id": v.id, "email": v.owner.email, "customer": "cus_acme"}


# --- refusing what is not from Stripe ------------------------------------------------------------


def test_webhook_without_a_configured_secret_is_refused_and_changes_nothing(app, client, vendor):
    app.config["STRIPE_WEBHOOK_SECRET"] = ""
    payload = event(
        "customer.subscription.created", subscription("sub_1", vendor["customer"], "active")
    )
    response = deliver(client, payload)  # signed with the secret the site *would* have
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert state(app, vendor["id"])[0] == "free"
    assert event_count(app) == 0


@on_both_databases
def test_bad_or_missing_signatures_are_400_and_change_nothing(app, client, vendor):
    payload = json.dumps(
        event("customer.subscription.created", subscription("sub_1", vendor["customer"], "active"))
    )
    now = int(time.time())
    attempts = {
        "no header": "",
        "wrong secret": sign(payload, "whsec_someone_else"),
        "garbage header": "not-a-signature",
        "no v1 scheme": f"t={now},v0=abc",
        "replayed (older than 5 minutes)": sign(payload, SECRET, timestamp=now - 600),
        "body changed after signing": sign(payload.replace("active", "trialing"), SECRET),
    }
    for name, header in attempts.items():
        response = deliver(client, payload, header=header)
        assert response.status_code == 400, name
        assert response.mimetype == "application/problem+json", name
    assert state(app, vendor["id"])[0] == "free"
    assert event_count(app) == 0
    assert mails_to(app, vendor["email"]) == []


def test_a_signed_body_that_is_not_an_event_is_400(app, client):
    for body in ("not json", "[]", json.dumps({"id": "evt_x", "type": "x"})):
        assert deliver(client, body).status_code == 400
    response = client.post(
        "/billing/webhook", data=b"\xff\xfe", headers={"Stripe-Signature": sign("x", SECRET)}
    )
    assert response.status_code == 400
    assert event_count(app) == 0


# --- the handled events -----------------------------------------------------------------------


@on_both_databases
def test_checkout_completed_links_the_subscription_and_turns_pro_on(app, client, vendor):
    response = deliver(
        client,
        event("checkout.session.completed", checkout_session(vendor["id"], "cus_acme", "sub_1")),
    )
    assert response.status_code == 200 and response.json["handled"] is True, response.json
    plan, sub = state(app, vendor["id"])
    assert plan == "pro"
    assert (sub.plan, sub.status, sub.stripe_subscription_id) == ("pro", "active", "sub_1")
    [mail] = mails_to(app, vendor["email"])
    assert "is now on Pro" in mail.subject
    assert "never changes where you appear" in mail.body_text
    with app.app_context():  # the Pro badge is re-indexed (applied after the request)
        assert db.session.scalar(select(func.count(SearchPending.id))) == 0


def test_checkout_completed_links_a_vendor_with_no_customer_yet(app, client):
    with app.app_context():
        vendor_id = create_vendor("New Vendor").id
        db.session.commit()
    deliver(
        client,
        event("checkout.session.completed", checkout_session(vendor_id, "cus_new", "sub_new")),
    )
    plan, sub = state(app, vendor_id)
    assert plan == "pro" and sub.stripe_customer_id == "cus_new"


def test_checkout_for_a_different_customer_is_not_linked(app, client, vendor):
    # A session that names this vendor but someone else's customer: recorded, not applied.
    response = deliver(
        client,
        event(
            "checkout.session.completed", checkout_session(vendor["id"], "cus_intruder", "sub_x")
        ),
    )
    assert response.status_code == 200
    plan, sub = state(app, vendor["id"])
    assert plan == "free"
    assert (sub.stripe_customer_id, sub.stripe_subscription_id) == ("cus_acme", None)
    assert event_count(app) == 1


def test_checkout_cannot_take_a_customer_that_belongs_to_another_vendor(app, client, vendor):
    with app.app_context():
        other_id = create_vendor("Other Vendor").id
        db.session.commit()
    deliver(
        client,
        event(
            "checkout.session.completed", checkout_session(other_id, vendor["customer"], "sub_y")
        ),
    )
    assert state(app, other_id)[0] == "free"
    assert state(app, vendor["id"])[1].stripe_subscription_id is None


@on_both_databases
def test_subscription_lifecycle_created_updated_deleted(app, client, vendor):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.created", subscription("sub_1", cus, "active")))
    plan, sub = state(app, vendor["id"])
    assert plan == "pro" and sub.status == "active"
    assert as_utc(sub.current_period_end) == datetime.fromtimestamp(1_900_000_000, UTC)

    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, "past_due")))
    plan, sub = state(app, vendor["id"])
    assert plan == "pro" and sub.status == "past_due" and sub.grace_until is not None

    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, "active")))
    plan, sub = state(app, vendor["id"])
    assert plan == "pro" and sub.grace_until is None

    deliver(client, event("customer.subscription.deleted", subscription("sub_1", cus, "canceled")))
    plan, sub = state(app, vendor["id"])
    assert plan == "free" and sub.status == "canceled"
    subjects = [m.subject for m in mails_to(app, vendor["email"])]
    assert subjects == [
        "Acme Payroll is now on Pro",
        "Payment for your Pro plan failed",
        "Acme Payroll is now on the Free plan",
    ]


@pytest.mark.parametrize("status", ["unpaid", "incomplete_expired"])
def test_unpaid_and_expired_subscriptions_mean_free(app, client, vendor, status):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.created", subscription("sub_1", cus, "active")))
    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, status)))
    assert state(app, vendor["id"])[0] == "free"


def test_a_subscription_is_found_by_metadata_before_checkout_completes(app, client):
    with app.app_context():
        vendor_id = create_vendor("Early Vendor").id
        db.session.commit()
    deliver(
        client,
        event(
            "customer.subscription.created",
            subscription("sub_e", "cus_early", "active", vendor_id=vendor_id),
        ),
    )
    plan, sub = state(app, vendor_id)
    assert plan == "pro" and sub.stripe_customer_id == "cus_early"


@on_both_databases
def test_a_redelivered_event_is_a_no_op(app, client, vendor):
    payload = event(
        "customer.subscription.created", subscription("sub_1", vendor["customer"], "active")
    )
    first = deliver(client, payload)
    second = deliver(client, payload)
    assert first.status_code == second.status_code == 200
    assert (first.json["duplicate"], second.json["duplicate"]) == (False, True)
    assert event_count(app) == 1
    assert len(mails_to(app, vendor["email"])) == 1


def test_out_of_order_a_late_update_cannot_revive_a_deleted_subscription(app, client, vendor):
    cus = vendor["customer"]
    created = event("customer.subscription.created", subscription("sub_1", cus, "active"))
    updated = event("customer.subscription.updated", subscription("sub_1", cus, "active"))
    deleted = event("customer.subscription.deleted", subscription("sub_1", cus, "canceled"))
    for payload in (created, deleted, updated):  # Stripe sent updated before deleted
        assert deliver(client, payload).status_code == 200
    plan, sub = state(app, vendor["id"])
    assert plan == "free" and sub.status == "canceled"


def test_out_of_order_deleted_first_then_created_stays_free(app, client, vendor):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.deleted", subscription("sub_1", cus, "canceled")))
    deliver(client, event("customer.subscription.created", subscription("sub_1", cus, "active")))
    assert state(app, vendor["id"])[0] == "free"
    assert mails_to(app, vendor["email"]) == []  # never was Pro, so nothing to announce


def test_out_of_order_a_late_incomplete_does_not_undo_active(app, client, vendor):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, "active")))
    deliver(
        client, event("customer.subscription.created", subscription("sub_1", cus, "incomplete"))
    )
    assert state(app, vendor["id"])[0] == "pro"


def test_events_of_an_old_subscription_do_not_touch_the_current_one(app, client, vendor):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.created", subscription("sub_old", cus, "active")))
    deliver(
        client, event("customer.subscription.deleted", subscription("sub_old", cus, "canceled"))
    )
    deliver(client, event("customer.subscription.created", subscription("sub_new", cus, "active")))
    assert state(app, vendor["id"])[1].stripe_subscription_id == "sub_new"
    # A straggler about the old subscription arrives last.
    deliver(
        client, event("customer.subscription.updated", subscription("sub_old", cus, "canceled"))
    )
    plan, sub = state(app, vendor["id"])
    assert plan == "pro" and sub.stripe_subscription_id == "sub_new"


def test_unknown_event_types_are_recorded_and_ignored(app, client, vendor):
    response = deliver(client, event("customer.created", {"id": "cus_acme", "object": "customer"}))
    assert response.status_code == 200 and response.json["handled"] is False
    assert event_count(app) == 1
    assert state(app, vendor["id"])[0] == "free"


def test_events_for_unknown_customers_are_recorded_and_ignored(app, client):
    response = deliver(
        client,
        event("customer.subscription.updated", subscription("sub_z", "cus_nobody", "active")),
    )
    assert response.status_code == 200
    assert event_count(app) == 1


# --- failed payments: grace, then Free ---------------------------------------------------------


@on_both_databases
def test_payment_failed_keeps_pro_for_the_grace_period_then_expire_grace_moves_to_free(
    app, client, vendor
):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.created", subscription("sub_1", cus, "active")))
    before = utcnow()
    assert (
        deliver(client, event("invoice.payment_failed", failed_invoice(cus, "sub_1"))).status_code
        == 200
    )
    plan, sub = state(app, vendor["id"])
    assert plan == "pro"
    grace_until = as_utc(sub.grace_until)
    assert before + timedelta(days=7) <= grace_until <= utcnow() + timedelta(days=7)
    failed_mail = mails_to(app, vendor["email"])[-1]
    assert failed_mail.subject == "Payment for your Pro plan failed"
    assert f"{grace_until.day} {grace_until:%B %Y}" in failed_mail.body_text

    # Stripe retries and fails again: the grace period is not extended, no second mail.
    deliver(client, event("invoice.payment_failed", failed_invoice(cus, "sub_1")))
    assert as_utc(state(app, vendor["id"])[1].grace_until) == grace_until
    assert len(mails_to(app, vendor["email"])) == 2

    with app.app_context():
        assert expire_grace(grace_until - timedelta(seconds=1)) == 0
        db.session.commit()
    assert state(app, vendor["id"])[0] == "pro"

    with app.app_context():  # the grace period is over
        db.session.execute(
            Subscription.__table__.update()
            .where(Subscription.vendor_id == vendor["id"])
            .values(grace_until=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["billing", "expire-grace"])
    assert result.exit_code == 0, result.output
    assert "Moved 1 vendor to the Free plan." in result.output
    plan, sub = state(app, vendor["id"])
    assert (plan, sub.plan) == ("free", "free")
    assert mails_to(app, vendor["email"])[-1].subject == "Acme Payroll is now on the Free plan"
    # Running it again changes nothing.
    result = app.test_cli_runner().invoke(args=["billing", "expire-grace"])
    assert "Moved 0 vendors" in result.output

    # The vendor pays after all: Stripe says active, Pro comes back.
    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, "active")))
    plan, sub = state(app, vendor["id"])
    assert plan == "pro" and sub.grace_until is None


def test_past_due_after_the_grace_period_is_free(app, client, vendor):
    cus = vendor["customer"]
    deliver(client, event("customer.subscription.created", subscription("sub_1", cus, "active")))
    with app.app_context():
        db.session.execute(
            Subscription.__table__.update()
            .where(Subscription.vendor_id == vendor["id"])
            .values(grace_until=utcnow() - timedelta(days=1))
        )
        db.session.commit()
    deliver(client, event("customer.subscription.updated", subscription("sub_1", cus, "past_due")))
    assert state(app, vendor["id"])[0] == "free"


def test_payment_failed_for_a_free_vendor_starts_no_grace(app, client, vendor):
    deliver(client, event("invoice.payment_failed", failed_invoice(vendor["customer"], "sub_1")))
    plan, sub = state(app, vendor["id"])
    assert plan == "free" and sub.grace_until is None
    assert mails_to(app, vendor["email"]) == []
