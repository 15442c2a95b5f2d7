"""Vendor billing: the flat Pro plan, Stripe Checkout and Customer Portal, and the webhook.

This package is the only place that imports ``stripe``. Every API call goes through
:func:`stripe_client`, a ``StripeClient`` built from the configuration for that call (so tests
and deployments point it at ``STRIPE_API_BASE``), and is closed afterwards.

Rules kept here:
- A plan never changes a rank: Pro buys unlimited quotes, the badge and full analytics, never a
  position. This module only flips ``Vendor.plan`` and asks search to re-index the badge.
- The Stripe customer id always comes from the signed-in vendor's own ``Subscription`` row,
  created once (idempotently) and reused; no form field ever names a customer.
- Webhooks are verified with ``stripe.Webhook.construct_event``; without a configured secret
  they are refused. Each event id is inserted first (``ON CONFLICT DO NOTHING``) and processed in
  the same transaction, so a re-delivery is a no-op and a failure leaves no trace to skip.
- Out-of-order delivery: subscription events act on the subscription's *current* state, fetched
  from Stripe when an API key is configured; without one, a subscription never moves back in its
  lifecycle (incomplete -> live -> ended), so a late "updated" cannot revive a deleted one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from flask import current_app
from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.billing.models import StripeEvent, Subscription
from marketplace.clock import as_utc, utcnow
from marketplace.directory.models import Vendor
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db
from marketplace.notify.services import notify_user, queue_email
from marketplace.search.services import enqueue_vendor
from marketplace.urls import external_url

log = logging.getLogger(__name__)

DEFAULT_PRO_PRICE_LABEL = "$149 / month"
DEFAULT_GRACE_DAYS = 7
# Idempotency keys hold for a time bucket and an attempt number: a double click within the
# bucket reuses the customer and the session; after a failure (Stripe replays a saved error for
# the same key) the view moves to the next attempt so the vendor can simply try again.
CHECKOUT_BUCKET_SECONDS = 600

PRO_STATUSES = frozenset({"active", "trialing"})
GRACE_STATUSES = frozenset({"past_due"})
FREE_STATUSES = frozenset({"canceled", "unpaid", "incomplete_expired", "incomplete", "paused"})
TERMINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})  # Stripe never revives these
# Statuses in which the vendor still has a live subscription: a second checkout would double-bill.
LIVE_STATUSES = frozenset({"active", "trialing", "past_due", "unpaid", "paused"})

HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.payment_failed",
    }
)

STATUS_LABELS = {
    "none": "No subscription",
    "active": "Active",
    "trialing": "Trial",
    "past_due": "Payment overdue",
    "unpaid": "Unpaid",
    "canceled": "Cancelled",
    "incomplete": "Waiting for the first payment",
    "incomplete_expired": "First payment not completed",
    "paused": "Paused",
}


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class BillingError(Exception):
    """A billing action cannot go ahead; the message is written for the vendor."""


class BillingNotConfigured(BillingError):
    """No Stripe keys: billing is switched off and every other feature works."""


class BillingUnavailable(BillingError):
    """Stripe could not be reached or refused the call; nothing was charged."""


class WebhookNotConfigured(Exception):
    """``STRIPE_WEBHOOK_SECRET`` is empty: webhooks are refused, never processed unverified."""


class BadWebhook(Exception):
    """The signature, timestamp or body of a webhook is invalid; nothing was changed."""


# --------------------------------------------------------------------------------------------
# Configuration and the Stripe client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    """What the plans page promises, from configuration."""

    free_monthly_quotes: int
    pro_price_label: str
    grace_days: int


def plan_facts() -> PlanFacts:
    """The numbers the plans page and the mails quote."""
    cfg = current_app.config
    return PlanFacts(
        free_monthly_quotes=int(cfg.get("FREE_PLAN_MONTHLY_QUOTES", 5)),
        pro_price_label=str(cfg.get("PRO_PRICE_LABEL") or DEFAULT_PRO_PRICE_LABEL),
        grace_days=grace_days(),
    )


def grace_days() -> int:
    return int(current_app.config.get("BILLING_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def billing_configured() -> bool:
    """Checkout needs a secret key and the Pro price id."""
    cfg = current_app.config
    return bool(cfg.get("STRIPE_SECRET_KEY") and cfg.get("STRIPE_PRICE_PRO"))


def api_configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


@contextmanager
def stripe_client() -> Iterator[stripe.StripeClient]:
    """A ``StripeClient`` for one action, pointed at ``STRIPE_API_BASE`` when set, then closed."""
    cfg = current_app.config
    key = cfg.get("STRIPE_SECRET_KEY")
    if not key:
        raise BillingNotConfigured("Billing is not configured on this site yet.")
    http_client = stripe.RequestsClient(timeout=float(cfg.get("STRIPE_TIMEOUT_SECONDS", 20)))
    base = cfg.get("STRIPE_API_BASE")
    client = stripe.StripeClient(
        key,
        base_addresses={"api": base.rstrip("/")} if base else None,
        http_client=http_client,
        max_network_retries=int(cfg.get("STRIPE_MAX_NETWORK_RETRIES", 1)),
    )
    try:
        yield client
    finally:
        http_client.close()


def _key(prefix: str, *parts: object) -> str:
    """An idempotency key: readable prefix plus a digest of what the request depends on."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix}-{digest[:32]}"


def _plain(obj: Any) -> Any:
    """Stripe objects as plain dicts (a ``StripeObject`` is not a dict in stripe >= 13)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _id(value: Any) -> str | None:
    """An object id from a field that may hold the id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


# --------------------------------------------------------------------------------------------
# Reading state for the pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingOverview:
    """What the vendor's billing page shows and which buttons it offers."""

    vendor: Vendor | None
    subscription: Subscription | None
    plan: str
    status: str
    status_label: str
    grace_until: datetime | None
    current_period_end: datetime | None
    configured: bool
    can_upgrade: bool
    can_manage: bool
    upgrade_note: str


def subscription_for(vendor: Vendor) -> Subscription | None:
    return db.session.execute(
        select(Subscription).where(Subscription.vendor_id == vendor.id)
    ).scalar_one_or_none()


def billing_overview(vendor_user: User, now: datetime) -> BillingOverview:
    """The signed-in vendor's plan, subscription state and the actions open to it."""
    configured = billing_configured()
    vendor = vendor_for_user(vendor_user)
    if vendor is None:
        return BillingOverview(
            None,
            None,
            "free",
            "none",
            STATUS_LABELS["none"],
            None,
            None,
            configured,
            False,
            False,
            "No vendor profile is linked to your account.",
        )
    sub = subscription_for(vendor)
    status = sub.status if sub else "none"
    grace = as_utc(sub.grace_until) if sub and sub.grace_until else None
    period_end = as_utc(sub.current_period_end) if sub and sub.current_period_end else None
    note = _upgrade_refusal(vendor, sub) or ""
    if not configured:
        note = "Billing is not configured on this site yet, so upgrades are switched off."
    return BillingOverview(
        vendor=vendor,
        subscription=sub,
        plan=vendor.plan,
        status=status,
        status_label=STATUS_LABELS.get(status, status.replace("_", " ").capitalize()),
        grace_until=grace if grace and grace > now and vendor.plan == "pro" else None,
        current_period_end=period_end,
        configured=configured,
        can_upgrade=configured and not note,
        can_manage=api_configured() and bool(sub and sub.stripe_customer_id),
        upgrade_note=note,
    )


def _upgrade_refusal(vendor: Vendor, sub: Subscription | None) -> str | None:
    if vendor.plan == "pro":
        return "You are on Pro already. Use Manage billing to change your card or cancel."
    if sub is not None and sub.status in LIVE_STATUSES:
        return (
            "Your subscription has an unpaid invoice. Use Manage billing to update your "
            "payment method; Pro comes back as soon as it is paid."
        )
    return None


# --------------------------------------------------------------------------------------------
# Checkout and portal (the signed-in vendor acts on its own record only)
# --------------------------------------------------------------------------------------------


def _own_vendor(vendor_user: User) -> Vendor:
    vendor = vendor_for_user(vendor_user)
    if vendor is None:
        raise BillingError("No vendor profile is linked to your account.")
    return vendor


def _insert(model: Any) -> Any:
    """INSERT with ON CONFLICT support on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def _subscription_row(vendor: Vendor, *, lock: bool = False) -> Subscription:
    """The vendor's one Subscription row, created if missing (two racing requests get one row)."""
    db.session.execute(
        _insert(Subscription)
        .values(vendor_id=vendor.id, plan=vendor.plan, status="none", updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["vendor_id"])
    )
    stmt = select(Subscription).where(Subscription.vendor_id == vendor.id)
    if lock:  # PostgreSQL serialises this vendor's events; SQLite ignores FOR UPDATE
        stmt = stmt.with_for_update()
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def _ensure_customer(
    client: stripe.StripeClient, vendor: Vendor, sub: Subscription, attempt_key: str
) -> str:
    """The vendor's Stripe customer: the stored one, or one created now (once) and stored."""
    if sub.stripe_customer_id:
        return sub.stripe_customer_id
    params: dict[str, Any] = {
        "name": vendor.name,
        "metadata": {"vendor_id": str(vendor.id)},
    }
    if vendor.owner is not None:
        params["email"] = vendor.owner.email
    # Same vendor, details and attempt = same key: a double click gets the same customer.
    customer = client.v1.customers.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": _key(f"customer-vendor-{vendor.id}-{attempt_key}", params)},
    )
    claimed = db.session.execute(
        update(Subscription)
        .where(Subscription.id == sub.id, Subscription.stripe_customer_id.is_(None))
        .values(stripe_customer_id=customer.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(sub)
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        log.info("Vendor %s got a customer from a concurrent request; using it", vendor.id)
    assert sub.stripe_customer_id is not None
    return sub.stripe_customer_id


def start_checkout(vendor_user: User, now: datetime, attempt: int = 0) -> str:
    """Create a Checkout Session for Pro for the signed-in vendor; returns the URL to send it to.

    ``attempt`` counts this vendor's failed tries (kept by the view): it is part of the
    idempotency keys with a 10-minute bucket of ``now``, so repeats of one click are one session.

    The customer id stored on the row is kept even when the session call fails afterwards: the
    customer exists at Stripe either way, and reusing it is what "created once" means.
    """
    if not billing_configured():
        raise BillingNotConfigured("Billing is not configured on this site yet.")
    vendor = _own_vendor(vendor_user)
    sub = _subscription_row(vendor)
    refusal = _upgrade_refusal(vendor, sub)
    if refusal:
        raise BillingError(refusal)
    price = current_app.config["STRIPE_PRICE_PRO"]
    attempt_key = f"{int(now.timestamp()) // CHECKOUT_BUCKET_SECONDS}-{attempt}"
    try:
        with stripe_client() as client:
            customer_id = _ensure_customer(client, vendor, sub, attempt_key)
            params: dict[str, Any] = {
                "mode": "subscription",
                "customer": customer_id,
                "line_items": [{"price": price, "quantity": 1}],
                "client_reference_id": str(vendor.id),
                "metadata": {"vendor_id": str(vendor.id)},
                "subscription_data": {"metadata": {"vendor_id": str(vendor.id)}},
                "success_url": external_url("billing.plans", checkout="success"),
                "cancel_url": external_url("billing.plans", checkout="cancelled"),
            }
            session = client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={
                    "idempotency_key": _key(f"checkout-vendor-{vendor.id}-{attempt_key}", params)
                },
            )
    except stripe.StripeError as exc:
        log.warning("Stripe checkout for vendor %s failed: %s", vendor.id, exc)
        raise BillingUnavailable(
            "We could not reach our payment provider. Nothing was charged; please try again."
        ) from exc
    db.session.flush()
    if not session.url:
        raise BillingUnavailable("The payment page could not be opened. Please try again.")
    return str(session.url)


def open_portal(vendor_user: User) -> str:
    """A Stripe Customer Portal session for the signed-in vendor's own customer; returns its URL."""
    if not api_configured():
        raise BillingNotConfigured("Billing is not configured on this site yet.")
    vendor = _own_vendor(vendor_user)
    sub = subscription_for(vendor)
    if sub is None or not sub.stripe_customer_id:
        raise BillingError("You have no billing account yet. Upgrade to Pro to create one.")
    try:
        with stripe_client() as client:
            session = client.v1.billing_portal.sessions.create(
                params={
                    "customer": sub.stripe_customer_id,
                    "return_url": external_url("billing.plans"),
                }
            )
    except stripe.StripeError as exc:
        log.warning("Stripe portal for vendor %s failed: %s", vendor.id, exc)
        raise BillingUnavailable(
            "We could not open the billing portal just now. Please try again in a minute."
        ) from exc
    return str(session.url)


# --------------------------------------------------------------------------------------------
# Plan changes: the one place Vendor.plan moves, with the mail and the re-index
# --------------------------------------------------------------------------------------------


def _mail_vendor(vendor: Vendor, subject: str, body: str, kind: str) -> None:
    owner = vendor.owner
    if owner is None:
        return
    link = external_url("billing.plans")
    queue_email(
        owner.email,
        subject,
        f"Hello {owner.display_name},\n\n{body}\n\nYour plan and "
        f"billing: {link}\n\nThe Sourcewise team\n",
    )
    notify_user(owner.id, kind, subject, link)


def _set_plan(sub: Subscription, vendor: Vendor, plan: str, reason: str) -> bool:
    """Move the vendor to ``plan``; mail and re-index only when it really changes."""
    sub.plan = plan
    if vendor.plan == plan:
        return False
    vendor.plan = plan
    enqueue_vendor(vendor.id)  # the Pro badge shows in search; the order never depends on it
    facts = plan_facts()
    if plan == "pro":
        _mail_vendor(
            vendor,
            f"{vendor.name} is now on Pro",
            "Thank you. Your Pro plan is active: unlimited quotes, the Pro badge on your profile "
            "and in search, and the full analytics on your dashboard.\n\nPro never changes where "
            "you appear in search, matching or comparisons: that is earned by fit, price, reviews "
            "and response time.",
            "billing_pro",
        )
    else:
        _mail_vendor(
            vendor,
            f"{vendor.name} is now on the Free plan",
            f"{reason}\n\nOn the Free plan you can send {facts.free_monthly_quotes} quotes a "
            "month; your profile, reviews and place in search stay exactly as they were. You can "
            "upgrade again at any time.",
            "billing_free",
        )
    return True


def _start_grace(sub: Subscription, vendor: Vendor, now: datetime) -> None:
    """A payment failed: keep Pro for the grace period (once per episode) and tell the vendor."""
    if sub.grace_until is not None:
        return
    until = now + timedelta(days=grace_days())
    sub.grace_until = until
    if vendor.plan == "pro":
        _mail_vendor(
            vendor,
            "Payment for your Pro plan failed",
            f"We could not take the payment for {vendor.name}'s Pro plan. You keep Pro until "
            f"{until.day} {until:%B %Y}. Please update your payment method under Manage "
            "billing before then; after that date the profile moves to the Free plan.",
            "billing_payment_failed",
        )


def _period_end(obj: dict[str, Any]) -> datetime | None:
    """current_period_end: on the subscription (older API versions) or on its items (newer)."""
    value = obj.get("current_period_end")
    if not isinstance(value, int):
        items = (obj.get("items") or {}).get("data") or []
        ends = [i.get("current_period_end") for i in items if isinstance(i, dict)]
        ints = [e for e in ends if isinstance(e, int)]
        value = max(ints) if ints else None
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


def _lifecycle(status: str) -> int:
    if status in TERMINAL_STATUSES:
        return 2
    if status == "incomplete":
        return 0
    return 1


def apply_subscription_state(
    sub: Subscription, vendor: Vendor, obj: dict[str, Any], now: datetime, *, current: bool
) -> None:
    """Mirror a Stripe subscription object onto the row and the vendor's plan.

    ``current`` says the object was just fetched from Stripe (its state is the truth); otherwise
    it came inside an event that may be stale, and a subscription never moves back in its
    lifecycle (a late "updated: active" after "deleted" changes nothing).
    """
    sub_id = _id(obj.get("id"))
    status = obj.get("status")
    if not sub_id or not isinstance(status, str):
        log.warning("Subscription object without id or status for vendor %s", vendor.id)
        return
    if sub.stripe_subscription_id and sub.stripe_subscription_id != sub_id:
        # Another subscription of this customer: it only takes over when it is live and the
        # tracked one is not (a vendor who resubscribes after a cancellation).
        if status not in PRO_STATUSES | GRACE_STATUSES or sub.status in LIVE_STATUSES:
            log.info(
                "Ignoring subscription %s: vendor %s tracks %s",
                sub_id,
                vendor.id,
                sub.stripe_subscription_id,
            )
            return
    elif (
        sub.stripe_subscription_id == sub_id
        and not current
        and _lifecycle(status) < _lifecycle(sub.status)
    ):
        log.info("Ignoring stale state %s of subscription %s (now %s)", status, sub_id, sub.status)
        return
    if sub.stripe_subscription_id != sub_id:
        holder = db.session.execute(
            select(Subscription.vendor_id).where(Subscription.stripe_subscription_id == sub_id)
        ).scalar_one_or_none()
        if holder is not None and holder != vendor.id:
            log.warning("Subscription %s belongs to vendor %s, not %s", sub_id, holder, vendor.id)
            return
        sub.stripe_subscription_id = sub_id
    sub.status = status[:24]
    sub.current_period_end = _period_end(obj) or sub.current_period_end
    if status in PRO_STATUSES:
        sub.grace_until = None
        _set_plan(sub, vendor, "pro", "")
    elif status in GRACE_STATUSES:
        _start_grace(sub, vendor, now)
        assert sub.grace_until is not None
        if now < as_utc(sub.grace_until):
            _set_plan(sub, vendor, "pro", "")
        else:
            _set_plan(
                sub,
                vendor,
                "free",
                "The payment for your Pro plan was not received within the grace period.",
            )
    elif status in FREE_STATUSES:
        sub.grace_until = None
        reason = {
            "canceled": "Your Pro subscription has ended.",
            "unpaid": "Your Pro subscription is unpaid, so Pro has been switched off.",
        }.get(status, "Your Pro subscription is not active.")
        _set_plan(sub, vendor, "free", reason)
    else:
        log.warning(
            "Unknown subscription status %r for vendor %s; plan unchanged", status, vendor.id
        )


# --------------------------------------------------------------------------------------------
# The webhook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    type: str
    duplicate: bool
    handled: bool


def receive_webhook(payload: bytes, sig_header: str | None, now: datetime) -> WebhookResult:
    """Verify a Stripe webhook, record its event id once, and apply it (caller commits)."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not secret.strip():
        raise WebhookNotConfigured("STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe.Webhook.construct_event(payload, sig_header, secret)
    except stripe.SignatureVerificationError as exc:
        raise BadWebhook("The Stripe-Signature header does not match this payload.") from exc
    except (ValueError, AttributeError, TypeError, KeyError) as exc:
        # Signed but malformed: not UTF-8 (a ValueError), not JSON, or JSON that is no object.
        raise BadWebhook("The payload is not a JSON event.") from exc
    data = _plain(event)
    event_id, event_type = data.get("id"), data.get("type")
    obj = (data.get("data") or {}).get("object")
    if not (isinstance(event_id, str) and isinstance(event_type, str) and isinstance(obj, dict)):
        raise BadWebhook("The payload is not a Stripe event.")
    inserted = db.session.execute(
        _insert(StripeEvent)
        .values(event_id=event_id[:80], type=event_type[:80], received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(StripeEvent.id)
    ).first()
    if inserted is None:
        log.info("Stripe event %s (%s) already processed; ignored", event_id, event_type)
        return WebhookResult(event_id, event_type, duplicate=True, handled=False)
    handled = event_type in HANDLED_EVENTS
    if event_type == "checkout.session.completed":
        _on_checkout_completed(obj, now)
    elif event_type.startswith("customer.subscription.") and handled:
        _on_subscription_event(obj, now)
    elif event_type == "invoice.payment_failed":
        _on_payment_failed(obj, now)
    else:
        log.info("Stripe event %s of type %s recorded and ignored", event_id, event_type)
    db.session.execute(
        update(StripeEvent).where(StripeEvent.event_id == event_id[:80]).values(processed_at=now)
    )
    db.session.flush()
    return WebhookResult(event_id, event_type, duplicate=False, handled=handled)


def _vendor_id_from(obj: dict[str, Any]) -> int | None:
    """The vendor id we put in client_reference_id and metadata; both must agree if both exist."""
    candidates = {obj.get("client_reference_id"), (obj.get("metadata") or {}).get("vendor_id")}
    candidates.discard(None)
    candidates.discard("")
    if len(candidates) != 1:
        return None
    raw = candidates.pop()
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)


def _fetch_subscription(sub_id: str) -> dict[str, Any] | None:
    """The subscription's current state from Stripe, or None when no API key is configured."""
    if not api_configured():
        return None
    try:
        with stripe_client() as client:
            return _plain(client.v1.subscriptions.retrieve(sub_id))  # type: ignore[no-any-return]
    except stripe.InvalidRequestError:
        log.warning("Stripe does not know subscription %s; using the event's copy", sub_id)
        return None
    except stripe.StripeError as exc:
        # No 2xx: Stripe delivers the event again later, when the API answers.
        raise BillingUnavailable(f"Could not fetch subscription {sub_id}: {exc}") from exc


def _on_checkout_completed(obj: dict[str, Any], now: datetime) -> None:
    if obj.get("mode") != "subscription":
        return
    vendor_id = _vendor_id_from(obj)
    vendor = db.session.get(Vendor, vendor_id) if vendor_id else None
    customer_id = _id(obj.get("customer"))
    if vendor is None or customer_id is None:
        log.warning("checkout.session.completed %s names no known vendor/customer", obj.get("id"))
        return
    sub = _subscription_row(vendor, lock=True)
    if sub.stripe_customer_id and sub.stripe_customer_id != customer_id:
        log.warning(
            "Checkout %s: customer %s is not vendor %s's customer %s; not linked",
            obj.get("id"),
            customer_id,
            vendor.id,
            sub.stripe_customer_id,
        )
        return
    if not sub.stripe_customer_id:
        holder = db.session.execute(
            select(Subscription.vendor_id).where(Subscription.stripe_customer_id == customer_id)
        ).scalar_one_or_none()
        if holder is not None:
            log.warning(
                "Checkout %s: customer %s belongs to vendor %s, not %s",
                obj.get("id"),
                customer_id,
                holder,
                vendor.id,
            )
            return
        sub.stripe_customer_id = customer_id
    sub_id = _id(obj.get("subscription"))
    if sub_id is None:
        return
    current = _fetch_subscription(sub_id)
    if current is not None:
        apply_subscription_state(sub, vendor, current, now, current=True)
    elif sub.stripe_subscription_id == sub_id and sub.status != "none":
        pass  # subscription events already told us its state; they are the better source
    elif obj.get("status") == "complete" and obj.get("payment_status") in (
        "paid",
        "no_payment_required",
    ):
        apply_subscription_state(
            sub, vendor, {"id": sub_id, "status": "active"}, now, current=False
        )


def _row_for(
    customer_id: str | None, sub_id: str | None, metadata: dict[str, Any]
) -> tuple[Subscription, Vendor] | None:
    """The local row a subscription or invoice belongs to: by subscription, customer, metadata."""
    row = None
    if sub_id:
        row = db.session.execute(
            select(Subscription).where(Subscription.stripe_subscription_id == sub_id)
        ).scalar_one_or_none()
    if row is None and customer_id:
        row = db.session.execute(
            select(Subscription).where(Subscription.stripe_customer_id == customer_id)
        ).scalar_one_or_none()
    if row is None:
        vendor_id = _vendor_id_from({"metadata": metadata})
        vendor = db.session.get(Vendor, vendor_id) if vendor_id else None
        if vendor is None or customer_id is None:
            return None
        row = _subscription_row(vendor, lock=True)
        if row.stripe_customer_id and row.stripe_customer_id != customer_id:
            return None
        holder = db.session.execute(
            select(Subscription.vendor_id).where(Subscription.stripe_customer_id == customer_id)
        ).scalar_one_or_none()
        if holder is not None and holder != vendor.id:
            return None
        row.stripe_customer_id = customer_id
        return row, vendor
    # Lock the row for the rest of the transaction (PostgreSQL), then read fresh values.
    row = db.session.execute(
        select(Subscription)
        .where(Subscription.id == row.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    vendor = db.session.get(Vendor, row.vendor_id)
    return (row, vendor) if vendor is not None else None


def _on_subscription_event(obj: dict[str, Any], now: datetime) -> None:
    sub_id = _id(obj.get("id"))
    found = _row_for(_id(obj.get("customer")), sub_id, obj.get("metadata") or {})
    if found is None or sub_id is None:
        log.warning("Subscription event for %s matches no vendor; ignored", sub_id)
        return
    sub, vendor = found
    current = None
    if obj.get("status") not in TERMINAL_STATUSES:  # an ended subscription stays ended
        current = _fetch_subscription(sub_id)
    if current is not None:
        apply_subscription_state(sub, vendor, current, now, current=True)
    else:
        apply_subscription_state(sub, vendor, obj, now, current=False)


def _invoice_subscription_id(invoice: dict[str, Any]) -> str | None:
    """invoice.subscription (older API versions) or invoice.parent.subscription_details."""
    direct = _id(invoice.get("subscription"))
    if direct:
        return direct
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    return _id(details.get("subscription"))


def _on_payment_failed(invoice: dict[str, Any], now: datetime) -> None:
    sub_id = _invoice_subscription_id(invoice)
    found = _row_for(_id(invoice.get("customer")), sub_id, {})
    if found is None:
        log.warning("invoice.payment_failed %s matches no vendor; ignored", invoice.get("id"))
        return
    sub, vendor = found
    if sub_id and sub.stripe_subscription_id and sub_id != sub.stripe_subscription_id:
        return  # an invoice of a subscription this vendor no longer uses
    if vendor.plan != "pro" or sub.status in TERMINAL_STATUSES:
        return  # nothing to keep: no grace for a plan that is already free
    _start_grace(sub, vendor, now)


# --------------------------------------------------------------------------------------------
# After the grace period
# --------------------------------------------------------------------------------------------


def expire_grace(now: datetime) -> int:
    """Move vendors whose payment grace period has ended back to Free; returns how many."""
    due = db.session.scalars(
        select(Subscription.id).where(
            Subscription.plan == "pro",
            Subscription.grace_until.is_not(None),
            Subscription.grace_until <= now,
        )
    ).all()
    moved = 0
    for sub_id in due:
        # Conditional UPDATE: a webhook that paid meanwhile (grace cleared) wins the race.
        claimed = db.session.execute(
            update(Subscription)
            .where(
                Subscription.id == sub_id,
                Subscription.plan == "pro",
                Subscription.grace_until <= now,
            )
            .values(plan="free")
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        sub = db.session.get(Subscription, sub_id, populate_existing=True)
        vendor = db.session.get(Vendor, sub.vendor_id) if sub else None
        if sub is None or vendor is None:
            continue
        if _set_plan(
            sub,
            vendor,
            "free",
            "The payment for your Pro plan was not received within the grace period.",
        ):
            moved += 1
    db.session.flush()
    return moved
