"""Directory pages through HTTP: who may open what, only-published visibility, the profile page,
listings (sort, pagination, no N+1), the shortlist, and the vendor's own editor and logo."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import template_rendered, url_for
from PIL import Image
from sqlalchemy import event, select

from marketplace.clock import utcnow
from marketplace.directory import services
from marketplace.directory.models import ShortlistEntry, Vendor, VendorCertification
from marketplace.extensions import db
from tests.conftest import login
from tests.fixtures.factories import (
    create_category,
    create_certification,
    create_user,
    create_vendor,
)

DESCRIPTION = (
    "We run payroll for 50 to 5,000 employees across Southeast Asia, with ISO 27001 controls, "
    "named account managers and same-day answers."
)
ROLES = ("anonymous", "buyer", "other_vendor", "owner", "admin")


def token(user) -> SimpleNamespace:
    return SimpleNamespace(session_token=user.session_token)


def make_world(app, status: str = "published", **vendor_fields) -> SimpleNamespace:
    """An owner's vendor (with a service and a certification), another vendor, a buyer, an admin."""
    with app.app_context():
        vendor = create_vendor(
            name="Acme Payroll",
            status=status,
            slug="acme-payroll",
            certifications=("iso-27001",),
            status_reason="Needs a logo",
            **vendor_fields,
        )
        other = create_vendor(
            name="Other BPO", status="published", slug="other-bpo", categories=("data-entry",)
        )
        buyer, admin = create_user("buyer"), create_user("admin")
        db.session.commit()
        return SimpleNamespace(
            vendor_id=vendor.id,
            slug=vendor.slug,
            service_id=vendor.services[0].id,
            category_id=vendor.services[0].category_id,
            other_id=other.id,
            other_slug=other.slug,
            users={
                "owner": token(vendor.owner),
                "other_vendor": token(other.owner),
                "buyer": token(buyer),
                "admin": token(admin),
                "anonymous": None,
            },
        )


def client_as(app, world: SimpleNamespace, role: str):
    client = app.test_client()
    if world.users[role] is not None:
        login(client, world.users[role])
    return client


def load_vendor(app, vendor_id: int) -> Vendor:
    with app.app_context():
        vendor = db.session.get(Vendor, vendor_id)
        _ = (vendor.services, vendor.certifications, vendor.languages)
        db.session.expunge_all()
        return vendor


@contextmanager
def captured_contexts(app):
    seen: list[dict] = []

    def record(sender, template, context, **extra):
        seen.append(context)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def png_bytes(size=(300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def profile_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Acme Payroll",
        "tagline": "Payroll for growing teams",
        "description": DESCRIPTION,
        "website": "https://acme.example",
        "country": "PH",
        "city": "Manila",
        "founded_year": "2009",
        "team_size": "250",
        "languages": ["English", "Filipino"],
        "hourly_rate_min": "12.50",
        "hourly_rate_max": "25",
        "rate_currency": "USD",
    }
    data.update(changes)
    return data


# --- authorisation of every route -----------------------------------------------------------


def test_public_routes_answer_every_role(app):
    world = make_world(app)
    for role in ROLES:
        client = client_as(app, world, role)
        for url in (
            "/vendors",
            "/vendors/payroll",
            "/vendors/country/PH",
            "/v/acme-payroll",
            "/shortlist",
        ):
            assert client.get(url).status_code == 200, (url, role)
        assert client.post(f"/shortlist/{world.vendor_id}").status_code == 302, role
        assert client.post(f"/shortlist/{world.vendor_id}/remove").status_code == 302, role
        for url in ("/vendors/no-such-category", "/vendors/country/XX", "/v/no-such-vendor"):
            assert client.get(url).status_code == 404, (url, role)


def vendor_routes(world: SimpleNamespace) -> list[tuple[str, str, dict]]:
    service = f"/vendor/services/{world.service_id}"
    service_data = {
        "category_id": str(world.category_id),
        "pricing_model": "per_hour",
        "indicative_price": "14",
        "currency": "USD",
        "minimum_engagement_months": "3",
        "description": "",
    }
    return [
        ("GET", "/vendor/profile", {}),
        ("POST", "/vendor/profile", profile_form(name="Renamed by the request")),
        ("POST", "/vendor/certifications", {"certifications": []}),
        ("POST", "/vendor/logo", {"logo": (io.BytesIO(png_bytes()), "logo.png")}),
        ("POST", "/vendor/logo/remove", {}),
        ("POST", "/vendor/profile/submit", {}),
        ("GET", "/vendor/services/new", {}),
        ("POST", "/vendor/services/new", service_data),
        ("GET", service, {}),
        ("POST", service, service_data),
        ("POST", f"{service}/remove", {}),
    ]


def test_vendor_self_service_routes_by_role(app):
    """Only the owner changes the profile; the owner goes last because it removes the service."""
    world = make_world(app)
    for role in ("anonymous", "buyer", "admin", "other_vendor", "owner"):
        client = client_as(app, world, role)
        for method, url, data in vendor_routes(world):
            response = client.open(url, method=method, data=data)
            status = response.status_code
            if role == "anonymous":
                assert status == 302 and "/login" in response.location, (url, status)
            elif role in ("buyer", "admin"):
                assert status == 403, (url, role, status)
            elif role == "other_vendor" and str(world.service_id) in url:
                assert status == 404, (url, status)  # someone else's service: not found
            else:
                assert status in (200, 302), (url, role, status)
                if status == 302:
                    assert "/login" not in response.location
        target = load_vendor(app, world.vendor_id)
        if role == "owner":
            assert target.name == "Renamed by the request" and target.services == []
        else:
            assert target.name == "Acme Payroll" and len(target.services) == 1, role
            assert target.certifications and target.status == "published", role


def test_a_vendor_posting_another_vendors_ids_only_edits_its_own_profile(app):
    world = make_world(app)
    client = client_as(app, world, "other_vendor")
    response = client.post(
        "/vendor/profile",
        data=profile_form(
            name="Hijacked",
            vendor_id=str(world.vendor_id),
            id=str(world.vendor_id),
            slug="acme-payroll",
            owner_id="1",
        ),
    )
    assert response.status_code == 302
    assert load_vendor(app, world.vendor_id).name == "Acme Payroll"
    mine = load_vendor(app, world.other_id)
    assert (mine.name, mine.slug) == ("Hijacked", "other-bpo")


def test_protected_fields_cannot_be_mass_assigned(app):
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    with app.app_context():
        owner_id = db.session.get(Vendor, world.vendor_id).owner_id
    response = client.post(
        "/vendor/profile",
        data=profile_form(
            status="published",
            plan="pro",
            verified="y",
            slug="free-slug",
            owner_id="999",
            rating_avg="5",
            review_count="999",
            median_response_hours="0.1",
            logo_path="../../secret.png",
            status_reason="",
            published_at="2020-01-01",
            created_at="2020-01-01",
        ),
    )
    assert response.status_code == 302
    vendor = load_vendor(app, world.vendor_id)
    assert vendor.tagline == "Payroll for growing teams"  # the allowed fields were saved
    assert (vendor.status, vendor.plan, vendor.verified, vendor.slug, vendor.owner_id) == (
        "draft",
        "free",
        False,
        "acme-payroll",
        owner_id,
    )
    assert (vendor.rating_avg, vendor.review_count, vendor.median_response_hours) == (None, 0, None)
    assert (vendor.logo_path, vendor.published_at) == (None, None)
    response = client.post(
        "/vendor/certifications",
        data={
            "certifications": [str(vendor.certifications[0].certification_id)],
            "status": "verified",
        },
    )
    with app.app_context():
        assert db.session.scalars(select(VendorCertification.status)).all() == ["claimed"]


# --- only published vendors are public ------------------------------------------------------


def test_unpublished_profiles_are_404_except_for_owner_and_admin(app):
    world = make_world(app)
    anonymous = app.test_client()
    for status in ("draft", "pending", "rejected", "suspended"):
        with app.app_context():
            db.session.get(Vendor, world.vendor_id).status = status
            db.session.commit()
        for role in ROLES:
            response = client_as(app, world, role).get("/v/acme-payroll")
            if role in ("owner", "admin"):
                assert response.status_code == 200, (status, role)
                page = response.get_data(as_text=True)
                assert "This profile is not public" in page and status.capitalize() in page
                assert "Needs a logo" in page  # the reason is shown
                assert "Add to shortlist" not in page
            else:
                assert response.status_code == 404, (status, role)
        for url in ("/vendors", "/vendors/payroll", "/vendors/country/PH"):
            assert "Acme Payroll" not in anonymous.get(url).get_data(as_text=True), (status, url)
        assert anonymous.post(f"/shortlist/{world.vendor_id}").status_code == 404, status
    with app.app_context():
        assert services.profile_views(world.vendor_id, utcnow().date()) == 0


# --- the profile page -----------------------------------------------------------------------


def test_profile_page_shows_everything_a_buyer_decides_on(app):
    with app.app_context():
        vendor = create_vendor(
            name="Acme Payroll",
            slug="acme-payroll",
            verified=True,
            tagline="<script>alert('x')</script>",
            description="Line one\n<b>two</b>",
            website="https://acme.example",
            city="Manila",
            country="PH",
            team_size=250,
            founded_year=2009,
            languages=["English", "Filipino"],
            hourly_rate_min=Decimal("12.50"),
            hourly_rate_max=Decimal("25.00"),
            rating_avg=Decimal("4.60"),
            review_count=12,
            median_response_hours=Decimal("3.20"),
            certifications=("iso-27001", "soc-2"),
        )
        service = vendor.services[0]
        service.pricing_model, service.indicative_price = "per_transaction", Decimal("0.035")
        service.minimum_engagement_months = 6
        vendor.certifications[0].status = "verified"
        db.session.commit()
        vendor_id = vendor.id
    page = app.test_client().get("/v/acme-payroll").get_data(as_text=True)
    for text in (
        "Acme Payroll",
        "Verified",
        "&lt;script&gt;",
        "Line one<br>&lt;b&gt;two&lt;/b&gt;",
        "Manila, Philippines",
        "250 people",
        "2009",
        "English, Filipino",
        "$12.50\u2013$25 per hour",
        "4.6",
        "12 reviews",
        "Usually answers in ~3 h",
        "Payroll",
        "Per transaction",
        "$0.035",
        "USD",
        "6 months",
        "✓ Verified",
        "Claimed",
        "Request a quote",
        'Add<span class="visually-hidden">',
    ):
        assert text in page, text
    assert "<script>alert" not in page
    assert re.search(r'href="https://acme.example" rel="nofollow noopener[^"]*"', page)
    cta = re.search(r'<a class="btn btn-primary" href="([^"]+)">Request a quote</a>', page)
    with app.test_request_context():
        expected = (
            url_for("quotes.new_request", vendor=[vendor_id])
            if "quotes.new_request" in app.view_functions
            else "/register"
        )
    assert cta and cta.group(1).replace("&amp;", "&") == expected


def test_profile_never_links_a_non_http_website(sqlite_app):
    app = sqlite_app
    with app.app_context():
        create_vendor(slug="sneaky", website="javascript:alert(1)")
        db.session.commit()
    page = app.test_client().get("/v/sneaky").get_data(as_text=True)
    assert "javascript:" not in page


def test_request_a_quote_links_to_the_quote_workflow_when_it_exists(app):
    if "quotes.new_request" not in app.view_functions:
        app.add_url_rule("/test-quotes/new", "quotes.new_request", lambda: "quote form")
    world = make_world(app)
    client = client_as(app, world, "buyer")
    page = client.get("/v/acme-payroll").get_data(as_text=True)
    assert re.search(rf'href="[^"]*\?vendor={world.vendor_id}"[^>]*>Request a quote', page)
    client.post(f"/shortlist/{world.vendor_id}")
    client.post(f"/shortlist/{world.other_id}")
    page = client.get("/shortlist").get_data(as_text=True)
    assert "Request quotes from these" in page
    assert f'name="vendor" value="{world.vendor_id}"' in page
    assert f'name="vendor" value="{world.other_id}"' in page


def test_profile_views_are_counted_for_visitors_only(app):
    world = make_world(app)
    for role in ("anonymous", "anonymous", "buyer", "owner", "admin"):
        assert client_as(app, world, role).get("/v/acme-payroll").status_code == 200
    with app.app_context():
        assert services.profile_views(world.vendor_id, utcnow().date()) == 3


# --- listings -------------------------------------------------------------------------------


def test_category_listing_paginates_sorts_and_keeps_the_sort_in_links(app):
    with app.app_context():
        for n in range(25):
            create_vendor(name=f"Vendor {n:02d}", rating_avg=Decimal("4.00"), review_count=n)
        db.session.commit()
    client = app.test_client()
    first = client.get("/vendors/payroll?sort=name").get_data(as_text=True)
    assert first.count('class="card vendor-card"') == 20
    assert "25 published vendors" in first and "Showing 1\u201320 of 25" in first
    assert re.search(r'href="/vendors/payroll\?(page=2&amp;sort=name|sort=name&amp;page=2)"', first)
    names = re.findall(r'<a href="/v/[^"]+">(Vendor \d\d)</a>', first)
    assert names == sorted(names) and names[0] == "Vendor 00"
    second = client.get("/vendors/payroll?sort=name&page=2").get_data(as_text=True)
    assert second.count('class="card vendor-card"') == 5
    reviews = client.get("/vendors/payroll?sort=reviews").get_data(as_text=True)
    assert re.findall(r'<a href="/v/[^"]+">(Vendor \d\d)</a>', reviews)[0] == "Vendor 24"
    for query in ("page=abc", "page=-1", "page=999999999999", "sort=%27%3BDROP", "sort=rate"):
        assert client.get(f"/vendors/payroll?{query}").status_code == 200, query


def test_country_pages_use_canonical_codes_and_have_an_empty_state(sqlite_app):
    app = sqlite_app
    make_world(app)
    client = app.test_client()
    response = client.get("/vendors/country/ph?sort=name&code=x&_external=1&_scheme=javascript")
    assert response.status_code == 301
    assert response.location.endswith("/vendors/country/PH?sort=name")
    assert "Outsourcing vendors in Philippines" in client.get("/vendors/country/PH").get_data(
        as_text=True
    )
    empty = client.get("/vendors/country/DE").get_data(as_text=True)
    assert "No published vendors are based in Germany yet" in empty
    browse = client.get("/vendors").get_data(as_text=True)
    assert 'href="/vendors/payroll"' in browse and 'href="/vendors/country/PH"' in browse


def test_listing_uses_a_fixed_number_of_queries(app):
    def queries_for(url: str) -> int:
        with app.app_context():
            engine = db.engine
        count = 0

        def counter(*args, **kwargs):
            nonlocal count
            count += 1

        event.listen(engine, "before_cursor_execute", counter)
        try:
            assert app.test_client().get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count

    with app.app_context():
        create_category("payroll")
        create_category("data-entry")
        for _ in range(3):
            create_vendor(
                categories=("payroll", "data-entry"), certifications=("soc-2", "gdpr"), country="IN"
            )
        db.session.commit()
    few = queries_for("/vendors/country/IN")
    with app.app_context():
        for _ in range(17):
            create_vendor(
                categories=("payroll", "data-entry"), certifications=("soc-2", "gdpr"), country="IN"
            )
        db.session.commit()
    assert queries_for("/vendors/country/IN") == few <= 10


# --- shortlist ------------------------------------------------------------------------------


def test_visitor_adds_and_removes_shortlisted_vendors_in_the_session(app):
    world = make_world(app)
    client = app.test_client()
    response = client.post(f"/shortlist/{world.vendor_id}", data={"next": "/vendors/payroll"})
    assert response.status_code == 302 and response.location.endswith("/vendors/payroll")
    response = client.post(f"/shortlist/{world.other_id}", data={"next": "https://evil.example/"})
    assert response.location.endswith("/shortlist")
    with captured_contexts(app) as seen:
        page = client.get("/shortlist").get_data(as_text=True)
    assert seen[-1]["shortlist_count"] == 2
    assert "Acme Payroll" in page and "Other BPO" in page
    assert "Request quotes from these" in page
    if "quotes.new_request" in app.view_functions:
        assert f'name="vendor" value="{world.vendor_id}"' in page
    else:
        assert '<a class="btn btn-primary" href="/register">Request quotes from these' in page
    client.post(f"/shortlist/{world.vendor_id}/remove")
    client.post(f"/shortlist/{world.other_id}/remove")
    assert "Your shortlist is empty" in client.get("/shortlist").get_data(as_text=True)
    assert client.post("/shortlist/999999").status_code == 404


def test_shortlist_refuses_a_twenty_first_vendor(sqlite_app):
    app = sqlite_app
    with app.app_context():
        ids = [create_vendor().id for _ in range(21)]
        db.session.commit()
    client = app.test_client()
    for vendor_id in ids[:20]:
        client.post(f"/shortlist/{vendor_id}")
    page = client.post(f"/shortlist/{ids[20]}", follow_redirects=True).get_data(as_text=True)
    assert "Your shortlist is full" in page
    with client.session_transaction() as session:
        assert session["shortlist"] == ids[:20]


def test_buyer_shortlist_is_saved_and_the_visitor_list_is_merged_on_sign_in(app):
    world = make_world(app)
    client = app.test_client()
    client.post(f"/shortlist/{world.vendor_id}")  # as a visitor
    login(client, world.users["buyer"])
    client.post(f"/shortlist/{world.other_id}")  # as the buyer: saved at once
    with app.app_context():
        assert db.session.scalars(select(ShortlistEntry.vendor_id)).all() == [world.other_id]
    page = client.get("/shortlist").get_data(as_text=True)
    assert "Acme Payroll" in page and "Other BPO" in page and "Saved to your account" in page
    with app.app_context():
        assert sorted(db.session.scalars(select(ShortlistEntry.vendor_id))) == sorted(
            [world.vendor_id, world.other_id]
        )
    with client.session_transaction() as session:
        assert "shortlist" not in session
    client.post(f"/shortlist/{world.vendor_id}/remove")
    with captured_contexts(app) as seen:
        client.get("/vendors")
    assert seen[-1]["shortlist_count"] == 1


# --- the vendor's own editor ----------------------------------------------------------------


def test_editor_shows_completeness_and_saves_valid_input(sqlite_app):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    page = client.get("/vendor/profile").get_data(as_text=True)
    assert "Profile completeness" in page and "A description of at least 100 characters" in page
    assert 'value="Acme Payroll"' in page and "Submit for review" not in page
    response = client.post("/vendor/profile", data=profile_form())
    assert response.status_code == 302
    page = client.get("/vendor/profile").get_data(as_text=True)
    assert "Your profile is saved." in page and 'value="12.50"' in page
    assert "Submit for review" in page


def test_editor_shows_errors_beside_fields_and_keeps_the_input(sqlite_app):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    response = client.post(
        "/vendor/profile",
        data=profile_form(website="javascript:alert(1)", hourly_rate_min="-3", name="Still typed"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="website-error">Enter a full web address', page)
    assert re.search(r'id="hourly_rate_min-error">Amounts cannot be negative', page)
    assert 'value="Still typed"' in page and "Please correct the highlighted fields" in page
    assert load_vendor(app, world.vendor_id).name == "Acme Payroll"


def test_vendor_submits_a_complete_profile_for_review(sqlite_app):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    page = client.post("/vendor/profile/submit", follow_redirects=True).get_data(as_text=True)
    assert "Before submitting" in page and load_vendor(app, world.vendor_id).status == "draft"
    client.post("/vendor/profile", data=profile_form())
    page = client.post("/vendor/profile/submit", follow_redirects=True).get_data(as_text=True)
    assert "waiting for review" in page and load_vendor(app, world.vendor_id).status == "pending"
    page = client.post("/vendor/profile/submit", follow_redirects=True).get_data(as_text=True)
    assert "already waiting for review" in page


def test_vendor_manages_services_and_certifications_through_the_editor(app):
    world = make_world(app, status="draft")
    with app.app_context():
        hr = create_category("hr-recruitment", "HR and recruitment")
        soc2 = create_certification("soc-2", "SOC 2")
        db.session.commit()
        hr_id, soc2_id = hr.id, soc2.id
    client = client_as(app, world, "owner")
    assert "Add a service" in client.get("/vendor/services/new").get_data(as_text=True)
    bad = client.post(
        "/vendor/services/new",
        data={
            "category_id": str(hr_id),
            "pricing_model": "per_click",
            "indicative_price": "abc",
            "currency": "USD",
        },
    ).get_data(as_text=True)
    assert 'id="pricing_model-error"' in bad and 'id="indicative_price-error"' in bad
    response = client.post(
        "/vendor/services/new",
        data={
            "category_id": str(hr_id),
            "pricing_model": "fixed_month",
            "indicative_price": "4000",
            "currency": "USD",
            "minimum_engagement_months": "12",
            "description": "Recruiting desk",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/vendor/services/{world.service_id}").get_data(as_text=True)
    assert 'value="10.00"' in page
    client.post(f"/vendor/services/{world.service_id}/remove")
    client.post("/vendor/certifications", data={"certifications": [str(soc2_id)]})
    vendor = load_vendor(app, world.vendor_id)
    assert [
        (s.category_id, s.indicative_price, s.minimum_engagement_months) for s in vendor.services
    ] == [(hr_id, Decimal("4000.00"), 12)]
    assert [(c.certification_id, c.status) for c in vendor.certifications] == [(soc2_id, "claimed")]
    page = client.get("/vendor/profile").get_data(as_text=True)
    assert "HR and recruitment" in page and "Fixed monthly fee" in page


# --- logo upload and serving ----------------------------------------------------------------


def test_logo_upload_is_reencoded_served_safely_and_replaces_the_old_file(sqlite_app):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    response = client.post("/vendor/logo", data={"logo": (io.BytesIO(png_bytes()), "logo.png")})
    assert response.status_code == 302
    first = load_vendor(app, world.vendor_id).logo_path
    assert services.is_logo_name(first)
    served = app.test_client().get(f"/media/logos/{first}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.get_data())) as img:
        assert img.size == (256, 171)
    served.close()
    page = client.get("/v/acme-payroll").get_data(as_text=True)
    assert f'src="/media/logos/{first}" alt="Acme Payroll logo"' in page

    client.post("/vendor/logo", data={"logo": (io.BytesIO(png_bytes((50, 50))), "new.png")})
    second = load_vendor(app, world.vendor_id).logo_path
    folder = Path(app.config["UPLOAD_DIR"]) / "logos"
    assert second != first and not (folder / first).exists() and (folder / second).exists()
    client.post("/vendor/logo/remove")
    assert load_vendor(app, world.vendor_id).logo_path is None
    assert not (folder / second).exists()


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"just some text, not an image", "logo.png"),
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
            b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "logo.gif",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg"),
    ],
)
def test_logo_upload_refuses_what_is_not_png_jpeg_or_webp(sqlite_app, content, filename):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    response = client.post("/vendor/logo", data={"logo": (io.BytesIO(content), filename)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="logo-error">Upload a PNG, JPEG or WebP image', page)
    assert load_vendor(app, world.vendor_id).logo_path is None


def test_oversized_uploads_and_odd_logo_names_are_refused(sqlite_app):
    app = sqlite_app
    world = make_world(app, status="draft")
    client = client_as(app, world, "owner")
    body = (
        b'--b\r\nContent-Disposition: form-data; name="logo"; filename="big.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + b"\x00" * (3 * 1024 * 1024) + b"\r\n--b--\r\n"
    )
    response = client.post(
        "/vendor/logo", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    for name in (
        "abc.png",
        "A" * 32 + ".png",
        "0" * 32 + ".svg",
        "..%2F..%2Fsecret_key",
        "0" * 32 + ".png",
    ):
        assert client.get(f"/media/logos/{name}").status_code == 404, name
