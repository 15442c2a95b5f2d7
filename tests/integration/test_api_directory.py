"""The public directory over the API: search with the search page's filters, cursor pagination,
vendor profiles with ETags, categories and certifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from marketplace.search.services import enqueue_vendor, search_vendors, sync_all
from marketplace.search.views import parse_search_args
from tests.fixtures.factories import create_category, create_certification, create_vendor

NAMES = [
    ("Manila Payroll Partners", "PH", ("payroll",), ("iso-27001",), "4.80", 40),
    ("Cebu Payroll Services", "PH", ("payroll",), (), "4.10", 9),
    ("Warsaw Payroll Hub", "PL", ("payroll", "it-services"), ("iso-27001", "soc-2"), "4.50", 22),
    ("Krakow Helpdesk", "PL", ("it-services",), ("soc-2",), "3.90", 5),
    ("Bangalore Books", "IN", ("finance-accounting",), (), None, 0),
    ("Pune Payroll Desk", "IN", ("payroll",), (), "4.20", 3),
]


@pytest.fixture
def corpus(app):
    """Six published vendors in the search index, one draft that must never show."""
    with app.app_context():
        create_category("payroll", "Payroll")
        create_category("it-services", "IT services")
        create_category("finance-accounting", "Finance and accounting")
        create_certification("iso-27001", "ISO 27001")
        create_certification("soc-2", "SOC 2")
        slugs = {}
        for name, country, categories, certs, rating, reviews in NAMES:
            vendor = create_vendor(
                name=name,
                country=country,
                categories=categories,
                certifications=certs,
                rating_avg=Decimal(rating) if rating else None,
                review_count=reviews,
                description=f"{name} runs back-office work for international companies.",
            )
            enqueue_vendor(vendor.id)
            slugs[name] = vendor.slug
        hidden = create_vendor(name="Hidden Payroll Draft", status="draft")
        enqueue_vendor(hidden.id)
        slugs["draft"] = hidden.slug
        db.session.commit()
        sync_all()
    return slugs


def names(response) -> list[str]:
    return [item["name"] for item in response.json["items"]]


def test_search_finds_published_vendors_with_facets(client, corpus):
    response = client.get("/api/v1/vendors?q=payroll")
    assert response.status_code == 200, response.json
    found = names(response)
    assert "Manila Payroll Partners" in found and "Hidden Payroll Draft" not in found
    assert response.json["total"] == len(found) == 4
    facets = response.json["facets"]
    assert {f["value"]: f["count"] for f in facets["country"]} == {"PH": 2, "PL": 1, "IN": 1}
    assert {"value": "PH", "label": "Philippines", "count": 2} in facets["country"]
    assert {f["value"] for f in facets["certification"]} == {"iso-27001", "soc-2"}
    assert response.json["next_cursor"] is None and "Link" not in response.headers


@pytest.mark.parametrize(
    "query",
    [
        "category=payroll&country=PH",
        "category=payroll&category=it-services&sort=rating",
        "cert=iso-27001&cert=soc-2",
        "rating=4.5",
        "team_min=0&verified=false&sort=reviews",
        "q=payrol&sort=relevance",  # typo tolerance
    ],
)
def test_filters_and_sorts_match_the_search_page(app, client, corpus, query):
    response = client.get(f"/api/v1/vendors?{query}")
    assert response.status_code == 200, response.json
    with app.app_context():
        args = MultiDict([tuple(pair.split("=")) for pair in query.split("&")])
        args.pop("verified", None)
        expected = search_vendors(parse_search_args(args).query)
        expected_names = [hit.name for hit in expected.hits]
    assert names(response) == expected_names
    assert response.json["total"] == expected.total


def test_cursor_pagination_walks_every_match_once(client, corpus):
    seen: list[str] = []
    url = "/api/v1/vendors?sort=rating&limit=2"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json
        assert len(response.json["items"]) <= 2
        seen += names(response)
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor:
            link = response.headers["Link"]
            assert link.endswith('>; rel="next"') and "sort=rating" in link
            url = link[1 : link.index(">")].replace("http://localhost", "")
            assert f"cursor={cursor}" in url
        else:
            assert "Link" not in response.headers
            url = ""
    assert pages == 3
    assert sorted(seen) == sorted(n for n, *_ in NAMES)
    assert seen[0] == "Manila Payroll Partners"  # highest rated first


def test_cursors_are_signed_and_tied_to_their_query(client, corpus):
    first = client.get("/api/v1/vendors?limit=2&country=PH&country=PL").json
    cursor = first["next_cursor"]
    assert cursor
    tampered = cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb")
    for url in (
        f"/api/v1/vendors?limit=2&country=PH&country=PL&cursor={tampered}",
        f"/api/v1/vendors?limit=2&country=PH&cursor={cursor}",  # other filters
        f"/api/v1/vendors?limit=3&country=PH&country=PL&cursor={cursor}",  # other page size
        "/api/v1/vendors?limit=2&cursor=not-a-cursor",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert "cursor" in response.json["errors"]


def test_a_cursor_from_another_list_is_refused(app, client, corpus):
    from marketplace.accounts.services import create_api_token
    from tests.fixtures.factories import create_user
    from tests.fixtures.requests import create_request

    with app.app_context():
        buyer = create_user("buyer")
        for _ in range(3):
            create_request(buyer)
        token = create_api_token(buyer, "t", utcnow())[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/api/v1/requests?limit=2", headers=headers).json
    assert len(page["items"]) == 2 and page["next_cursor"]
    second = client.get(
        f"/api/v1/requests?limit=2&cursor={page['next_cursor']}", headers=headers
    ).json
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [r["id"] for r in page["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first, no repeats
    response = client.get(f"/api/v1/vendors?limit=2&cursor={page['next_cursor']}")
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("sort=DROP%20TABLE", "sort"),
        ("rating=9", "rating"),
        ("rate_min=-5", "rate_min"),
        ("rate_max=1e9", "rate_max"),
        ("team_min=x", "team_min"),
        ("verified=yes", "verified"),
        ("q=" + "a" * 201, "q"),
        ("category=" + "x" * 65, "category[0]"),
        ("page=2", "page"),  # the API pages with cursors
        ("limit=5&limit=6", "limit"),
    ],
)
def test_bad_parameters_answer_422_naming_them(client, corpus, query, field):
    response = client.get(f"/api/v1/vendors?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"], response.json


@pytest.mark.parametrize("text", ["name:*", "(((", '"unterminated', "\u0000", "' OR 1=1 --"])
def test_hostile_search_text_never_answers_500(client, corpus, text):
    response = client.get("/api/v1/vendors", query_string={"q": text})
    assert response.status_code == 200


def test_a_profile_answers_with_an_etag_and_304_when_unchanged(app, client, corpus):
    slug = corpus["Warsaw Payroll Hub"]
    first = client.get(f"/api/v1/vendors/{slug}")
    assert first.status_code == 200
    body = first.json
    assert body["name"] == "Warsaw Payroll Hub"
    assert body["categories"] == ["it-services", "payroll"]  # display order, then by name
    assert body["certifications"] == ["iso-27001", "soc-2"]
    assert [s["category"] for s in body["services"]] == ["it-services", "payroll"]
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "no-cache"

    again = client.get(f"/api/v1/vendors/{slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert (
        client.get(f"/api/v1/vendors/{slug}", headers={"If-None-Match": '"other"'}).status_code
        == 200
    )

    with app.app_context():
        vendor = db.session.query(Vendor).filter_by(slug=slug).one()
        vendor.tagline = "Now with SOC 2 Type II"
        db.session.commit()
    changed = client.get(f"/api/v1/vendors/{slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["tagline"] == "Now with SOC 2 Type II"


def test_unpublished_or_unknown_profiles_answer_404(client, corpus):
    for slug in (corpus["draft"], "no-such-vendor"):
        response = client.get(f"/api/v1/vendors/{slug}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_categories_and_certifications_list_the_vocabulary(client, corpus):
    categories = client.get("/api/v1/categories").json["items"]
    counts = {c["slug"]: c["vendor_count"] for c in categories}
    assert counts == {"payroll": 4, "it-services": 2, "finance-accounting": 1}
    assert next(c for c in categories if c["slug"] == "payroll")["default_unit"]
    certifications = client.get("/api/v1/certifications").json["items"]
    assert [c["slug"] for c in certifications] == ["iso-27001", "soc-2"]
