"""The /search page and autocomplete over HTTP."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.search.services import enqueue_vendor, sync_all
from tests.fixtures.factories import create_vendor


@pytest.fixture
def corpus(ctx):
    for name, country, desc, category in [
        ("Manila Payroll Partners", "PH", "Payroll processing for mid-size companies", "payroll"),
        ("Bangalore Books", "IN", "Bookkeeping & <b>accounting</b>", "finance-accounting"),
        ("Warsaw Helpdesk", "PL", "IT helpdesk and support", "it-services"),
    ]:
        vendor = create_vendor(name=name, country=country, description=desc, categories=(category,))
        enqueue_vendor(vendor.id)
    db.session.commit()
    sync_all()


def test_search_page_shows_hits_facets_and_highlights(client, corpus):
    page = client.get("/search?q=payroll").get_data(as_text=True)
    assert "Manila Payroll Partners" in page
    assert "<mark>" in page
    assert "Warsaw Helpdesk" not in page
    assert "1 vendor" in page


def test_html_in_descriptions_is_escaped_in_snippets(client, corpus):
    page = client.get("/search?q=bookkeeping").get_data(as_text=True)
    assert "<b>accounting</b>" not in page


def test_did_you_mean_links_to_the_corrected_query(client, corpus):
    page = client.get("/search?q=helpdsek").get_data(as_text=True)
    assert "Did you mean" in page


@pytest.mark.parametrize(
    "query",
    [
        "name:*",
        "(((",
        "rate:[a TO",
        '"unterminated',
        "a" * 5000,
        "\u0000",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_never_answer_500(client, corpus, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.data


@pytest.mark.parametrize(
    "args",
    [
        {"page": "-1"},
        {"page": "abc"},
        {"page": "999999"},
        {"sort": "DROP TABLE"},
        {"rate_min": "-5"},
        {"rate_max": "1e9"},
        {"team_min": "x"},
        {"rating": "9"},
        {"country": "ZZ"},
        {"category": "x" * 500},
    ],
)
def test_bad_filters_are_ignored_with_a_message_not_a_500(client, corpus, args):
    response = client.get("/search", query_string={"q": "payroll", **args})
    assert response.status_code == 200


def test_empty_state_suggests_what_to_try(client, corpus):
    page = client.get("/search?q=zzzzqqq").get_data(as_text=True)
    assert "No vendors match" in page and "fewer words" in page


def test_autocomplete_needs_two_characters_and_returns_names(client, corpus):
    assert client.get("/search/suggest?q=m").json == {"suggestions": []}
    data = client.get("/search/suggest?q=man").json
    assert any(s["label"] == "Manila Payroll Partners" for s in data["suggestions"])


def test_invalid_utf8_in_the_query_string_is_not_a_500(client, corpus):
    assert client.get("/search?q=%00%ED%A0%80%FF").status_code == 200


def test_search_pages_count_appearances_for_the_vendor_dashboard(app, client, corpus):
    from sqlalchemy import select

    from marketplace.directory.models import Vendor, VendorDailyStat

    client.get("/search?q=payroll")
    client.get("/search?q=payroll")
    with app.app_context():
        vendor_id = db.session.scalar(
            select(Vendor.id).where(Vendor.name == "Manila Payroll Partners")
        )
        counts = db.session.scalars(
            select(VendorDailyStat.search_appearances).where(VendorDailyStat.vendor_id == vendor_id)
        ).all()
    assert counts == [2]
