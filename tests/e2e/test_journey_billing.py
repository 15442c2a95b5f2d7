"""Journey 6: a vendor upgrades to Pro through Checkout (fake Stripe) and the signed webhook.

It runs its own server, configured for billing against ``tests/fixtures/fake_stripe.py``. The
app answers "Upgrade to Pro" with a 303 to Stripe's hosted Checkout; Playwright plays that page
(the browser cannot reach checkout.stripe.com): Stripe "charges", delivers the signed webhook to
the app over plain HTTP, and redirects the browser back to the success URL, as Checkout does.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.fixtures.fake_stripe import FakeStripe, sign

from .conftest import VENDOR, Server, Site, _require_chromium, start_server, stop_server

pytestmark = pytest.mark.e2e

WEBHOOK_SECRET = "whsec_e2e_webhook_secret"


@pytest.fixture(scope="module")
def stripe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, FakeStripe]]:
    _require_chromium()
    with FakeStripe() as fake:
        srv, proc = start_server(
            tmp_path_factory.mktemp("e2e-billing"),
            {
                "STRIPE_SECRET_KEY": "sk_test_e2e",
                "STRIPE_PRICE_PRO": "price_pro_e2e",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_API_BASE": fake.url,
            },
        )
        try:
            yield srv, fake
        finally:
            stop_server(proc)


def _event(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"evt_e2e_{kind.replace('.', '_')}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }


def _deliver(server: Server, event: dict[str, Any]) -> None:
    body = json.dumps(event)
    req = urllib.request.Request(
        server.base_url + "/billing/webhook",
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(body, WEBHOOK_SECRET),
        },
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200, resp.status


def test_vendor_upgrades_to_pro(browser: Any, stripe_server: tuple[Server, FakeStripe]) -> None:
    server, fake = stripe_server
    site = Site(browser, server, "vendor_upgrades_to_pro")
    try:
        page = site.new_page()
        site.login(page, VENDOR)
        page.goto("/dashboard")
        expect(page.get_by_text(re.compile("on the free plan"))).to_be_visible()

        def stripe_checkout(route: Any) -> None:
            # The app answers the upgrade with a 303 to Stripe's hosted Checkout page; the fake
            # plays that page: the vendor pays, Stripe sends the webhook and redirects back.
            response = route.fetch(max_redirects=0)
            location = response.headers.get("location", "")
            if not location.startswith("https://checkout.stripe.com/"):
                route.fulfill(response=response)
                return
            session_id = location.rstrip("/").rsplit("/", 1)[1]
            session = fake.sessions[session_id]
            params = next(
                r.params
                for r in fake.calls("POST", "/v1/checkout/sessions")
                if r.params.get("customer") == session["customer"]
            )
            vendor_id = session["client_reference_id"] or session["metadata"].get("vendor_id")
            sub = {
                "id": "sub_e2e",
                "object": "subscription",
                "customer": session["customer"],
                "status": "active",
                "metadata": {"vendor_id": str(vendor_id)},
                "items": {
                    "object": "list",
                    "data": [{"id": "si_1", "current_period_end": 1_900_000_000}],
                },
            }
            fake.subscriptions["sub_e2e"] = {
                k: v for k, v in sub.items() if k not in ("id", "object")
            }
            completed = {
                "id": session_id,
                "object": "checkout.session",
                "mode": "subscription",
                "status": "complete",
                "payment_status": "paid",
                "client_reference_id": str(vendor_id),
                "metadata": {"vendor_id": str(vendor_id)},
                "customer": session["customer"],
                "subscription": "sub_e2e",
            }
            _deliver(server, _event("checkout.session.completed", completed))
            _deliver(server, _event("customer.subscription.created", sub))
            route.fulfill(status=303, headers={"Location": params["success_url"]})

        page.context.route("**/billing/upgrade", stripe_checkout)

        page.goto("/billing")
        site.check(page, "billing-free")
        with page.expect_navigation(url=re.compile(r"/billing\?checkout=success")):
            page.get_by_role("button", name="Upgrade to Pro").click()
        site.check(page, "billing-pro")

        page.goto("/dashboard")
        expect(page.locator(".pill-pro", has_text="Pro").first).to_be_visible()
        expect(page.get_by_text("Quotes this month (Pro plan)")).to_be_visible()
        expect(page.get_by_text(re.compile("on the free plan"))).to_have_count(0)
        site.check(page, "dashboard-pro")
        page.goto("/leads")
        expect(page.get_by_text(re.compile(r"Free plan: \d+ of \d+ quotes"))).to_have_count(0)
        site.assert_clean(page)
    finally:
        site.close()
