"""Dashboards show figures computed from seeded data: admin trends, vendor numbers, buyer savings.

The figures are computed on both databases; the pages that show them are checked on SQLite.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from marketplace.accounts.dashboards import buyer_savings, vendor_stats
from marketplace.admin import services
from marketplace.admin.charts import bar_chart, hbar_chart
from marketplace.admin.stats import admin_stats
from marketplace.clock import utcnow
from marketplace.directory.models import VendorDailyStat
from marketplace.extensions import db
from marketplace.quotes.models import QuoteAllowanceUsage
from marketplace.rates.models import ExchangeRate
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import (
    add_quote,
    create_awarded_request,
    create_request,
    create_review,
    invite,
    ref,
)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday: this week began on 23 November


def seed_marketplace(now: datetime) -> dict[str, object]:
    """Two weeks of activity: vendors joining, requests opening, quotes, awards, a backlog."""
    buyer = create_user("buyer")
    vendors = [create_vendor(created_at=now - timedelta(days=1)) for _ in range(2)]
    vendors.append(create_vendor(created_at=now - timedelta(days=15)))
    create_vendor(created_at=now - timedelta(weeks=30))  # outside the window
    for _ in range(2):
        create_vendor(status="pending", created_at=now - timedelta(weeks=30))
    # This week: awarded with 3 quotes, first after 4 h.
    first = create_awarded_request(
        buyer,
        vendors[0],
        vendors[1:3],
        published_at=now - timedelta(days=2),
        quoted_after=timedelta(hours=4),
        awarded_at=now - timedelta(days=1),
    )
    # Last week: closed with 1 quote after 10 h.
    closed = create_request(
        buyer,
        status="closed",
        category="data-entry",
        published_at=now - timedelta(days=9),
        quotes_due_at=now - timedelta(days=3),
    )
    add_quote(invite(closed, vendors[0]), created_at=closed.published_at + timedelta(hours=10))
    # This week, still open (quoting not over): 1 quote after 2 h.
    open_request = create_request(
        buyer,
        status="open",
        published_at=now - timedelta(days=1),
        quotes_due_at=now + timedelta(days=5),
    )
    add_quote(
        invite(open_request, vendors[1]), created_at=open_request.published_at + timedelta(hours=2)
    )
    create_review(first)  # pending
    services.flag_target(create_user("buyer"), vendors[0], "Looks like a copied profile.", now)
    return {"buyer": buyer}


def test_admin_stats_count_and_bucket_by_week(ctx):
    seed_marketplace(NOW)
    stats = admin_stats(NOW)

    assert stats.weeks[-1] == "23 Nov" and stats.weeks[-2] == "16 Nov" and len(stats.weeks) == 12
    assert stats.pending == {"vendors": 2, "reviews": 1, "flags": 1, "certifications": 0}
    assert stats.new_vendors[-3:] == [1, 0, 2]
    assert sum(stats.new_vendors) == 3
    assert stats.requests_opened[-2:] == [1, 2]
    assert stats.requests_awarded[-2:] == [0, 1]
    assert stats.first_quote_hours[-2:] == [Decimal("10.0"), Decimal("3.0")]  # median of 4, 2
    assert stats.first_quote_median == Decimal("4.0")  # of 4, 10, 2
    # quoting has ended for the awarded (3 quotes) and the closed (1 quote) request
    assert stats.three_quote_share[-2:] == [Decimal("0.0"), Decimal("100.0")]
    assert stats.three_quote_share_all == Decimal("50.0")
    assert stats.top_categories == [("Payroll", 2), ("Data Entry", 1)]
    assert stats.first_quote_hours[0] is None  # a week without requests has no median


def test_admin_dashboard_page_shows_the_figures_as_svg_charts(sqlite_app):
    app, client = sqlite_app, sqlite_app.test_client()
    with app.app_context():
        seed_marketplace(utcnow())
        admin = ref(create_user("admin"))
        db.session.commit()
    login(client, admin)
    page = client.get("/dashboard").get_data(as_text=True)

    assert re.search(
        r'stat-value">2</span><span class="stat-label"><a href="/admin/queue\?tab='
        r'vendors">Profiles waiting',
        page,
    )
    assert "4.0 h" in page  # median time to first quote
    assert "50.0 %" in page  # share of requests with at least 3 quotes
    assert page.count('role="img"') == 5
    for title in (
        "New vendors per week",
        "Requests opened and awarded per week",
        "Median hours to first quote",
        "at least 3 quotes",
        "Top categories",
    ):
        assert title in page
    assert "Payroll: 2 requests; Data Entry: 1 request" in page
    assert "style=" not in page


def test_vendor_figures(ctx):
    now = utcnow()
    vendor = create_vendor(plan="free")
    rival = create_vendor()
    buyer = create_user("buyer")
    for days, views, appearances in ((1, 10, 40), (5, 5, 20), (40, 100, 400)):
        db.session.add(
            VendorDailyStat(
                vendor_id=vendor.id,
                day=(now - timedelta(days=days)).date(),
                profile_views=views,
                search_appearances=appearances,
            )
        )
    won = create_awarded_request(buyer, vendor, published_at=now - timedelta(days=6))
    lost = create_awarded_request(buyer, rival, [vendor], published_at=now - timedelta(days=5))
    pending = invite(create_request(buyer, published_at=now - timedelta(days=2)), vendor)
    responses = {won: 2, lost: 4}
    for request, hours in responses.items():
        for inv in request.invitations:
            inv.responded_at = inv.invited_at + timedelta(
                hours=hours if inv.vendor_id == vendor.id else 10
            )
    db.session.add(QuoteAllowanceUsage(vendor_id=vendor.id, month=now.strftime("%Y-%m"), used=2))
    db.session.flush()

    stats = vendor_stats(vendor, now, free_quotes=5)

    assert (stats.profile_views, stats.search_appearances) == (15, 60)
    assert (stats.invitations, stats.invitations_total) == (3, 3)
    assert (stats.quotes_sent, stats.quotes_sent_total) == (2, 2)
    assert (stats.won, stats.decided, stats.win_rate) == (1, 2, Decimal("50"))
    assert [(r.category, r.own_hours, r.category_hours) for r in stats.responses] == [
        ("Payroll", Decimal("3.0"), Decimal("4.0"))
    ]  # own 2 and 4 h; everyone 2, 4 and 10 h
    assert (stats.allowance_limit, stats.allowance_left) == (5, 3)
    assert pending.status == "invited"

    vendor.plan = "pro"
    assert vendor_stats(vendor, now, free_quotes=5).allowance_left is None


def test_vendor_dashboard_page(sqlite_app):
    app, client = sqlite_app, sqlite_app.test_client()
    with app.app_context():
        vendor = create_vendor(plan="free")
        db.session.add(
            VendorDailyStat(
                vendor_id=vendor.id, day=utcnow().date(), profile_views=7, search_appearances=31
            )
        )
        owner = ref(vendor.owner)
        db.session.commit()
    login(client, owner)
    page = client.get("/dashboard").get_data(as_text=True)
    # Free plan: the pipeline figures and the allowance, with an offer for the analytics.
    assert "Quotes left this month, of 5 on the free plan" in page
    assert 'stat-value">5</span>' in page
    assert 'stat-value">7</span>' not in page and "See how buyers find you" in page
    assert "style=" not in page


def test_pro_vendors_get_the_visibility_analytics(sqlite_app):
    app, client = sqlite_app, sqlite_app.test_client()
    with app.app_context():
        vendor = create_vendor(plan="pro")
        db.session.add(
            VendorDailyStat(
                vendor_id=vendor.id, day=utcnow().date(), profile_views=7, search_appearances=31
            )
        )
        owner = ref(vendor.owner)
        db.session.commit()
    login(client, owner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'stat-value">7</span>' in page and 'stat-value">31</span>' in page
    assert 'role="img"' in page and "style=" not in page
    assert "See how buyers find you" not in page


def test_buyer_savings_use_total_contract_cost_and_exchange_rates(ctx):
    buyer = create_user("buyer")
    db.session.add(ExchangeRate(currency="EUR", usd_per=Decimal("1.10"), as_of=date(2026, 11, 1)))
    # 100 employees x $50 = $5,000 a month, +$1,000 setup, 12 months = $61,000 vs $120,000.
    create_awarded_request(
        buyer,
        create_vendor("Alpha"),
        quantity=100,
        contract_months=12,
        in_house_monthly_cost="10000",
        quote={"unit_price": "50.00", "setup_fee": "1000.00"},
    )
    # Fixed EUR 1,000 a month for 6 months = EUR 6,000 = $6,600 vs $12,000 in-house.
    create_awarded_request(
        buyer,
        create_vendor("Beta"),
        quantity=1,
        contract_months=6,
        in_house_monthly_cost="2000",
        quote={"pricing_model": "fixed_month", "unit_price": "1000.00", "currency": "EUR"},
    )
    # No in-house cost given: nothing to compare against.
    create_awarded_request(buyer, create_vendor("Gamma"))
    # Hourly with a minimum: 40 h x $20 = $800, raised to the $1,000 minimum, 3 months.
    create_awarded_request(
        buyer,
        create_vendor("Delta"),
        quantity=1,
        contract_months=3,
        in_house_monthly_cost="1500",
        quote={
            "pricing_model": "per_hour",
            "unit_price": "20.00",
            "hours_per_month": 40,
            "minimum_monthly": "1000.00",
        },
    )

    summary = buyer_savings(buyer)

    by_vendor = {row.vendor_name: row for row in summary.rows}
    assert set(by_vendor) == {"Alpha", "Beta", "Delta"}
    assert by_vendor["Alpha"].contract_total == Decimal("61000.00")
    assert by_vendor["Alpha"].savings == Decimal("59000.00")
    assert by_vendor["Beta"].contract_total == Decimal("6600")
    assert by_vendor["Beta"].savings == Decimal("5400")
    assert by_vendor["Delta"].savings == Decimal("1500")  # 4,500 - 3,000
    assert summary.currency == "USD"
    assert summary.total == Decimal("65900")


def test_buyer_dashboard_page(sqlite_app):
    app, client = sqlite_app, sqlite_app.test_client()
    with app.app_context():
        buyer = create_user("buyer")
        create_awarded_request(
            buyer,
            create_vendor("Alpha Payroll"),
            quantity=100,
            contract_months=12,
            in_house_monthly_cost="10000",
            quote={"unit_price": "50.00", "setup_fee": "1000.00"},
        )
        create_request(buyer, status="open")
        create_request(buyer, status="draft")
        user = ref(buyer)
        db.session.commit()
    login(client, user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "$59,000.00</strong> saved" in page
    assert "$61,000.00" in page and "$120,000.00" in page
    assert "49.2 %" in page
    for state, n in (("Draft", 1), ("Open", 1), ("Awarded", 1), ("Closed", 0)):
        assert f'stat-value">{n}</span><span class="stat-label">{state}' in page


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart("Weekly <things>", ["1 Nov", "8 Nov"], [("A & B", [3, None]), ("C", [1, 2])]),
        hbar_chart("Top <cats>", [("Payroll & HR", 4), ("IT", 1)], unit="requests"),
    ],
)
def test_charts_are_accessible_inline_svg_without_inline_styles(chart):
    svg = str(chart)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert re.search(r'<title id="[^"]+">[^<]+</title>', svg)
    assert re.search(r'<desc id="[^"]+">[^<]+</desc>', svg)
    assert "&lt;" in svg and "&amp;" in svg and "<things>" not in svg and "<cats>" not in svg
    assert "style=" not in svg and "<script" not in svg
    assert 'fill="#' in svg  # presentation attributes, allowed by the CSP
