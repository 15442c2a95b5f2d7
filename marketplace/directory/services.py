"""Vendor directory rules: profiles, listings, visibility, self-service, logos and the shortlist.

Every function checks who acts and what they send, changes rows and flushes; the caller commits
once. Validation failures are collected into one :class:`FieldErrors`; other refusals raise a
:class:`DirectoryError` whose message is safe to show. A vendor's own profile is always resolved
from the signed-in user (``vendor_for_user``), never from an id that came with the request.
"""

from __future__ import annotations

import io
import math
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import pycountry
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import (
    BigInteger,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.directory.counters import PROFILE_VIEWS, SEARCH_APPEARANCES, counters
from marketplace.directory.models import (
    PRICING_MODEL_LABELS,
    PRICING_MODELS,
    Certification,
    ServiceCategory,
    ShortlistEntry,
    Vendor,
    VendorCertification,
    VendorDailyStat,
    VendorService,
)
from marketplace.extensions import db
from marketplace.parsing import (
    FieldErrors,
    ParseError,
    clean_text,
    parse_currency,
    parse_int,
    parse_money,
    safe_url,
)
from marketplace.rates.models import ExchangeRate
from marketplace.rates.services import current_rates
from marketplace.search.services import enqueue_vendor
from marketplace.templating import format_money

T = TypeVar("T")

PER_PAGE = 20
MAX_PAGE = 10_000
SHORTLIST_MAX = 20
SUBMITTABLE_STATUSES = ("draft", "rejected")

SORTS: dict[str, str] = {
    "rating": "Highest rated",
    "rate": "Lowest hourly rate",
    "reviews": "Most reviews",
    "name": "Name (A\u2013Z)",
}
DEFAULT_SORT = "rating"

# Common business languages, stored by English name (the demo data uses the same names).
LANGUAGES: tuple[str, ...] = tuple(
    sorted(
        (
            "Afrikaans",
            "Arabic",
            "Bahasa Indonesia",
            "Bengali",
            "Bulgarian",
            "Cantonese",
            "Catalan",
            "Cebuano",
            "Czech",
            "Danish",
            "Dutch",
            "English",
            "Estonian",
            "Filipino",
            "Finnish",
            "French",
            "Georgian",
            "German",
            "Greek",
            "Hausa",
            "Hebrew",
            "Hindi",
            "Hungarian",
            "Igbo",
            "Irish",
            "Italian",
            "Japanese",
            "Kannada",
            "Korean",
            "Lithuanian",
            "Malay",
            "Mandarin",
            "Marathi",
            "Norwegian",
            "Polish",
            "Portuguese",
            "Punjabi",
            "Romanian",
            "Russian",
            "Serbian",
            "Sinhala",
            "Slovak",
            "Spanish",
            "Swahili",
            "Swedish",
            "Tamil",
            "Telugu",
            "Thai",
            "Turkish",
            "Twi",
            "Ukrainian",
            "Urdu",
            "Vietnamese",
            "Welsh",
            "Yoruba",
            "isiXhosa",
            "isiZulu",
        ),
        key=str.casefold,
    )
)

NAME_MAX = 120
TAGLINE_MAX = 160
DESCRIPTION_MAX = 5000
DESCRIPTION_MIN = 100
CITY_MAX = 80
SERVICE_DESCRIPTION_MAX = 2000
FOUNDED_MIN = 1800
TEAM_SIZE_MAX = 1_000_000
RATE_MAX = Decimal("1000000")
PRICE_MAX = Decimal("1000000")
ENGAGEMENT_MAX_MONTHS = 120

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # 5000 x 5000 is already far more than a logo needs
LOGO_SIZE = (256, 256)
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_NAME_RE = re.compile(r"^[0-9a-f]{32}\.png$")


class DirectoryError(Exception):
    """A directory rule refused the action; ``str(err)`` is safe to show to the user."""


class NotFound(DirectoryError):
    """The object does not exist for this user (views answer 404)."""


# --------------------------------------------------------------------------------------------
# Slugs and profile creation
# --------------------------------------------------------------------------------------------


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower-case, hyphenated; falls back to "vendor" for names with no Latin letters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "vendor"


def unique_vendor_slug(name: str) -> str:
    """A slug no other vendor has; slugs never change once given (links stay stable)."""
    base = slugify(name)
    taken = set(
        db.session.scalars(
            select(Vendor.slug).where((Vendor.slug == base) | Vendor.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_draft_vendor(owner: User, name: str) -> Vendor:
    """The empty profile a vendor user owns from sign-up; it stays private until approved."""
    vendor = Vendor(slug=unique_vendor_slug(name), name=name, owner=owner, status="draft")
    db.session.add(vendor)
    return vendor


def vendor_for_user(user: User) -> Vendor | None:
    """The vendor profile a vendor user owns (None for buyers and admins)."""
    if not user.is_authenticated or user.role != "vendor":
        return None
    return db.session.execute(select(Vendor).where(Vendor.owner_id == user.id)).scalar_one_or_none()


def _own_vendor(vendor_user: User) -> Vendor:
    vendor = vendor_for_user(vendor_user)
    if vendor is None:
        raise NotFound("No vendor profile is linked to your account.")
    return vendor


# --------------------------------------------------------------------------------------------
# Reference data: countries, languages, display helpers
# --------------------------------------------------------------------------------------------


@cache
def _country_names() -> dict[str, str]:
    return {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def country_name(code: str | None) -> str:
    """ "PH" -> "Philippines"; unknown codes come back as given."""
    if not code:
        return ""
    return _country_names().get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country as (alpha-2, name), sorted by name."""
    return sorted(_country_names().items(), key=lambda item: item[1])


def is_country(code: str) -> bool:
    return code in _country_names()


def initials(name: str) -> str:
    """Up to two initials for the logo placeholder: "Acme Payroll Ltd" -> "AP"."""
    words = [w for w in re.split(r"[\s\-_/&.,]+", name) if w and w[0].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "?"


def _places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return 2 if not isinstance(exponent, int) else min(4, max(2, -exponent))


def price_label(amount: Decimal | None, currency: str) -> str:
    """Money with 2 decimals, or up to 4 when the price needs them ($0.035 per transaction)."""
    if amount is None:
        return "—"
    return format_money(amount, currency, _places(amount))


def plain_amount(amount: Decimal | None) -> str:
    """An amount as a form shows it for editing: "8.50", "0.035", "" for none."""
    if amount is None:
        return ""
    return f"{amount:.{_places(amount)}f}"


def _whole_or_cents(amount: Decimal, currency: str) -> str:
    places = 0 if amount == amount.to_integral_value() else 2
    return format_money(amount, currency, places)


def hourly_rate_label(vendor: Vendor) -> str:
    """ "$15-$25 per hour", "From $15 per hour", or "" when the vendor gives no rate."""
    low, high, cur = vendor.hourly_rate_min, vendor.hourly_rate_max, vendor.rate_currency
    if low is not None and high is not None:
        if low == high:
            return f"{_whole_or_cents(low, cur)} per hour"
        return f"{_whole_or_cents(low, cur)}\u2013{_whole_or_cents(high, cur)} per hour"
    if low is not None:
        return f"From {_whole_or_cents(low, cur)} per hour"
    if high is not None:
        return f"Up to {_whole_or_cents(high, cur)} per hour"
    return ""


def response_time_label(hours: Decimal | None) -> str:
    """The median first response in words: "usually answers in ~3 h"."""
    if hours is None:
        return ""
    if hours < 1:
        return "usually answers within an hour"
    if hours < 36:
        return f"usually answers in ~{int(hours.to_integral_value())} h"
    days = int((hours / 24).to_integral_value())
    return f"usually answers in ~{days} days"


def pricing_model_label(model: str) -> str:
    return PRICING_MODEL_LABELS.get(model, model.replace("_", " "))


# --------------------------------------------------------------------------------------------
# Public listings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and what a pagination control needs."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)

    def iter_pages(self, edge: int = 1, around: int = 2) -> Iterator[int | None]:
        """Page numbers to show; None marks a gap ("…")."""
        last_shown = 0
        for n in range(1, self.pages + 1):
            if n <= edge or n > self.pages - edge or abs(n - self.page) <= around:
                if last_shown and n - last_shown > 1:
                    yield None
                yield n
                last_shown = n


@dataclass(frozen=True)
class CategoryCount:
    category: ServiceCategory
    vendors: int


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str
    vendors: int


def parse_page(value: object) -> int:
    """A page number from the query string; anything unusable means page 1."""
    try:
        return parse_int(value, min_value=1, max_value=MAX_PAGE)
    except ParseError:
        return 1


def parse_sort(value: object) -> str:
    """A sort key from the allowlist; anything else means the default."""
    return value if isinstance(value, str) and value in SORTS else DEFAULT_SORT


def category_counts() -> list[CategoryCount]:
    """Every category with its number of published vendors, in display order."""
    counts = dict(
        db.session.execute(
            select(VendorService.category_id, func.count(func.distinct(VendorService.vendor_id)))
            .join(Vendor, Vendor.id == VendorService.vendor_id)
            .where(Vendor.status == "published")
            .group_by(VendorService.category_id)
        ).all()
    )
    return [CategoryCount(c, int(counts.get(c.id, 0))) for c in all_categories()]


def country_counts() -> list[CountryCount]:
    """Countries that have published vendors, with counts, by name."""
    rows = db.session.execute(
        select(Vendor.country, func.count(Vendor.id))
        .where(Vendor.status == "published", Vendor.country != "")
        .group_by(Vendor.country)
    ).all()
    items = [CountryCount(code, country_name(code), int(n)) for code, n in rows]
    return sorted(items, key=lambda item: item.name)


def all_categories() -> list[ServiceCategory]:
    return list(
        db.session.scalars(
            select(ServiceCategory).order_by(ServiceCategory.position, ServiceCategory.name)
        )
    )


def category_by_slug(slug: str) -> ServiceCategory | None:
    return db.session.execute(
        select(ServiceCategory).where(ServiceCategory.slug == slug)
    ).scalar_one_or_none()


def _card_options() -> tuple[Any, ...]:
    """Eager loads for everything a result card shows (no query per card)."""
    return (
        selectinload(Vendor.services).selectinload(VendorService.category),
        selectinload(Vendor.certifications).selectinload(VendorCertification.certification),
    )


def _latest_rates_raw() -> Any:
    """Subquery: currency -> latest usd_per as its stored integer (10^-8 units)."""
    latest = (
        select(ExchangeRate.currency, func.max(ExchangeRate.as_of).label("as_of"))
        .group_by(ExchangeRate.currency)
        .subquery()
    )
    return (
        select(
            ExchangeRate.currency.label("currency"),
            type_coerce(ExchangeRate.usd_per, BigInteger).label("usd_per_raw"),
        )
        .join(
            latest,
            and_(latest.c.currency == ExchangeRate.currency, latest.c.as_of == ExchangeRate.as_of),
        )
        .subquery()
    )


def _listing_statement(conditions: list[Any], sort: str) -> Any:
    stmt = select(Vendor).where(*conditions)
    name_order = (func.lower(Vendor.name), Vendor.id)
    rating_raw = type_coerce(Vendor.rating_avg, BigInteger)  # hundredths of a star
    # Rating adjusted for the number of reviews (the comparison engine's prior: 5 reviews of 3.5),
    # so one 5-star review does not outrank a hundred 4.8s.
    bayes = (rating_raw * Vendor.review_count + 350 * 5) * 1000 / (Vendor.review_count + 5)
    no_rating = case((Vendor.rating_avg.is_(None), 1), else_=0)
    if sort == "rate":
        rates = _latest_rates_raw()
        usd_per = func.coalesce(
            rates.c.usd_per_raw,
            case((Vendor.rate_currency == "USD", literal(10**8, BigInteger)), else_=null()),
        )
        rate_raw = func.coalesce(
            type_coerce(Vendor.hourly_rate_min, BigInteger),
            type_coerce(Vendor.hourly_rate_max, BigInteger),
        )
        rate_usd = rate_raw * usd_per
        stmt = stmt.outerjoin(rates, rates.c.currency == Vendor.rate_currency).order_by(
            case((rate_usd.is_(None), 1), else_=0), rate_usd, *name_order
        )
    elif sort == "reviews":
        stmt = stmt.order_by(Vendor.review_count.desc(), no_rating, bayes.desc(), *name_order)
    elif sort == "name":
        stmt = stmt.order_by(*name_order)
    else:
        stmt = stmt.order_by(no_rating, bayes.desc(), Vendor.review_count.desc(), *name_order)
    return stmt


def list_vendors(
    *,
    category: ServiceCategory | None = None,
    country: str | None = None,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[Vendor]:
    """Published vendors in a category and/or country, sorted from the allowlist, one page.

    Pages past the end show the last page. A fixed number of queries whatever the page size.
    """
    sort = parse_sort(sort)
    conditions: list[Any] = [Vendor.status == "published"]
    if category is not None:
        conditions.append(
            exists().where(
                VendorService.vendor_id == Vendor.id, VendorService.category_id == category.id
            )
        )
    if country:
        conditions.append(Vendor.country == country)
    total = int(db.session.scalar(select(func.count(Vendor.id)).where(*conditions)) or 0)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    stmt = (
        _listing_statement(conditions, sort)
        .options(*_card_options())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = list(db.session.scalars(stmt).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)


# --------------------------------------------------------------------------------------------
# Profile page: visibility and view counting
# --------------------------------------------------------------------------------------------


def can_view_vendor(vendor: Vendor, viewer: Any) -> bool:
    """Published profiles are public; any other status only for its owner and admins."""
    if vendor.status == "published":
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return is_owner_or_admin(vendor, viewer)


def is_owner_or_admin(vendor: Vendor, viewer: Any) -> bool:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return bool(
        viewer.role == "admin" or (vendor.owner_id is not None and vendor.owner_id == viewer.id)
    )


def profile_for_viewer(slug: str, viewer: Any) -> Vendor | None:
    """The vendor behind ``/v/<slug>`` if ``viewer`` may see it, with everything the page shows."""
    vendor = db.session.execute(
        select(Vendor).where(Vendor.slug == slug).options(*_card_options())
    ).scalar_one_or_none()
    if vendor is None or not can_view_vendor(vendor, viewer):
        return None
    return vendor


def _insert(model: Any) -> Any:
    """A dialect-specific INSERT that supports ON CONFLICT on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def record_profile_view(vendor: Vendor, viewer: Any, now: datetime) -> bool:
    """Count one profile view for today; the owner's and admins' views don't count.

    Buffered (see :mod:`marketplace.directory.counters`): the page does no write of its own.
    """
    if is_owner_or_admin(vendor, viewer) or vendor.status != "published":
        return False
    counters(current_app).add(PROFILE_VIEWS, [vendor.id], now.date())
    return True


def record_search_appearances(vendor_ids: list[int], now: datetime) -> None:
    """Count one search appearance today for each vendor shown on a results page (buffered)."""
    counters(current_app).add(SEARCH_APPEARANCES, sorted(set(vendor_ids)), now.date())


def profile_views(vendor_id: int, day: date) -> int:
    return int(
        db.session.scalar(
            select(VendorDailyStat.profile_views).where(
                VendorDailyStat.vendor_id == vendor_id, VendorDailyStat.day == day
            )
        )
        or 0
    )


# --------------------------------------------------------------------------------------------
# Self-service: profile fields
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileInput:
    """What a vendor may set on its own profile, as typed; nothing else can be assigned."""

    name: str = ""
    tagline: str = ""
    description: str = ""
    website: str = ""
    country: str = ""
    city: str = ""
    founded_year: str = ""
    team_size: str = ""
    languages: tuple[str, ...] = ()
    hourly_rate_min: str = ""
    hourly_rate_max: str = ""
    rate_currency: str = "USD"


def _text(
    errors: dict[str, str], key: str, value: object, max_length: int, multiline: bool = False
) -> str:
    try:
        return clean_text(value, max_length=max_length, multiline=multiline)
    except ParseError as exc:
        errors[key] = str(exc)
        return ""


def _optional_int(
    errors: dict[str, str], key: str, value: object, *, min_value: int, max_value: int, label: str
) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_int(value, min_value=min_value, max_value=max_value, label=label)
    except ParseError as exc:
        errors[key] = str(exc)
        return None


def _optional_money(
    errors: dict[str, str], key: str, value: object, *, max_value: Decimal, places: int = 2
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_money(value, max_value=max_value, places=places)
    except ParseError as exc:
        errors[key] = str(exc)
        return None


def _currency(errors: dict[str, str], key: str, value: object, known: frozenset[str]) -> str:
    try:
        return parse_currency(value, known)
    except ParseError as exc:
        errors[key] = str(exc)
        return ""


def language_options(current: Iterable[str] = ()) -> tuple[str, ...]:
    """The fixed list, plus any language a profile already has (so saving never drops it)."""
    extra = sorted(set(current) - set(LANGUAGES), key=str.casefold)
    return (*LANGUAGES, *extra)


def parse_languages(values: Iterable[object], current: Iterable[str] = ()) -> tuple[str, ...]:
    """Languages from the list (or already on the profile), de-duplicated, in list order."""
    options = language_options(current)
    chosen = set()
    for value in values:
        if not isinstance(value, str) or value not in options:
            raise ParseError("Choose languages from the list.")
        chosen.add(value)
    return tuple(lang for lang in options if lang in chosen)


def update_profile(vendor_user: User, data: ProfileInput, now: datetime) -> Vendor:
    """Save the signed-in vendor's own profile fields; status, slug and plan never change here."""
    vendor = _own_vendor(vendor_user)
    errors: dict[str, str] = {}
    name = _text(errors, "name", data.name, NAME_MAX)
    if not name and "name" not in errors:
        errors["name"] = "Enter your company's name."
    elif name and len(name) < 2:
        errors["name"] = "Use at least 2 characters."
    tagline = _text(errors, "tagline", data.tagline, TAGLINE_MAX)
    description = _text(errors, "description", data.description, DESCRIPTION_MAX, multiline=True)
    try:
        website = safe_url(data.website)
    except ParseError as exc:
        errors["website"] = str(exc)
        website = ""
    country = (data.country or "").strip().upper()
    if country and not is_country(country):
        errors["country"] = "Choose a country from the list."
    city = _text(errors, "city", data.city, CITY_MAX)
    founded_year = _optional_int(
        errors,
        "founded_year",
        data.founded_year,
        min_value=FOUNDED_MIN,
        max_value=now.year,
        label="year",
    )
    team_size = _optional_int(
        errors,
        "team_size",
        data.team_size,
        min_value=1,
        max_value=TEAM_SIZE_MAX,
        label="number of people",
    )
    try:
        languages = parse_languages(data.languages, current=vendor.languages or ())
    except ParseError as exc:
        errors["languages"] = str(exc)
        languages = ()
    rate_min = _optional_money(errors, "hourly_rate_min", data.hourly_rate_min, max_value=RATE_MAX)
    rate_max = _optional_money(errors, "hourly_rate_max", data.hourly_rate_max, max_value=RATE_MAX)
    if rate_min is not None and rate_max is not None and rate_max < rate_min:
        errors["hourly_rate_max"] = "The highest rate cannot be below the lowest rate."
    currency = _currency(
        errors, "rate_currency", data.rate_currency or "USD", current_rates().currencies
    )
    if errors:
        raise FieldErrors(errors)

    vendor.name = name
    vendor.tagline = tagline
    vendor.description = description
    vendor.website = website
    vendor.country = country
    vendor.city = city
    vendor.founded_year = founded_year
    vendor.team_size = team_size
    vendor.languages = list(languages)
    vendor.hourly_rate_min = rate_min
    vendor.hourly_rate_max = rate_max
    vendor.rate_currency = currency
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return vendor


# --------------------------------------------------------------------------------------------
# Self-service: services per category
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceInput:
    """One service line as typed: a category, a pricing model and an indicative price."""

    category_id: str = ""
    pricing_model: str = ""
    indicative_price: str = ""
    currency: str = "USD"
    minimum_engagement_months: str = ""
    description: str = ""


@dataclass(frozen=True)
class _ServiceValues:
    category: ServiceCategory
    pricing_model: str
    indicative_price: Decimal
    currency: str
    minimum_engagement_months: int
    description: str


def _parse_service(
    vendor: Vendor, data: ServiceInput, editing: VendorService | None
) -> _ServiceValues:
    errors: dict[str, str] = {}
    category: ServiceCategory | None = None
    try:
        category_id = parse_int(data.category_id, min_value=1, label="category")
        category = db.session.get(ServiceCategory, category_id)
    except ParseError:
        category = None
    if category is None:
        errors["category_id"] = "Choose a service category."
    elif any(
        s.category_id == category.id and (editing is None or s.id != editing.id)
        for s in vendor.services
    ):
        errors["category_id"] = f"You already list {category.name}; edit that service instead."
    if data.pricing_model not in PRICING_MODELS:
        errors["pricing_model"] = "Choose how you charge for this service."
    price: Decimal | None = None
    try:
        price = parse_money(data.indicative_price, max_value=PRICE_MAX, places=4, allow_zero=False)
    except ParseError as exc:
        errors["indicative_price"] = str(exc)
    currency = _currency(errors, "currency", data.currency, current_rates().currencies)
    months = _optional_int(
        errors,
        "minimum_engagement_months",
        data.minimum_engagement_months,
        min_value=0,
        max_value=ENGAGEMENT_MAX_MONTHS,
        label="number of months",
    )
    description = _text(
        errors, "description", data.description, SERVICE_DESCRIPTION_MAX, multiline=True
    )
    if errors:
        raise FieldErrors(errors)
    assert category is not None and price is not None
    return _ServiceValues(category, data.pricing_model, price, currency, months or 0, description)


def _apply_service(service: VendorService, values: _ServiceValues) -> None:
    service.category = values.category
    service.pricing_model = values.pricing_model
    service.indicative_price = values.indicative_price
    service.currency = values.currency
    service.minimum_engagement_months = values.minimum_engagement_months
    service.description = values.description


def own_service(vendor_user: User, service_id: int) -> VendorService:
    """One of the signed-in vendor's own services; another vendor's id is not found."""
    vendor = _own_vendor(vendor_user)
    service = db.session.get(VendorService, service_id)
    if service is None or service.vendor_id != vendor.id:
        raise NotFound("That service is not on your profile.")
    return service


def add_service(vendor_user: User, data: ServiceInput, now: datetime) -> VendorService:
    """Offer a new category on the signed-in vendor's profile."""
    vendor = _own_vendor(vendor_user)
    values = _parse_service(vendor, data, editing=None)
    service = VendorService(vendor=vendor)
    _apply_service(service, values)
    db.session.add(service)
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return service


def update_service(
    vendor_user: User, service_id: int, data: ServiceInput, now: datetime
) -> VendorService:
    """Change one of the signed-in vendor's services."""
    service = own_service(vendor_user, service_id)
    vendor = service.vendor
    values = _parse_service(vendor, data, editing=service)
    _apply_service(service, values)
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return service


def remove_service(vendor_user: User, service_id: int, now: datetime) -> None:
    """Stop offering a category."""
    service = own_service(vendor_user, service_id)
    vendor = service.vendor
    vendor.services.remove(service)
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)


# --------------------------------------------------------------------------------------------
# Self-service: certifications
# --------------------------------------------------------------------------------------------


def all_certifications() -> list[Certification]:
    return list(db.session.scalars(select(Certification).order_by(Certification.name)))


def claim_certifications(
    vendor_user: User, certification_ids: Iterable[object], now: datetime
) -> Vendor:
    """Set the certifications the vendor claims: new ones start as 'claimed' (only an admin
    verifies), unticked ones are dropped, ones already held keep their status and evidence."""
    vendor = _own_vendor(vendor_user)
    known = {c.id: c for c in all_certifications()}
    wanted: set[int] = set()
    for raw in certification_ids:
        try:
            cert_id = parse_int(raw, min_value=1, label="certification")
        except ParseError:
            cert_id = 0
        if cert_id not in known:
            raise FieldErrors({"certifications": "Choose certifications from the list."})
        wanted.add(cert_id)
    for held in list(vendor.certifications):
        if held.certification_id not in wanted:
            vendor.certifications.remove(held)
    have = {held.certification_id for held in vendor.certifications}
    for cert_id in sorted(wanted - have):
        vendor.certifications.append(
            VendorCertification(certification=known[cert_id], status="claimed")
        )
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return vendor


# --------------------------------------------------------------------------------------------
# Self-service: logo
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogoChange:
    """The stored file name, and the previous one to delete after the commit."""

    name: str
    previous: str | None


def logo_dir(upload_dir: str | Path) -> Path:
    return Path(upload_dir) / "logos"


def is_logo_name(name: str) -> bool:
    return bool(LOGO_NAME_RE.fullmatch(name))


def _decode_logo(data: bytes) -> Image.Image:
    """Decode, check and normalise an uploaded image; refuses anything but PNG/JPEG/WebP."""
    refuse = "Upload a PNG, JPEG or WebP image (GIF, SVG and other files are not accepted)."
    try:
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as probe:
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise FieldErrors(
                    {"logo": "That image has too many pixels; use one under 5000 \u00d7 5000."}
                )
            probe.verify()  # structural check; the image must be reopened afterwards
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as img:
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the camera meant
            mode = (
                "RGBA" if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info else "RGB"
            )
            converted = img.convert(mode)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldErrors(
            {"logo": "That image has too many pixels; use one under 5000 \u00d7 5000."}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise FieldErrors({"logo": refuse}) from exc
    converted.thumbnail(LOGO_SIZE, Image.Resampling.LANCZOS)
    # A fresh image carries no metadata (EXIF, ICC, text chunks) from the upload.
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def save_logo(vendor_user: User, data: bytes, upload_dir: str | Path, now: datetime) -> LogoChange:
    """Decode the upload, re-encode it as a PNG of at most 256x256 under a random name, and
    point the profile at it. The caller deletes ``previous`` after committing."""
    vendor = _own_vendor(vendor_user)
    if not data:
        raise FieldErrors({"logo": "Choose an image file to upload."})
    if len(data) > LOGO_MAX_BYTES:
        raise FieldErrors({"logo": "That file is larger than 2 MB; please upload a smaller one."})
    image = _decode_logo(data)
    folder = logo_dir(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.png"
    tmp = folder / f".{name}.tmp"
    image.save(tmp, format="PNG", optimize=True)
    os.replace(tmp, folder / name)
    previous = vendor.logo_path
    vendor.logo_path = name
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return LogoChange(name=name, previous=previous)


def remove_logo(vendor_user: User, now: datetime) -> LogoChange:
    """Drop the profile's logo; the caller deletes the file after committing."""
    vendor = _own_vendor(vendor_user)
    previous = vendor.logo_path
    vendor.logo_path = None
    vendor.updated_at = now
    db.session.flush()
    enqueue_vendor(vendor.id)
    return LogoChange(name="", previous=previous)


def discard_logo_file(upload_dir: str | Path, name: str | None) -> None:
    """Delete a logo file that no profile uses any more (after the commit)."""
    if name and is_logo_name(name):
        (logo_dir(upload_dir) / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Completeness and review
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessItem:
    key: str  # the form field (or section) to fix
    label: str
    required: bool


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[CompletenessItem] = field(default_factory=list)

    @property
    def missing_required(self) -> list[CompletenessItem]:
        return [item for item in self.missing if item.required]

    @property
    def can_submit(self) -> bool:
        return not self.missing_required


def profile_completeness(vendor: Vendor) -> Completeness:
    """How complete a profile is (required items weigh double) and what is still missing."""
    checks: list[tuple[CompletenessItem, bool]] = [
        (CompletenessItem("name", "Company name", True), bool(vendor.name.strip())),
        (CompletenessItem("tagline", "A one-line tagline", True), bool(vendor.tagline.strip())),
        (
            CompletenessItem(
                "description", f"A description of at least {DESCRIPTION_MIN} characters", True
            ),
            len(vendor.description.strip()) >= DESCRIPTION_MIN,
        ),
        (CompletenessItem("country", "Your country", True), bool(vendor.country)),
        (
            CompletenessItem("services", "At least one service with an indicative price", True),
            bool(vendor.services),
        ),
        (CompletenessItem("logo", "A logo", False), bool(vendor.logo_path)),
        (CompletenessItem("website", "Your website", False), bool(vendor.website)),
        (CompletenessItem("city", "Your city", False), bool(vendor.city)),
        (
            CompletenessItem("founded_year", "The year you were founded", False),
            vendor.founded_year is not None,
        ),
        (CompletenessItem("team_size", "Your team size", False), vendor.team_size is not None),
        (CompletenessItem("languages", "The languages you work in", False), bool(vendor.languages)),
        (
            CompletenessItem("hourly_rate_min", "Your hourly rate range", False),
            vendor.hourly_rate_min is not None or vendor.hourly_rate_max is not None,
        ),
        (
            CompletenessItem("certifications", "Your certifications", False),
            bool(vendor.certifications),
        ),
    ]
    total = sum(2 if item.required else 1 for item, _ in checks)
    done = sum(2 if item.required else 1 for item, ok in checks if ok)
    missing = [item for item, ok in checks if not ok]
    return Completeness(percent=math.floor(100 * done / total), missing=missing)


def submit_for_review(vendor_user: User, now: datetime) -> Vendor:
    """Send a draft or rejected profile to the moderation queue (-> pending)."""
    vendor = _own_vendor(vendor_user)
    if vendor.status not in SUBMITTABLE_STATUSES:
        messages = {
            "pending": "Your profile is already waiting for review.",
            "published": "Your profile is already published; changes go live when you save.",
            "suspended": "Your profile is suspended; please contact support.",
        }
        raise DirectoryError(messages.get(vendor.status, "This profile cannot be submitted."))
    completeness = profile_completeness(vendor)
    if not completeness.can_submit:
        raise FieldErrors(
            {
                item.key: f"Add {item.label[0].lower()}{item.label[1:]} before submitting."
                for item in completeness.missing_required
            }
        )
    # Conditional update: a concurrent moderation decision wins, never silently overwritten.
    result = db.session.execute(
        update(Vendor)
        .where(Vendor.id == vendor.id, Vendor.status.in_(SUBMITTABLE_STATUSES))
        .values(status="pending", status_reason="", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DirectoryError("Your profile changed status meanwhile; please reload the page.")
    db.session.refresh(vendor)
    enqueue_vendor(vendor.id)
    return vendor


# --------------------------------------------------------------------------------------------
# Shortlist: the session's list for visitors, ShortlistEntry rows for signed-in buyers
# --------------------------------------------------------------------------------------------


def uses_saved_shortlist(user: Any) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.role == "buyer"
    )


def clean_session_shortlist(raw: object) -> list[int]:
    """The ids kept in the (signed) session, de-duplicated, ints only, at most the maximum."""
    ids: list[int] = []
    if isinstance(raw, list):
        for item in raw:
            if (
                isinstance(item, int)
                and not isinstance(item, bool)
                and item > 0
                and item not in ids
            ):
                ids.append(item)
    return ids[:SHORTLIST_MAX]


def _published_vendor(vendor_id: int) -> Vendor:
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None or vendor.status != "published":
        raise NotFound("That vendor is not in the directory.")
    return vendor


def _saved_ids(user: User) -> list[int]:
    return list(
        db.session.scalars(
            select(ShortlistEntry.vendor_id)
            .where(ShortlistEntry.user_id == user.id)
            .order_by(ShortlistEntry.created_at, ShortlistEntry.vendor_id)
        )
    )


def shortlist_ids(user: Any, session_ids: list[int]) -> list[int]:
    """The shortlisted vendor ids, in the order they were added."""
    if uses_saved_shortlist(user):
        return _saved_ids(user)
    return clean_session_shortlist(session_ids)


def shortlist_count(user: Any, session_ids: list[int]) -> int:
    """How many published vendors are on the shortlist (the header counter)."""
    if uses_saved_shortlist(user):
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(ShortlistEntry)
                .join(Vendor, Vendor.id == ShortlistEntry.vendor_id)
                .where(ShortlistEntry.user_id == user.id, Vendor.status == "published")
            )
            or 0
        )
    return len(clean_session_shortlist(session_ids))


def _add_saved(user: User, vendor_id: int, now: datetime) -> None:
    stmt = (
        _insert(ShortlistEntry)
        .values(user_id=user.id, vendor_id=vendor_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "vendor_id"])
    )
    db.session.execute(stmt)


def add_to_shortlist(user: Any, vendor_id: int, session_ids: list[int], now: datetime) -> list[int]:
    """Add a published vendor; returns the session list to store (unchanged for buyers).

    At most ``SHORTLIST_MAX`` vendors; adding one already there changes nothing.
    """
    _published_vendor(vendor_id)
    current = shortlist_ids(user, session_ids)
    if vendor_id in current:
        return clean_session_shortlist(session_ids)
    if len(current) >= SHORTLIST_MAX:
        raise DirectoryError(
            f"Your shortlist is full ({SHORTLIST_MAX} vendors). Remove one to add another."
        )
    if uses_saved_shortlist(user):
        _add_saved(user, vendor_id, now)
        db.session.flush()
        return clean_session_shortlist(session_ids)
    return [*current, vendor_id]


def remove_from_shortlist(user: Any, vendor_id: int, session_ids: list[int]) -> list[int]:
    """Take a vendor off the shortlist (any status); returns the session list to store."""
    if uses_saved_shortlist(user):
        db.session.execute(
            ShortlistEntry.__table__.delete().where(
                ShortlistEntry.user_id == user.id, ShortlistEntry.vendor_id == vendor_id
            )
        )
    return [i for i in clean_session_shortlist(session_ids) if i != vendor_id]


def merge_shortlist(user: Any, session_ids: list[int], now: datetime) -> int:
    """Save a visitor's session shortlist into a buyer's saved one after sign-in.

    Only published vendors, never past the maximum; returns how many were added.
    """
    if not uses_saved_shortlist(user):
        return 0
    incoming = clean_session_shortlist(session_ids)
    if not incoming:
        return 0
    saved = _saved_ids(user)
    room = SHORTLIST_MAX - len(saved)
    published = set(
        db.session.scalars(
            select(Vendor.id).where(Vendor.id.in_(incoming), Vendor.status == "published")
        )
    )
    added = 0
    for vendor_id in incoming:
        if added >= room:
            break
        if vendor_id in published and vendor_id not in saved:
            _add_saved(user, vendor_id, now)
            added += 1
    db.session.flush()
    return added


def shortlisted_vendors(user: Any, session_ids: list[int]) -> list[Vendor]:
    """The published vendors on the shortlist, in the order they were added."""
    ids = shortlist_ids(user, session_ids)
    if not ids:
        return []
    vendors = {
        v.id: v
        for v in db.session.scalars(
            select(Vendor)
            .where(Vendor.id.in_(ids), Vendor.status == "published")
            .options(*_card_options())
        )
    }
    return [vendors[i] for i in ids if i in vendors]
