"""Pure helpers of the quote workflow: safe links in threads and the cost preview."""

from __future__ import annotations

from decimal import Decimal

from marketplace.quotes.models import QuoteRequest
from marketplace.quotes.pricing import QuoteFigures, preview, price_figures
from marketplace.quotes.threads import linkify


def test_linkify_escapes_everything_and_links_only_http():
    html = str(linkify('<b>hi</b> "x" https://a.example/p?q=1&r=2, javascript:alert(1)\nnext'))
    assert "&lt;b&gt;hi&lt;/b&gt; &#34;x&#34;" in html
    assert (
        '<a href="https://a.example/p?q=1&amp;r=2" rel="nofollow noopener noreferrer" '
        'target="_blank">https://a.example/p?q=1&amp;r=2</a>,'
    ) in html
    assert "javascript:alert(1)<br>\nnext" in html
    assert html.count("<a ") == 1


def test_linkify_leaves_bare_schemes_and_quotes_alone():
    assert str(linkify('see http:// or https://x.test/"onclick="y')) == (
        'see http:// or <a href="https://x.test/" rel="nofollow noopener noreferrer" '
        'target="_blank">https://x.test/</a>&#34;onclick=&#34;y'
    )
    assert str(linkify("")) == "" and str(linkify(None)) == ""


REQUEST = QuoteRequest(currency="USD", quantity=250, contract_months=12)


def test_preview_uses_design_5_monthly_and_total():
    price = preview(
        REQUEST,
        QuoteFigures("per_unit_month", Decimal("12.5"), "USD", setup_fee=Decimal("500")),
        {},
    )
    assert (price.monthly, price.total) == (Decimal("3125.0"), Decimal("38000.0"))


def test_minimum_monthly_fee_and_hourly_pricing():
    prices = price_figures(
        REQUEST,
        {
            "min": QuoteFigures(
                "per_transaction", Decimal("0.01"), "USD", minimum_monthly=Decimal("100")
            ),
            "hourly": QuoteFigures("per_hour", Decimal("20"), "USD", hours_per_month=160),
            "fixed": QuoteFigures("fixed_month", Decimal("999"), "USD"),
        },
        {},
    )
    assert prices["min"].monthly == 100 and prices["min"].minimum_applied
    assert prices["hourly"].total == 20 * 160 * 12
    assert prices["fixed"].total == 999 * 12


def test_other_currencies_convert_and_unknown_ones_are_not_guessed():
    prices = price_figures(
        REQUEST,
        {
            "eur": QuoteFigures("fixed_month", Decimal("1000"), "EUR"),
            "zzz": QuoteFigures("fixed_month", Decimal("1000"), "ZZZ"),
        },
        {"EUR": Decimal("1.10")},
    )
    assert prices["eur"].monthly == Decimal("1100.00") and prices["eur"].converted
    assert prices["zzz"].monthly is None and prices["zzz"].monthly_original == 1000
