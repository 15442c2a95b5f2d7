"""Directory rules called directly, without HTTP: profile validation, services, certifications,
completeness, submission, logos, listings, view counting and the shortlist."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from marketplace.directory import services
from marketplace.directory.counters import counters
from marketplace.directory.models import ShortlistEntry, Vendor, VendorCertification
from marketplace.directory.services import ProfileInput, ServiceInput
from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from marketplace.rates.models import ExchangeRate
from marketplace.search.models import SearchPending
from tests.fixtures.factories import (
    create_category,
    create_certification,
    create_user,
    create_vendor,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# Full-width Latin, accents and CJK, kept as typed.
WIDE_NAME = "\uff33\uff4f\uff4c\uff55\uff43\uff49\uff4f\uff4e\uff45\uff53 Ñandú 株式会社"
DESCRIPTION = (
    "We run payroll for 50 to 5,000 employees across Southeast Asia, with ISO 27001 controls, "
    "named account managers and same-day answers."
)


@pytest.fixture
def sqlite_ctx(sqlite_app):
    """Validation rules do not depend on the database: run those on SQLite only (fast)."""
    with sqlite_app.app_context():
        yield sqlite_app


def add_rate(currency: str, usd_per: str) -> None:
    db.session.add(
        ExchangeRate(currency=currency, usd_per=Decimal(usd_per), as_of=date(2026, 11, 1))
    )
    db.session.flush()


def full_input(**changes: object) -> ProfileInput:
    data = ProfileInput(
        name="Acme Payroll",
        tagline="Payroll for growing teams",
        description=DESCRIPTION,
        website="https://acme.example",
        country="PH",
        city="Manila",
        founded_year="2009",
        team_size="250",
        languages=("English", "Filipino"),
        hourly_rate_min="12.50",
        hourly_rate_max="25",
        rate_currency="USD",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def service_input(category_id: int, **changes: object) -> ServiceInput:
    data = ServiceInput(
        category_id=str(category_id),
        pricing_model="per_unit_month",
        indicative_price="8.50",
        currency="USD",
        minimum_engagement_months="6",
        description="Monthly payroll run.",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def errors_of(call) -> dict[str, str]:
    with pytest.raises(FieldErrors) as info:
        call()
    return info.value.errors


# --- update_profile -------------------------------------------------------------------------


def test_update_profile_saves_every_field_and_queues_a_reindex(ctx):
    vendor = create_vendor(status="draft", categories=())
    services.update_profile(vendor.owner, full_input(), NOW)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Vendor, vendor.id)
    assert (saved.name, saved.country, saved.city, saved.founded_year, saved.team_size) == (
        "Acme Payroll",
        "PH",
        "Manila",
        2009,
        250,
    )
    assert saved.languages == ["English", "Filipino"]
    assert (saved.hourly_rate_min, saved.hourly_rate_max) == (Decimal("12.50"), Decimal("25.00"))
    assert saved.website == "https://acme.example" and saved.status == "draft"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SearchPending)
            .where(SearchPending.vendor_id == vendor.id)
        )
        == 1
    )


def test_update_profile_keeps_unicode_and_stores_markup_and_sql_as_plain_text(ctx):
    vendor = create_vendor(status="published")
    services.update_profile(
        vendor.owner,
        full_input(
            name=WIDE_NAME + "\x00",
            tagline="<script>alert(1)</script>",
            description="Robert'); DROP TABLE vendors;--\r\n" + DESCRIPTION,
            city="Sa\u0303o Paulo\ud800",  # decomposed accent and a lone surrogate
        ),
        NOW,
    )
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Vendor, vendor.id)
    assert saved.name == WIDE_NAME  # NUL dropped, the rest kept as typed
    assert saved.tagline == "<script>alert(1)</script>"
    assert saved.description.startswith("Robert'); DROP TABLE vendors;--\n")
    assert saved.city == "São Paulo"
    assert db.session.scalar(select(func.count(Vendor.id))) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "A" * 121}, "name"),
        ({"tagline": "t" * 161}, "tagline"),
        ({"description": "d" * 5001}, "description"),
        ({"description": "x" * 2_000_000}, "description"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "data:text/html,<b>hi</b>"}, "website"),
        ({"website": "//evil.example"}, "website"),
        ({"website": "ftp://files.example"}, "website"),
        ({"country": "XX"}, "country"),
        ({"country": "Philippines"}, "country"),
        ({"city": "c" * 81}, "city"),
        ({"founded_year": "1799"}, "founded_year"),
        ({"founded_year": "2027"}, "founded_year"),
        ({"founded_year": "\uff11\uff19\uff19\uff19"}, "founded_year"),
        ({"founded_year": "1999.5"}, "founded_year"),
        ({"team_size": "0"}, "team_size"),
        ({"team_size": "-5"}, "team_size"),
        ({"team_size": "1e3"}, "team_size"),
        ({"team_size": "99999999999999999999"}, "team_size"),
        ({"languages": ("English", "Klingon")}, "languages"),
        ({"hourly_rate_min": "-5"}, "hourly_rate_min"),
        ({"hourly_rate_min": "NaN"}, "hourly_rate_min"),
        ({"hourly_rate_min": "Infinity"}, "hourly_rate_min"),
        ({"hourly_rate_min": "1e3"}, "hourly_rate_min"),
        ({"hourly_rate_min": "\uff11\uff12"}, "hourly_rate_min"),
        ({"hourly_rate_min": "12.345"}, "hourly_rate_min"),
        ({"hourly_rate_min": "1,200"}, "hourly_rate_min"),
        ({"hourly_rate_max": "1000001"}, "hourly_rate_max"),
        ({"hourly_rate_min": "30", "hourly_rate_max": "20"}, "hourly_rate_max"),
        ({"rate_currency": "XYZ"}, "rate_currency"),
        ({"rate_currency": "EUR"}, "rate_currency"),  # no EUR rate loaded
        ({"rate_currency": "U$D"}, "rate_currency"),
    ],
)
def test_update_profile_refuses_bad_input_beside_the_field(sqlite_ctx, changes, field):
    vendor = create_vendor(status="draft")
    db.session.commit()
    before = (vendor.name, vendor.tagline, vendor.website)
    errors = errors_of(lambda: services.update_profile(vendor.owner, full_input(**changes), NOW))
    assert field in errors, errors
    db.session.rollback()
    db.session.refresh(vendor)
    assert (vendor.name, vendor.tagline, vendor.website) == before


def test_update_profile_reports_every_bad_field_at_once(sqlite_ctx):
    vendor = create_vendor(status="draft")
    errors = errors_of(
        lambda: services.update_profile(
            vendor.owner,
            full_input(name="", website="javascript:x", founded_year="abc", hourly_rate_min="-1"),
            NOW,
        )
    )
    assert set(errors) == {"name", "website", "founded_year", "hourly_rate_min"}


def test_update_profile_accepts_empty_optional_fields_and_a_known_currency(sqlite_ctx):
    add_rate("EUR", "1.08")
    vendor = create_vendor(status="draft")
    services.update_profile(
        vendor.owner,
        full_input(
            website="",
            city="",
            founded_year="",
            team_size="",
            languages=(),
            hourly_rate_min="",
            hourly_rate_max="40",
            rate_currency="eur",
            country="ph",
        ),
        NOW,
    )
    assert (vendor.website, vendor.founded_year, vendor.team_size, vendor.languages) == (
        "",
        None,
        None,
        [],
    )
    assert (vendor.hourly_rate_min, vendor.hourly_rate_max, vendor.rate_currency) == (
        None,
        Decimal("40"),
        "EUR",
    )
    assert vendor.country == "PH"


def test_editing_a_published_profile_keeps_it_published_and_the_slug_stable(sqlite_ctx):
    vendor = create_vendor(status="published", slug="acme-payroll")
    services.update_profile(vendor.owner, full_input(name="Completely New Name"), NOW)
    assert (vendor.status, vendor.slug, vendor.name) == (
        "published",
        "acme-payroll",
        "Completely New Name",
    )


def test_profile_input_has_no_field_for_protected_attributes():
    protected = {
        "status",
        "plan",
        "verified",
        "owner",
        "owner_id",
        "slug",
        "rating_avg",
        "review_count",
        "median_response_hours",
        "logo_path",
        "id",
        "status_reason",
    }
    assert protected.isdisjoint(ProfileInput.__dataclass_fields__)


def test_only_vendor_users_with_a_profile_can_update(sqlite_ctx):
    for user in (create_user("buyer"), create_user("admin"), create_user("vendor")):
        with pytest.raises(services.NotFound):
            services.update_profile(user, full_input(), NOW)


# --- services per category ------------------------------------------------------------------


def test_vendor_adds_edits_and_removes_a_service(ctx):
    vendor = create_vendor(status="draft", categories=())
    payroll, data_entry = create_category("payroll"), create_category("data-entry")
    service = services.add_service(vendor.owner, service_input(payroll.id), NOW)
    assert (service.pricing_model, service.indicative_price, service.minimum_engagement_months) == (
        "per_unit_month",
        Decimal("8.50"),
        6,
    )
    services.update_service(
        vendor.owner,
        service.id,
        service_input(
            data_entry.id,
            pricing_model="per_transaction",
            indicative_price="0.035",
            minimum_engagement_months="",
        ),
        NOW,
    )
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Vendor, vendor.id).services[0]
    assert (
        saved.category.slug,
        saved.pricing_model,
        saved.indicative_price,
        saved.minimum_engagement_months,
    ) == ("data-entry", "per_transaction", Decimal("0.0350"), 0)
    services.remove_service(vendor.owner, saved.id, NOW)
    db.session.commit()
    assert db.session.get(Vendor, vendor.id).services == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category_id": ""}, "category_id"),
        ({"category_id": "99999"}, "category_id"),
        ({"category_id": "payroll"}, "category_id"),
        ({"pricing_model": "per_click"}, "pricing_model"),
        ({"indicative_price": "0"}, "indicative_price"),
        ({"indicative_price": "-1"}, "indicative_price"),
        ({"indicative_price": "0.00001"}, "indicative_price"),
        ({"indicative_price": "1000001"}, "indicative_price"),
        ({"indicative_price": ""}, "indicative_price"),
        ({"currency": "ABC"}, "currency"),
        ({"minimum_engagement_months": "121"}, "minimum_engagement_months"),
        ({"minimum_engagement_months": "-1"}, "minimum_engagement_months"),
        ({"description": "d" * 2001}, "description"),
    ],
)
def test_service_input_is_validated(sqlite_ctx, changes, field):
    vendor = create_vendor(status="draft", categories=())
    category = create_category("payroll")
    errors = errors_of(
        lambda: services.add_service(
            vendor.owner, replace(service_input(category.id), **changes), NOW
        )
    )
    assert field in errors, errors


def test_a_category_is_offered_once(sqlite_ctx):
    vendor = create_vendor(status="draft", categories=("payroll",))
    category = create_category("payroll")
    errors = errors_of(lambda: services.add_service(vendor.owner, service_input(category.id), NOW))
    assert "already list" in errors["category_id"]
    # Editing the existing line with its own category is fine.
    services.update_service(vendor.owner, vendor.services[0].id, service_input(category.id), NOW)


def test_a_vendor_cannot_touch_another_vendors_service(sqlite_ctx):
    victim = create_vendor(status="published", categories=("payroll",))
    intruder = create_vendor(status="published", categories=())
    target = victim.services[0].id
    with pytest.raises(services.NotFound):
        services.update_service(
            intruder.owner, target, service_input(victim.services[0].category_id), NOW
        )
    with pytest.raises(services.NotFound):
        services.remove_service(intruder.owner, target, NOW)
    assert len(victim.services) == 1


# --- certifications -------------------------------------------------------------------------


def test_claiming_certifications_never_verifies_and_keeps_verified_ones(ctx):
    vendor = create_vendor(status="published", certifications=("iso-27001",))
    held = vendor.certifications[0]
    held.status, held.evidence_note = "verified", "Certificate 123"
    soc2, gdpr = create_certification("soc-2"), create_certification("gdpr")
    services.claim_certifications(
        vendor.owner, [str(held.certification_id), str(soc2.id), str(gdpr.id)], NOW
    )
    db.session.commit()
    db.session.expire_all()
    statuses = {
        vc.certification.slug: vc.status for vc in db.session.get(Vendor, vendor.id).certifications
    }
    assert statuses == {"iso-27001": "verified", "soc-2": "claimed", "gdpr": "claimed"}
    services.claim_certifications(vendor.owner, [str(soc2.id)], NOW)
    db.session.commit()
    assert db.session.scalars(
        select(VendorCertification.certification_id).where(
            VendorCertification.vendor_id == vendor.id
        )
    ).all() == [soc2.id]


@pytest.mark.parametrize("bad", ["999", "abc", "-1", ""])
def test_unknown_certifications_are_refused(sqlite_ctx, bad):
    vendor = create_vendor(status="draft")
    create_certification("soc-2")
    assert "certifications" in errors_of(
        lambda: services.claim_certifications(vendor.owner, [bad], NOW)
    )


# --- completeness and submit for review -----------------------------------------------------


def test_completeness_of_an_empty_draft_lists_what_is_missing(sqlite_ctx):
    vendor = create_vendor(status="draft", categories=(), tagline="", country="")
    result = services.profile_completeness(vendor)
    missing = {item.key for item in result.missing}
    assert {item.key for item in result.missing_required} == {
        "tagline",
        "description",
        "country",
        "services",
    }
    assert {
        "logo",
        "website",
        "city",
        "founded_year",
        "team_size",
        "languages",
        "hourly_rate_min",
        "certifications",
    } <= missing
    assert not result.can_submit
    assert 0 < result.percent < 20


def test_completeness_reaches_100_when_everything_is_filled(sqlite_ctx):
    vendor = create_vendor(status="draft", certifications=("soc-2",), logo_path="a" * 32 + ".png")
    services.update_profile(vendor.owner, full_input(), NOW)
    result = services.profile_completeness(vendor)
    assert (result.percent, result.missing, result.can_submit) == (100, [], True)


def test_submit_refuses_an_incomplete_profile(sqlite_ctx):
    vendor = create_vendor(status="draft", categories=())
    errors = errors_of(lambda: services.submit_for_review(vendor.owner, NOW))
    assert {"description", "services"} <= set(errors)
    assert vendor.status == "draft"


@pytest.mark.parametrize("start", ["draft", "rejected"])
def test_submit_moves_a_complete_draft_or_rejected_profile_to_pending(ctx, start):
    vendor = create_vendor(status=start, status_reason="Add a description", description=DESCRIPTION)
    services.submit_for_review(vendor.owner, NOW)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Vendor, vendor.id)
    assert (saved.status, saved.status_reason) == ("pending", "")
    assert db.session.scalar(select(func.count()).select_from(SearchPending)) >= 1


@pytest.mark.parametrize("start", ["pending", "published", "suspended"])
def test_submit_is_refused_from_other_statuses(sqlite_ctx, start):
    vendor = create_vendor(status=start, description=DESCRIPTION)
    with pytest.raises(services.DirectoryError):
        services.submit_for_review(vendor.owner, NOW)
    assert vendor.status == start


# --- logos ----------------------------------------------------------------------------------


def image_bytes(fmt: str, size=(600, 300), mode="RGBA", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30)).save(
        buffer, format=fmt, **save
    )
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims huge dimensions (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_logo_is_reencoded_as_a_small_png_without_metadata(sqlite_ctx, tmp_path):
    vendor = create_vendor(status="draft")
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    change = services.save_logo(vendor.owner, image_bytes("PNG", pnginfo=info), tmp_path, NOW)
    stored = tmp_path / "logos" / change.name
    assert services.is_logo_name(change.name) and vendor.logo_path == change.name
    with Image.open(stored) as img:
        assert img.format == "PNG" and img.size == (256, 128)
        assert "Author" not in img.info and "exif" not in img.info
    assert b"secret-author" not in stored.read_bytes()


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_jpeg_and_webp_logos_are_accepted_and_exif_stripped(sqlite_ctx, tmp_path, fmt):
    vendor = create_vendor(status="draft")
    exif = Image.Exif()
    exif[0x010E] = "gps-and-camera-secrets"  # ImageDescription
    data = image_bytes(fmt, size=(300, 900), mode="RGB", exif=exif.tobytes())
    change = services.save_logo(vendor.owner, data, tmp_path, NOW)
    stored = (tmp_path / "logos" / change.name).read_bytes()
    assert stored.startswith(b"\x89PNG") and b"gps-and-camera-secrets" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (85, 256)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose an image"),
        (b"hello, I am a text file pretending to be a PNG", "PNG, JPEG or WebP"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "PNG, JPEG or WebP",
        ),
        ("gif", "PNG, JPEG or WebP"),
        ("bmp", "PNG, JPEG or WebP"),
        ("truncated", "PNG, JPEG or WebP"),
        ("too-big", "larger than 2 MB"),
        (png_header_only(30_000, 30_000), "too many pixels"),  # Pillow's bomb error
        (png_header_only(10_000, 10_000), "too many pixels"),  # Pillow's bomb warning
        (png_header_only(6_000, 6_000), "too many pixels"),  # our own, lower limit
    ],
)
def test_bad_logos_are_refused_with_a_clear_message(sqlite_ctx, tmp_path, data, message):
    if data == "gif":
        data = image_bytes("GIF", mode="RGB")
    elif data == "bmp":
        data = image_bytes("BMP", mode="RGB")
    elif data == "truncated":
        data = image_bytes("PNG", size=(400, 400))[:200]
    elif data == "too-big":
        data = b"\x89PNG\r\n\x1a\n" + b"\x00" * services.LOGO_MAX_BYTES
    vendor = create_vendor(status="draft")
    errors = errors_of(lambda: services.save_logo(vendor.owner, data, tmp_path, NOW))
    assert message in errors["logo"]
    assert vendor.logo_path is None
    assert not any((tmp_path / "logos").glob("*.png")) if (tmp_path / "logos").exists() else True


def test_replacing_and_removing_a_logo_reports_the_old_file(sqlite_ctx, tmp_path: Path):
    vendor = create_vendor(status="draft")
    first = services.save_logo(vendor.owner, image_bytes("PNG"), tmp_path, NOW)
    second = services.save_logo(vendor.owner, image_bytes("PNG"), tmp_path, NOW)
    assert second.previous == first.name and second.name != first.name
    services.discard_logo_file(tmp_path, second.previous)
    assert not (tmp_path / "logos" / first.name).exists()
    removed = services.remove_logo(vendor.owner, NOW)
    assert removed.previous == second.name and vendor.logo_path is None
    services.discard_logo_file(tmp_path, "../../etc/passwd")  # never outside the folder


# --- listings -------------------------------------------------------------------------------


def test_listing_shows_only_published_vendors_of_the_category(ctx):
    payroll = create_category("payroll")
    shown = create_vendor(name="Shown", status="published", categories=("payroll",))
    for status in ("draft", "pending", "rejected", "suspended"):
        create_vendor(name=f"Hidden {status}", status=status, categories=("payroll",))
    create_vendor(name="Other category", status="published", categories=("data-entry",))
    page = services.list_vendors(category=payroll)
    assert [v.id for v in page.items] == [shown.id] and page.total == 1
    counts = {c.category.slug: c.vendors for c in services.category_counts()}
    assert counts == {"payroll": 1, "data-entry": 1}


def test_listing_sorts_by_allowlisted_keys(ctx):
    add_rate("EUR", "1.10")
    add_rate("PHP", "0.0175")
    create_category("payroll")
    a = create_vendor(
        name="alpha",
        rating_avg=Decimal("5.00"),
        review_count=1,
        hourly_rate_min=Decimal("10.50"),
        rate_currency="USD",
    )
    b = create_vendor(
        name="Bravo",
        rating_avg=Decimal("4.80"),
        review_count=120,
        hourly_rate_min=Decimal("10.00"),
        rate_currency="EUR",
    )  # = 11 USD
    c = create_vendor(
        name="charlie",
        rating_avg=None,
        review_count=0,
        hourly_rate_min=Decimal("500"),
        rate_currency="PHP",
    )  # = 8.75 USD
    d = create_vendor(name="Delta", rating_avg=Decimal("4.00"), review_count=30)  # no rate

    def order(sort: str) -> list[int]:
        return [v.id for v in services.list_vendors(sort=sort).items]

    # Adjusted for review count: 120 reviews of 4.8 and 30 of 4.0 beat a single 5.0.
    assert order("rating") == [b.id, d.id, a.id, c.id]
    assert order("rate") == [c.id, a.id, b.id, d.id]  # converted to USD, no rate last
    assert order("reviews") == [b.id, d.id, a.id, c.id]
    assert order("name") == [a.id, b.id, c.id, d.id]  # case-insensitive
    assert order("name; DROP TABLE vendors") == order("rating")


def test_listing_paginates_and_clamps_pages(sqlite_ctx):
    create_category("payroll")
    for n in range(45):
        create_vendor(name=f"Vendor {n:02d}", country="IN")
    first = services.list_vendors(country="IN", sort="name", page=1)
    last = services.list_vendors(country="IN", sort="name", page=3)
    beyond = services.list_vendors(country="IN", sort="name", page=99)
    assert (len(first.items), first.pages, first.total) == (20, 3, 45)
    assert len(last.items) == 5 and last.items[-1].name == "Vendor 44"
    assert beyond.page == 3 and [v.id for v in beyond.items] == [v.id for v in last.items]
    assert list(services.Page(items=[], page=6, per_page=20, total=400).iter_pages()) == [
        1,
        None,
        4,
        5,
        6,
        7,
        8,
        None,
        20,
    ]
    assert services.list_vendors(country="DE").total == 0


def test_profile_views_are_counted_per_day_but_not_for_owner_or_admin(ctx):
    vendor = create_vendor(status="published")
    buyer, admin = create_user("buyer"), create_user("admin")
    for viewer in (None, buyer, buyer):
        assert services.record_profile_view(vendor, viewer, NOW)
    assert not services.record_profile_view(vendor, vendor.owner, NOW)
    assert not services.record_profile_view(vendor, admin, NOW)
    db.session.commit()
    counters(ctx).flush()
    assert services.profile_views(vendor.id, NOW.date()) == 3


# --- shortlist ------------------------------------------------------------------------------


def test_visitor_shortlist_lives_in_the_session_list(sqlite_ctx):
    first, second = create_vendor(), create_vendor()
    hidden = create_vendor(status="draft")
    ids = services.add_to_shortlist(None, first.id, [], NOW)
    ids = services.add_to_shortlist(None, second.id, ids, NOW)
    assert services.add_to_shortlist(None, first.id, ids, NOW) == [first.id, second.id]
    with pytest.raises(services.NotFound):
        services.add_to_shortlist(None, hidden.id, ids, NOW)
    with pytest.raises(services.NotFound):
        services.add_to_shortlist(None, 999_999, ids, NOW)
    assert services.remove_from_shortlist(None, first.id, ids) == [second.id]
    assert services.clean_session_shortlist([1, "2", True, 1, -3, 4.0, 5]) == [1, 5]


def test_shortlist_holds_at_most_twenty(sqlite_ctx):
    vendors = [create_vendor() for _ in range(21)]
    ids: list[int] = []
    for vendor in vendors[:20]:
        ids = services.add_to_shortlist(None, vendor.id, ids, NOW)
    with pytest.raises(services.DirectoryError, match="full"):
        services.add_to_shortlist(None, vendors[20].id, ids, NOW)


def test_buyer_shortlist_is_saved_and_merges_the_session_list(ctx):
    buyer = create_user("buyer")
    saved, from_session, unpublished = create_vendor(), create_vendor(), create_vendor()
    services.add_to_shortlist(buyer, saved.id, [], NOW)
    services.add_to_shortlist(buyer, saved.id, [], NOW)  # idempotent
    unpublished.status = "suspended"
    added = services.merge_shortlist(buyer, [from_session.id, saved.id, unpublished.id], NOW)
    db.session.commit()
    assert added == 1
    assert services.shortlist_ids(buyer, []) == [saved.id, from_session.id]
    assert services.shortlist_count(buyer, []) == 2
    assert [v.id for v in services.shortlisted_vendors(buyer, [])] == [saved.id, from_session.id]
    services.remove_from_shortlist(buyer, saved.id, [])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 1
