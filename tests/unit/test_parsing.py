"""The one set of input parsers (DESIGN 11)."""

from decimal import Decimal

import pytest

from marketplace.parsing import (
    ParseError,
    clean_text,
    parse_currency,
    parse_email,
    parse_int,
    parse_money,
    safe_url,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", Decimal("0")),
        ("12.5", Decimal("12.5")),
        ("1250.00", Decimal("1250.00")),
        (" 7 ", Decimal("7")),
        (42, Decimal("42")),
        (Decimal("3.10"), Decimal("3.10")),
    ],
)
def test_money_accepts_plain_ascii_amounts(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "-1",
        "-0.01",
        "1e3",
        "NaN",
        "Infinity",
        "1,000",
        "\uff11\uff12",
        "\u0661\u0662",
        "12.345",
        "1.2.3",
        ".5",
        "5.",
        "+5",
        "0x10",
        "12 00",
        None,
        True,
        1.5,
        [],
        "9" * 20,
    ],
)
def test_money_refuses_everything_else(raw):
    with pytest.raises(ParseError):
        parse_money(raw)


def test_money_refuses_values_above_the_bound_and_zero_when_asked():
    with pytest.raises(ParseError, match="too large"):
        parse_money("1000000000001")
    with pytest.raises(ParseError, match="greater than zero"):
        parse_money("0", allow_zero=False)


def test_money_allows_more_places_for_unit_prices():
    assert parse_money("0.0350", places=4) == Decimal("0.0350")


def test_integers_are_bounded_and_booleans_are_not_numbers():
    assert parse_int("250", min_value=1) == 250
    for bad in (True, 1.0, "2.5", "", "1e3", "٣", None):
        with pytest.raises(ParseError):
            parse_int(bad)
    with pytest.raises(ParseError, match="at least 1"):
        parse_int("0", min_value=1)
    with pytest.raises(ParseError, match="at most"):
        parse_int(str(2**31))


def test_text_is_normalised_stripped_of_controls_and_bounded():
    assert clean_text("  Cafe\u0301\x00  ", max_length=10) == "Café"
    assert clean_text("a\r\nb", max_length=10) == "a b"
    assert clean_text("a\r\nb", max_length=10, multiline=True) == "a\nb"
    assert clean_text("x\ud800y", max_length=10) == "xy"
    assert clean_text("<script>", max_length=10) == "<script>"  # escaping is the template's job
    with pytest.raises(ParseError, match="under 5"):
        clean_text("123456", max_length=5)


def test_currency_must_be_known():
    assert parse_currency("eur", {"EUR", "USD"}) == "EUR"
    for bad in ("EURO", "€", "XXX", 5, ""):
        with pytest.raises(ParseError):
            parse_currency(bad, {"EUR", "USD"})


def test_email_is_validated_and_never_carries_header_breaks():
    assert parse_email("Ana@Example.COM") == "Ana@example.com"
    for bad in ("ana", "ana@example.com\r\nBcc: x@y.z", "", "a" * 300 + "@x.com", None):
        with pytest.raises(ParseError):
            parse_email(bad)


def test_links_from_users_are_http_only():
    assert safe_url("https://acme.example") == "https://acme.example"
    assert safe_url("") == ""
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.y"):
        with pytest.raises(ParseError):
            safe_url(bad)
