"""Pure directory helpers: labels shown on cards and profiles, paging, sort and shortlist input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.directory import services
from marketplace.directory.models import Vendor


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (None, ""),
        (Decimal("0.4"), "usually answers within an hour"),
        (Decimal("3.2"), "usually answers in ~3 h"),
        (Decimal("23.6"), "usually answers in ~24 h"),
        (Decimal("50"), "usually answers in ~2 days"),
    ],
)
def test_response_time_in_words(hours, label):
    assert services.response_time_label(hours) == label


@pytest.mark.parametrize(
    ("low", "high", "currency", "label"),
    [
        ("15", "25.50", "USD", "$15\u2013$25.50 per hour"),
        ("20", "20", "EUR", "€20 per hour"),
        ("12.5", None, "PLN", "From PLN 12.50 per hour"),
        (None, "900", "PHP", "Up to ₱900 per hour"),
        (None, None, "USD", ""),
    ],
)
def test_hourly_rate_label(low, high, currency, label):
    vendor = Vendor(
        hourly_rate_min=low and Decimal(low),
        hourly_rate_max=high and Decimal(high),
        rate_currency=currency,
    )
    assert services.hourly_rate_label(vendor) == label


def test_prices_keep_the_decimals_they_need():
    assert services.price_label(Decimal("0.0350"), "USD") == "$0.035"
    assert services.price_label(Decimal("1200.0000"), "GBP") == "£1,200.00"
    assert services.price_label(None, "USD") == "\u2014"
    assert services.plain_amount(Decimal("8.5000")) == "8.50"
    assert services.plain_amount(Decimal("0.0125")) == "0.0125"
    assert services.plain_amount(None) == ""


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Acme Payroll Ltd", "AP"),
        ("data-entry.io", "DE"),
        ("株式会社 テスト", "株テ"),
        ("  ", "?"),
        ("& Co", "C"),
    ],
)
def test_logo_placeholder_initials(name, letters):
    assert services.initials(name) == letters


def test_page_numbers_with_gaps():
    def pages(page: int, total: int) -> list[int | None]:
        return list(services.Page(items=[], page=page, per_page=20, total=total).iter_pages())

    assert pages(1, 0) == [1]
    assert pages(1, 60) == [1, 2, 3]
    assert pages(1, 400) == [1, 2, 3, None, 20]
    assert pages(20, 400) == [1, None, 18, 19, 20]
    page = services.Page(items=[], page=2, per_page=20, total=45)
    assert (page.pages, page.has_prev, page.has_next, page.first_index, page.last_index) == (
        3,
        True,
        True,
        21,
        40,
    )


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        ("3", 3),
        (None, 1),
        ("0", 1),
        ("-2", 1),
        ("abc", 1),
        ("1e2", 1),
        ("\uff13", 1),
        ("99999999999", 1),
    ],
)
def test_page_parameter(raw, page):
    assert services.parse_page(raw) == page


@pytest.mark.parametrize(
    ("raw", "sort"),
    [
        ("rate", "rate"),
        ("name", "name"),
        ("reviews", "reviews"),
        (None, "rating"),
        ("rating_avg desc", "rating"),
        ("", "rating"),
        (["name"], "rating"),
    ],
)
def test_sort_comes_from_the_allowlist(raw, sort):
    assert services.parse_sort(raw) == sort


def test_session_shortlist_is_sanitised():
    assert services.clean_session_shortlist(None) == []
    assert services.clean_session_shortlist("1,2") == []
    assert services.clean_session_shortlist([3, 3, "4", False, 0, 5.0, 6]) == [3, 6]
    assert services.clean_session_shortlist(list(range(1, 40))) == list(range(1, 21))


def test_country_names_and_languages():
    assert services.country_name("PH") == "Philippines"
    assert services.country_name("tw") == "Taiwan"
    assert services.country_name("ZZ") == "ZZ" and services.country_name("") == ""
    assert services.is_country("IN") and not services.is_country("in")
    assert services.parse_languages(["Spanish", "English", "Spanish"]) == ("English", "Spanish")
    with pytest.raises(services.ParseError):
        services.parse_languages(["english"])
    # A language outside the list that the profile already has survives a save.
    assert services.parse_languages(["Quechua", "English"], current=["Quechua"]) == (
        "English",
        "Quechua",
    )
