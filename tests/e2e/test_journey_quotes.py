"""Journeys 2 and 3: a buyer posts a request and invites vendors; vendors ask and quote.

The tests in this module run in order and share the request through ``STATE``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Server, Site, wait_url

pytestmark = pytest.mark.e2e

STATE: dict[str, Any] = {}
BUYER_EMAIL = "e2e.buyer@example.com"
BUYER_PASSWORD = "correct-horse-battery-9"


def test_buyer_signs_up_posts_request_and_invites(site: Site, server: Server) -> None:
    page = site.new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join free").click()
    wait_url(page, r"/register")
    site.check(page, "register")
    page.get_by_label("Find and compare vendors").check()
    page.get_by_label("Company name").fill("Acme Widgets GmbH")
    page.get_by_label("Your name").fill("Erika Buyer")
    page.get_by_label("Work e-mail").fill(BUYER_EMAIL)
    page.get_by_label("Password").fill(BUYER_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(lambda url: "/register" not in url)
    expect(page.get_by_text("Please confirm your e-mail address")).to_be_visible()

    # The verification link from the outbox, opened like a click in the mail.
    link = server.latest_mail_link(BUYER_EMAIL, "/verify/")
    page.goto(link)
    expect(page.get_by_text("Please confirm your e-mail address")).to_have_count(0)
    site.check(page, "verified-dashboard")

    # Post a payroll request with the in-house cost.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Post a request").click()
    wait_url(page, r"/requests/new")
    site.check(page, "request-form")
    service = page.get_by_label("Service", exact=True)
    payroll = service.locator("option", has_text=re.compile("payroll", re.I)).first
    service.select_option(value=payroll.get_attribute("value"))
    page.get_by_label("Title", exact=True).fill("Monthly payroll for 250 employees in Germany")
    page.get_by_label("What you need").fill(
        "Gross-to-net payroll, payslips and year-end filings for 250 employees, DATEV export."
    )
    page.get_by_label("Quantity", exact=True).fill("250")
    page.get_by_label("Contract length (months)").fill("12")
    page.get_by_label("Monthly budget").fill("4000")
    page.get_by_label("What it costs you in-house today, per month").fill("9000")
    due = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Quotes due (UTC)").fill(due)
    page.get_by_role("button", name="Publish and invite").click()
    # Publishing leads straight to "Get matched".
    wait_url(page, r"/requests/\d+/match$")
    expect(page.get_by_text("Your request is open")).to_be_visible()
    STATE["request_id"] = int(page.url.rsplit("/", 2)[1])
    site.check(page, "match")
    boxes = page.locator("ol.recommendations input[type=checkbox]:not([disabled])")
    assert boxes.count() >= 3
    names = []
    for i in range(3):
        item = page.locator("ol.recommendations li").nth(i)
        names.append(item.locator("strong").first.inner_text().strip())
        item.get_by_role("checkbox").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Invite the checked vendors").click()
    if page.url.endswith("/match"):
        page.get_by_role("link", name=re.compile("Monthly payroll for 250")).first.click()
        wait_url(page, r"/requests/\d+$")
    body = page.locator("main").inner_text()
    for name in names:
        assert name in body, f"{name} is not listed as invited"
    STATE["invited"] = names
    site.check(page, "request-invited")


QUOTES = [
    # (pricing model label, unit price, currency, hours per month)
    ("Per unit per month", "12.50", "USD", ""),
    ("Fixed monthly fee", "3200", "EUR", ""),
    ("Per hour", "35", "GBP", "120"),
]


def test_vendors_ask_and_quote(site: Site, server: Server) -> None:
    if "invited" not in STATE:
        pytest.skip("needs the request from the previous journey")
    request_title = "Monthly payroll for 250 employees in Germany"
    buyer = site.new_page()
    site.login(buyer, BUYER_EMAIL, BUYER_PASSWORD)
    STATE["vendor_emails"] = []
    for i, (vendor_name, (model, price, currency, hours)) in enumerate(
        zip(STATE["invited"], QUOTES, strict=True)
    ):
        first = i == 0
        # Test data only: who owns the demo vendor (all demo users share one password).
        ((email,),) = server.query(
            "SELECT u.email FROM vendors v JOIN users u ON u.id = v.owner_id WHERE v.name = ?",
            (vendor_name,),
        )
        STATE["vendor_emails"].append(email)
        page = site.new_page()
        site.login(page, email)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=re.compile("^Leads")
        ).click()
        wait_url(page, r"/leads$")
        if first:
            site.check(page, "leads")
        page.get_by_role("link", name=request_title).click()
        wait_url(page, r"/leads/\d+$")
        lead_url = page.url
        if first:
            site.check(page, "lead")

        # A question in the thread; the buyer answers it.
        question = f"Do you need the DATEV export format ({vendor_name})?"
        thread = page.locator("#thread")
        thread.get_by_role("textbox", name="Message").fill(question)
        with page.expect_navigation():
            thread.get_by_role("button", name=re.compile("^Send")).click()
        expect(page.get_by_text(question)).to_be_visible()

        buyer.goto(f"/requests/{STATE['request_id']}")
        buyer.get_by_role("link", name=f"Messages with {vendor_name}").click()
        wait_url(buyer, r"/messages|/thread|/requests/\d+/")
        expect(buyer.get_by_text(question)).to_be_visible()
        answer = f"Yes, DATEV ASCII please. Thanks, {vendor_name}."
        buyer.get_by_role("textbox", name="Message").fill(answer)
        with buyer.expect_navigation():
            buyer.get_by_role("button", name=re.compile("^Send")).click()
        expect(buyer.get_by_text(answer)).to_be_visible()
        if first:
            site.check(buyer, "buyer-thread")

        # The vendor reads the answer and quotes.
        page.goto(lead_url)
        expect(page.get_by_text(answer)).to_be_visible()
        quote = page.locator("#quote")
        quote.get_by_label("Pricing model").select_option(label=model)
        quote.get_by_label("Unit price").fill(price)
        quote.get_by_label("Currency").select_option(value=currency)
        if hours:
            quote.get_by_label("Hours per month").fill(hours)
        quote.get_by_label("SLA: turnaround (hours)").fill(str(24 * (i + 1)))
        quote.get_by_label("SLA: accuracy (%)").fill("99.5")
        quote.get_by_label("Notes for the buyer").fill("Includes payslips and year-end filings.")
        if first:
            with page.expect_navigation():
                quote.get_by_role("button", name="Preview the cost").click()
            expect(page.get_by_role("heading", name="What the buyer will see")).to_be_visible()
            site.check(page, "quote-preview")
            quote = page.locator("#quote")
        with page.expect_navigation():
            quote.get_by_role("button", name="Send quote").click()
        expect(
            page.get_by_role("heading", name=re.compile(r"Your quote \(version 1\)"))
        ).to_be_visible()
        if first:
            site.check(page, "quote-sent")
            # One vendor revises its quote.
            quote = page.locator("#quote")
            quote.get_by_label("Unit price").fill("11.75")
            with page.expect_navigation():
                quote.get_by_role("button", name="Send revised quote").click()
            expect(
                page.get_by_role("heading", name=re.compile(r"Your quote \(version 2\)"))
            ).to_be_visible()
            expect(page.get_by_role("heading", name="Earlier versions")).to_be_visible()
            site.check(page, "quote-revised")
        site.assert_clean(page)
    site.assert_clean(buyer)


def test_buyer_compares_awards_and_reviews(site: Site, server: Server) -> None:
    if "vendor_emails" not in STATE:
        pytest.skip("needs the quotes from the previous journey")
    from .conftest import ADMIN

    request_id = STATE["request_id"]
    buyer = site.new_page()
    site.login(buyer, BUYER_EMAIL, BUYER_PASSWORD)
    buyer.goto(f"/requests/{request_id}")
    buyer.get_by_role("link", name=re.compile("compare", re.I)).first.click()
    wait_url(buyer, r"/compare")
    expect(buyer.get_by_role("heading", name="Why this order")).to_be_visible()
    site.check(buyer, "compare")

    # Change the weights: price only matters now, then re-rank and read the explanation.
    weights = buyer.get_by_role("region", name="What matters to you")
    for label, value in (("Price", "100"), ("Quality", "0")):
        weights.get_by_role("slider", name=re.compile(f"^{label}")).fill(value)
    with buyer.expect_navigation():
        weights.get_by_role("button", name="Re-rank").click()
    assert "w_price=100" in buyer.url
    explanation = buyer.get_by_role("region", name="Why this order").locator("p.lead").inner_text()
    assert explanation.strip(), "the comparison explains its order"
    site.check(buyer, "compare-reweighted")

    # Download the CSV.
    with buyer.expect_download() as download_info:
        buyer.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    csv_text = Path(download.path()).read_text(encoding="utf-8-sig")
    for name in STATE["invited"]:
        assert name in csv_text, f"{name} missing from the CSV"

    # Award the first vendor's quote from the request page.
    winner = STATE["invited"][0]
    ((slug, reviews_before),) = server.query(
        "SELECT slug, review_count FROM vendors WHERE name = ?", (winner,)
    )
    buyer.goto(f"/requests/{request_id}")
    buyer.get_by_role("link", name=f"Award to {winner}…").click()
    wait_url(buyer, r"/award")
    site.check(buyer, "award-confirm")
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=f"Yes, award to {winner}").click()
    expect(buyer.get_by_text(re.compile(r"^Awarded "))).to_be_visible()
    site.check(buyer, "request-awarded")

    # The winner and the losers see the outcome on their leads.
    title = "Monthly payroll for 250 employees in Germany"
    for email, outcome in zip(
        STATE["vendor_emails"],
        ["You won this request", "Awarded to another vendor", "Awarded to another vendor"],
        strict=True,
    ):
        vendor = site.new_page()
        site.login(vendor, email)
        vendor.goto("/leads")
        vendor.get_by_role("link", name=title).click()
        expect(vendor.get_by_role("heading", name=outcome)).to_be_visible()
        if outcome.startswith("You won"):
            site.check(vendor, "lead-won")
        else:
            site.assert_clean(vendor)
        vendor.context.close()

    # The buyer reviews the winner from the dashboard.
    buyer.goto("/dashboard")
    buyer.get_by_role("link", name="Review the vendor").first.click()
    wait_url(buyer, r"/reviews/new/\d+")
    site.check(buyer, "review-form")
    for group in (
        "Overall",
        "Quality of the work",
        "Communication",
        "Value for money",
        "Timeliness",
    ):
        buyer.get_by_role("group", name=group).get_by_label("5 stars").check()
    buyer.get_by_label("Headline (optional)").fill("Accurate payroll from month one")
    buyer.get_by_label("Your review").fill(
        "They took over our payroll for 250 employees without a single error, answered every "
        "question within a day and delivered the DATEV export exactly as agreed. We would hire "
        "them again."
    )
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="Submit the review").click()
    site.check(buyer, "review-submitted")

    # An admin publishes it.
    admin = site.new_page()
    site.login(admin, ADMIN)
    admin.goto("/admin/queue")
    admin.get_by_role("navigation", name="Queue sections").get_by_role(
        "link", name=re.compile("^Reviews")
    ).click()
    wait_url(admin, r"tab=reviews")
    site.check(admin, "admin-queue-reviews")
    item = admin.locator("ol.queue > li").filter(
        has=admin.get_by_role("heading", name=re.compile("Accurate payroll from month one"))
    )
    with admin.expect_navigation():
        item.get_by_role("button", name="Publish").click()
    site.assert_clean(admin)

    # The review shows on the profile, with the rating.
    buyer.goto("/search?q=" + winner.replace(" ", "+"))
    buyer.get_by_role("link", name=winner).first.click()
    wait_url(buyer, r"/v/")
    reviews = buyer.locator("#reviews")
    expect(reviews.get_by_text("Accurate payroll from month one")).to_be_visible()
    n = reviews_before + 1
    expect(buyer.locator(".profile-header .rating")).to_contain_text(
        f"({n} review{'s' if n != 1 else ''})"
    )
    del slug
    site.check(buyer, "profile-reviewed")
