"""Journey 1: a visitor searches with a typo, filters, opens a profile, shortlists two vendors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Site, focus_is_visible

pytestmark = pytest.mark.e2e


def tab_to(page: Any, locator: Any, max_presses: int = 120) -> None:
    """Press Tab until ``locator`` has the focus (keyboard-only navigation)."""
    handle = locator.element_handle()
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate("e => document.activeElement === e", handle):
            return
    raise AssertionError(f"could not reach {locator} with Tab")


def test_visitor_search_filter_shortlist(site: Site) -> None:
    page = site.new_page()
    page.goto("/")
    site.check(page, "home")

    # Search with a typo from the header search box.
    hero = page.get_by_role("main").get_by_role("search")
    hero.get_by_label(re.compile(r"^Search \d+ vendors")).fill("payrol")
    hero.get_by_role("button", name=re.compile(r"^Search")).click()
    page.wait_for_url(re.compile(r"/search"))
    site.check(page, "search-typo")

    page.locator(".did-you-mean").get_by_role("link", name="payroll").click()
    page.wait_for_url(re.compile(r"q=payroll"))
    expect_results(page)
    site.check(page, "search-payroll")

    # Filter by a country, then by a certification facet.
    country = page.get_by_role("region", name="Country").get_by_role("link").first
    country.click()
    page.wait_for_url(re.compile(r"country="))
    cert = page.get_by_role("region", name="Certification").get_by_role("link").first
    cert.click()
    page.wait_for_url(re.compile(r"cert="))
    expect_results(page)
    site.check(page, "search-filtered")
    filtered_url = page.url

    # Open the first profile and shortlist it, keyboard only.
    results = page.locator(".search-result h3 a")
    first_name = results.nth(0).inner_text().strip()
    results.nth(0).click()
    page.wait_for_url(re.compile(r"/v/"))
    site.check(page, "profile")
    add = page.get_by_role("button", name=re.compile(r"to shortlist$"))
    tab_to(page, add)
    assert focus_is_visible(page), "the focused shortlist button shows no focus indicator"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile(r"On your shortlist"))).to_be_visible()

    # Back to the results, add a second vendor with the mouse.
    page.goto(filtered_url)
    results = page.locator(".search-result h3 a")
    if results.count() < 2:  # filters too narrow: use the unfiltered payroll results
        page.goto("/search?q=payroll")
        results = page.locator(".search-result h3 a")
    second = next(
        i for i in range(results.count()) if results.nth(i).inner_text().strip() != first_name
    )
    second_name = results.nth(second).inner_text().strip()
    results.nth(second).click()
    page.wait_for_url(re.compile(r"/v/"))
    page.get_by_role("button", name=re.compile(r"to shortlist$")).click()
    expect(page.get_by_role("button", name=re.compile(r"On your shortlist"))).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Shortlist")
    ).click()
    page.wait_for_url(re.compile(r"/shortlist"))
    body = page.locator("main").inner_text()
    assert first_name in body and second_name in body
    site.check(page, "shortlist")


def expect_results(page: Any) -> None:
    count = page.locator("#results-heading").inner_text()
    assert not count.startswith("0 "), f"no results: {count}"
