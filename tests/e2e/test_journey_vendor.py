"""Journey 5: a vendor signs up, completes its profile with a logo and submits it; an admin
approves it and it appears in search; an admin suspends it and it disappears."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ADMIN, Server, Site, wait_url

pytestmark = pytest.mark.e2e

COMPANY = "Zephyrion Payroll Studio"
EMAIL = "owner@zephyrion.example"
PASSWORD = "zephyrion-pass-2026"


def _logo(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "logo.png"
    Image.new("RGB", (300, 300), (20, 90, 160)).save(path)
    return path


def _search_count(page: object, query: str) -> str:
    page.goto("/search")  # type: ignore[attr-defined]
    page.get_by_role("main").get_by_role("search").get_by_label("Search vendors").fill(query)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.get_by_role("main").get_by_role("search").get_by_role("button", name="Search").click()  # type: ignore[attr-defined]
    return page.locator("#results-heading").inner_text()  # type: ignore[attr-defined]


def test_vendor_signs_up_is_approved_then_suspended(
    site: Site, server: Server, tmp_path: Path
) -> None:
    page = site.new_page()
    page.goto("/register")
    page.get_by_label("List my company as a vendor").check()
    page.get_by_label("Company name").fill(COMPANY)
    page.get_by_label("Your name").fill("Zoe Owner")
    page.get_by_label("Work e-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    page.goto(server.latest_mail_link(EMAIL, "/verify/"))

    page.goto("/vendor/profile")
    site.check(page, "profile-editor-empty")
    details = page.locator("#details-section")
    details.get_by_label("Company name").fill(COMPANY)
    details.get_by_label("Tagline").fill("Zephyrion payroll for 50 to 5,000 employees in Europe")
    details.get_by_label("About your company").fill(
        "We run monthly payroll, payslips and year-end filings for mid-sized employers across "
        "Germany, Austria and Poland, with a named payroll specialist for every client."
    )
    details.get_by_label("Website").fill("https://zephyrion.example")
    details.get_by_label("Country", exact=True).select_option(value="DE")
    details.get_by_label("City").fill("Leipzig")
    details.get_by_label("Year founded").fill("2014")
    with page.expect_navigation():
        details.get_by_role("button", name="Save company details").click()
    expect(page.locator(".flash-error")).to_have_count(0)

    # A service with an indicative price.
    page.get_by_role("link", name="Add a service").click()
    wait_url(page, r"/vendor/")
    category = page.get_by_label("Service category")
    payroll = category.locator("option", has_text=re.compile("payroll", re.I)).first
    category.select_option(value=payroll.get_attribute("value"))
    page.get_by_label("Pricing model").select_option(label="Per unit per month")
    page.get_by_label("Indicative price").fill("9.50")
    site.check(page, "service-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Add service").click()
    wait_url(page, r"/vendor/profile")

    # The logo.
    page.locator("#logo-section").get_by_label("Logo").set_input_files(str(_logo(tmp_path)))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_role("button", name="Remove logo")).to_be_visible()
    site.check(page, "profile-editor-complete")

    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile("pending|waiting for review", re.I)).first).to_be_visible()
    site.assert_clean(page)

    # An admin approves it from the queue.
    admin = site.new_page()
    site.login(admin, ADMIN)
    admin.goto("/admin/queue?tab=vendors")
    site.check(admin, "admin-queue-vendors")
    item = admin.locator("ol.queue > li").filter(
        has=admin.get_by_role("heading", name=re.compile(COMPANY))
    )
    with admin.expect_navigation():
        item.get_by_role("button", name="Approve and publish").click()
    site.assert_clean(admin)

    visitor = site.new_page()
    assert _search_count(visitor, "Zephyrion").startswith("1 vendor")
    visitor.get_by_role("link", name=COMPANY).click()
    wait_url(visitor, r"/v/")
    logo = visitor.locator(".profile-header img").first
    expect(logo).to_be_visible()
    assert visitor.evaluate("img => img.naturalWidth", logo.element_handle()) > 0
    site.check(visitor, "new-vendor-profile")

    # Suspended: it disappears from search.
    admin.goto("/admin/queue")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Vendors").click()
    wait_url(admin, r"/admin/vendors")
    site.check(admin, "admin-vendors")
    admin.goto("/search?q=Zephyrion")
    admin.get_by_role("link", name=COMPANY).click()
    admin.get_by_role("link", name="Moderate this profile").click()
    wait_url(admin, r"/admin/vendors/\d+")
    site.check(admin, "admin-vendor")
    suspend = admin.locator("form").filter(has=admin.get_by_role("button", name="Suspend"))
    suspend.get_by_role("textbox").fill("Payroll licence could not be confirmed.")
    with admin.expect_navigation():
        suspend.get_by_role("button", name="Suspend").click()
    expect(admin.get_by_role("button", name="Reinstate")).to_be_visible()
    site.assert_clean(admin)

    assert _search_count(visitor, "Zephyrion").startswith("0 vendors")
    site.check(visitor, "search-after-suspension")
