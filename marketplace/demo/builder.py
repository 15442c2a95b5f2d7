"""Builds the demo dataset in memory as plain row dictionaries, ready for bulk INSERTs.

Everything is drawn from one ``random.Random(seed)`` and every timestamp is derived from a fixed
reference ``now``, so the same seed gives the same rows. Ids are assigned here (starting after the
largest id already in each table) so parents and children can be linked without round trips; the
writer in ``generator.py`` inserts them table by table and moves PostgreSQL sequences past them.

The workflow states follow DESIGN section 4; the rules the rows obey are spelled out where they
are made (see ``_settle``) and checked by tests/integration/test_demo.py.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from statistics import median
from typing import Any, TypeVar

from marketplace.demo import words as W
from marketplace.directory.services import slugify

T = TypeVar("T")
Row = dict[str, Any]

D = Decimal
CENT = D("0.01")

# Share of vendors whose main line of business is each category.
CATEGORY_WEIGHTS = {
    "payroll": 18,
    "it-services": 18,
    "data-entry": 16,
    "hr-recruitment": 13,
    "finance-accounting": 17,
    "customer-support": 18,
}
# Which other categories a vendor tends to add to its main one.
CATEGORY_AFFINITY = {
    "payroll": {
        "hr-recruitment": 5,
        "finance-accounting": 6,
        "data-entry": 2,
        "customer-support": 1,
        "it-services": 1,
    },
    "it-services": {
        "customer-support": 6,
        "data-entry": 3,
        "finance-accounting": 1,
        "hr-recruitment": 1,
        "payroll": 1,
    },
    "data-entry": {
        "finance-accounting": 5,
        "customer-support": 4,
        "it-services": 2,
        "payroll": 2,
        "hr-recruitment": 1,
    },
    "hr-recruitment": {
        "payroll": 6,
        "finance-accounting": 2,
        "data-entry": 2,
        "customer-support": 1,
        "it-services": 1,
    },
    "finance-accounting": {
        "payroll": 6,
        "data-entry": 4,
        "hr-recruitment": 2,
        "customer-support": 1,
        "it-services": 1,
    },
    "customer-support": {
        "it-services": 5,
        "data-entry": 4,
        "hr-recruitment": 2,
        "finance-accounting": 1,
        "payroll": 1,
    },
}
# (pricing model, weight, low USD, high USD) per category: the indicative price ranges.
PRICING: dict[str, tuple[tuple[str, int, Decimal, Decimal], ...]] = {
    "payroll": (("per_unit_month", 85, D("4"), D("25")), ("fixed_month", 15, D("4"), D("25"))),
    "it-services": (
        ("per_unit_month", 65, D("30"), D("120")),
        ("fixed_month", 35, D("30"), D("120")),
    ),
    "data-entry": (
        ("per_transaction", 60, D("0.02"), D("0.30")),
        ("per_hour", 40, D("6"), D("25")),
    ),
    "hr-recruitment": (("per_hour", 100, D("10"), D("45")),),
    "finance-accounting": (("per_hour", 100, D("15"), D("70")),),
    "customer-support": (("per_hour", 70, D("8"), D("35")), ("fixed_month", 30, D("8"), D("35"))),
}
# A fixed monthly fee is priced from a per-unit rate (the range above) times this many units:
# for the listing (a typical small client) and per unit of quantity in a quote.
FIXED_LISTING_UNITS = {"payroll": 150, "it-services": 60, "customer-support": 3 * 160}
FIXED_UNITS_PER_QUANTITY = {"payroll": 1, "it-services": 1, "customer-support": 160}
QUANTITY_RANGE = {
    "payroll": (40, 2500, 5),
    "it-services": (25, 1500, 5),
    "data-entry": (2000, 250000, 500),
    "hr-recruitment": (1, 12, 1),
    "finance-accounting": (40, 600, 10),
    "customer-support": (2, 40, 1),
}
UNITS = {
    "payroll": "employees paid per month",
    "it-services": "users supported",
    "data-entry": "records per month",
    "hr-recruitment": "FTE",
    "finance-accounting": "hours per month",
    "customer-support": "FTE",
}
TURNAROUND_HOURS = {
    "payroll": (24, 72),
    "it-services": (1, 8),
    "data-entry": (12, 48),
    "hr-recruitment": (48, 240),
    "finance-accounting": (24, 96),
    "customer-support": (1, 24),
}
ACCURACY_RANGE = {  # in hundredths of a percent; None: the SLA is not about accuracy
    "payroll": (9900, 9995),
    "it-services": None,
    "data-entry": (9850, 9995),
    "hr-recruitment": None,
    "finance-accounting": (9900, 9990),
    "customer-support": (9200, 9900),
}
CATEGORY_CERTS = {
    "payroll": ("iso-27001", "soc-2", "gdpr", "iso-9001"),
    "it-services": ("iso-27001", "soc-2", "cyber-essentials", "iso-22301", "iso-9001"),
    "data-entry": ("iso-27001", "hipaa", "gdpr", "iso-9001"),
    "hr-recruitment": ("gdpr", "iso-9001", "iso-27001"),
    "finance-accounting": ("soc-2", "iso-27001", "gdpr", "pci-dss"),
    "customer-support": ("pci-dss", "iso-27001", "gdpr", "hipaa", "iso-22301"),
}
CERTS_WITH_EXPIRY = {"iso-27001", "soc-2", "iso-9001", "pci-dss", "iso-22301", "cyber-essentials"}
VENDOR_STATUS_WEIGHTS = (
    ("published", 920),
    ("draft", 30),
    ("pending", 25),
    ("rejected", 10),
    ("suspended", 15),
)
CONTRACT_MONTHS = (6, 12, 12, 12, 12, 18, 24, 24, 36)
INVITE_COUNTS = ((1, 5), (2, 15), (3, 35), (4, 25), (5, 20))
WEIGHT_VARIANTS = (
    {"price": 50, "quality": 20, "sla": 15, "compliance": 10, "responsiveness": 5},
    {"price": 30, "quality": 30, "sla": 20, "compliance": 10, "responsiveness": 10},
    {"price": 35, "quality": 20, "sla": 10, "compliance": 25, "responsiveness": 10},
    {"price": 60, "quality": 20, "sla": 10, "compliance": 5, "responsiveness": 5},
)
DEFAULT_WEIGHTS = {"price": 40, "quality": 25, "sla": 15, "compliance": 10, "responsiveness": 10}
FREE_MONTHLY_QUOTES = 5  # quotes.services' FREE_PLAN_MONTHLY_QUOTES default
LAUNCH_DAYS_AGO = 1390  # the marketplace opened in early 2023

_TRANSLIT = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "\u0131": "i",  # dotless i
        "'": "",
    }
)


def ascii_slug(text: str, max_length: int = 60) -> str:
    """``slugify`` after folding letters that have no Unicode decomposition (ł, đ, ß ...)."""
    return slugify(text.translate(_TRANSLIT), max_length=max_length)


def nice_price(amount: Decimal) -> Decimal:
    """Round a unit price the way a price list would show it ($8.50, $0.045, ₹1,350)."""
    if amount >= 1000:
        step = D(10)
    elif amount >= 100:
        step = D(1)
    elif amount >= 10:
        step = D("0.5")
    elif amount >= 1:
        step = D("0.05")
    else:
        step = D("0.005")
    value = max(step, (amount / step).quantize(D(1), ROUND_HALF_UP) * step)
    return value.quantize(D("0.0001") if step < CENT else CENT)


def nice_amount(amount: Decimal) -> Decimal:
    """Round a fee or budget to a figure people write down (1,250.00 not 1,247.31)."""
    step = D(10) if amount < 1000 else D(50) if amount < 10000 else D(100)
    return ((amount / step).quantize(D(1), ROUND_HALF_UP) * step).quantize(CENT)


def at(base: datetime, hours: float) -> datetime:
    """``base`` plus a number of hours, to the whole second."""
    return base + timedelta(seconds=round(hours * 3600))


@dataclass
class VendorRec:
    row: Row
    country: W.Country
    currency: str
    categories: list[str]
    services: dict[str, tuple[str, float]]  # category -> (pricing model, price position 0..1)
    certs: list[str]
    quality: float  # what its reviews average out at, roughly
    popularity: float  # how often buyers pick it
    response_hours: float  # typical first response
    responses: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.row["id"])


@dataclass
class InvRec:
    row: Row
    vendor: VendorRec
    quotes: list[Row] = field(default_factory=list)

    @property
    def live_quote(self) -> Row | None:
        """The latest version, unless the vendor withdrew it."""
        if self.quotes and self.quotes[-1]["status"] != "withdrawn":
            return self.quotes[-1]
        return None


@dataclass
class Tables:
    users: list[Row] = field(default_factory=list)
    vendors: list[Row] = field(default_factory=list)
    vendor_services: list[Row] = field(default_factory=list)
    vendor_certifications: list[Row] = field(default_factory=list)
    quote_requests: list[Row] = field(default_factory=list)
    request_certifications: list[Row] = field(default_factory=list)
    invitations: list[Row] = field(default_factory=list)
    quotes: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    thread_reads: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)
    flags: list[Row] = field(default_factory=list)
    audit_log: list[Row] = field(default_factory=list)
    notifications: list[Row] = field(default_factory=list)
    quote_allowance_usage: list[Row] = field(default_factory=list)
    vendor_daily_stats: list[Row] = field(default_factory=list)
    shortlist_entries: list[Row] = field(default_factory=list)


class DemoBuilder:
    """Draws the whole demo world; ``build()`` fills ``self.t`` (one list of rows per table)."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        category_ids: dict[str, int],
        certification_ids: dict[str, int],
        usd_per: dict[str, Decimal],
        password_hash: str,
        first_ids: dict[str, int],
        demo_accounts: Sequence[tuple[str, str, str]],
        link: Callable[..., str] = lambda endpoint, **values: "/dashboard",
    ) -> None:
        self.link = link  # endpoint + values -> path (url_for in the app; a stub elsewhere)
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        self.launch = (now - timedelta(days=LAUNCH_DAYS_AGO)).replace(hour=9, minute=0, second=0)
        self.category_ids = category_ids
        self.cert_ids = certification_ids
        self.usd_per = usd_per
        self.password_hash = password_hash
        self.next_ids = dict(first_ids)
        self.demo_accounts = list(demo_accounts)
        self.t = Tables()
        self.vendors: list[VendorRec] = []
        self.buyers: list[Row] = []
        self.names_taken: set[str] = set()
        self.slugs_taken: set[str] = set()
        self.emails_taken: set[str] = set()
        self.companies_taken: set[str] = set()
        self.pools: dict[str, tuple[list[VendorRec], list[datetime], list[float]]] = {}
        self.admin: Row = {}
        self.demo_buyer: Row = {}
        self.demo_vendor_user: Row = {}
        self.demo_vendor: VendorRec | None = None
        self.showcase: dict[str, VendorRec] = {}
        self.awarded: list[tuple[Row, InvRec]] = []  # (request, winning invitation)
        # request id -> (overall rating, review status, with a vendor reply): scripted reviews
        self.forced_reviews: dict[int, tuple[int, str, bool]] = {}
        self.buyer_times: list[datetime] = []
        self.first_quotes: dict[tuple[int, str], int] = {}  # (vendor id, "YYYY-MM") -> count
        self.requests_by_id: dict[int, Row] = {}
        self.vendor_by_id: dict[int, VendorRec] = {}
        self.user_by_id: dict[int, Row] = {}

    # ------------------------------------------------------------------ small helpers

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, pairs: Sequence[tuple[T, float]]) -> T:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def to_currency(self, usd: Decimal, currency: str) -> Decimal:
        return usd / self.usd_per[currency]

    def person(self, people: str) -> tuple[str, str]:
        return self.pick(W.FIRST_NAMES[people]), self.pick(W.LAST_NAMES[people])

    def unique_email(self, first: str, last: str, domain: str) -> str:
        local = ascii_slug(f"{first}.{last}", 40).replace("-", ".") or "user"
        address = f"{local}@{domain}"
        n = 2
        while address in self.emails_taken:
            address = f"{local}{n}@{domain}"
            n += 1
        self.emails_taken.add(address)
        return address

    def add_user(
        self,
        *,
        email: str,
        role: str,
        display_name: str,
        company: str,
        created_at: datetime,
        verified: bool = True,
        last_login_at: datetime | None = None,
    ) -> Row:
        row: Row = {
            "id": self.new_id("users"),
            "email": email,
            "email_key": email.lower(),
            "password_hash": self.password_hash,
            "role": role,
            "display_name": display_name,
            "company": company,
            "active": True,
            "email_verified_at": at(created_at, 0.2) if verified else None,
            "password_changed_at": created_at,
            "last_login_at": last_login_at,
            "created_at": created_at,
        }
        self.emails_taken.add(email.lower())
        self.t.users.append(row)
        self.user_by_id[row["id"]] = row
        return row

    def audit(
        self, action: str, target_type: str, target_id: int | None, when: datetime, **details: Any
    ) -> None:
        self.t.audit_log.append(
            {
                "id": self.new_id("audit_log"),
                "actor_id": self.admin["id"],
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "details": details,
                "created_at": when,
            }
        )

    def notify(
        self,
        user_id: int,
        kind: str,
        message: str,
        when: datetime,
        read: bool = False,
        endpoint: str = "accounts.dashboard",
        **values: Any,
    ) -> None:
        """An in-app notification, worded and linked like the feature services write them."""
        self.t.notifications.append(
            {
                "id": self.new_id("notifications"),
                "user_id": user_id,
                "kind": kind,
                "message": message[:300],
                "link": self.link(endpoint, **values),
                "created_at": when,
                "read_at": at(when, 3) if read and at(when, 3) < self.now else None,
            }
        )

    # ------------------------------------------------------------------ the whole world

    def build(self, vendor_count: int) -> Tables:
        self.make_staff()
        self.make_showcase_vendors()
        for _ in range(vendor_count - len(self.showcase)):
            self.make_random_vendor()
        self.make_buyers(max(8, round(vendor_count / 10)))
        self.make_pools()
        # The scripted scenario first, so its quotes take free-plan allowance before the crowd.
        self.make_demo_buyer_requests()
        self.make_demo_vendor_leads()
        for _ in range(round(vendor_count * 2.4)):
            self.make_random_request()
        self.make_reviews()
        self.make_flags()
        self.finish_vendors()
        self.make_extras()
        return self.t

    # ------------------------------------------------------------------ people

    def make_staff(self) -> None:
        """The three demo accounts: admin, buyer, and the vendor user (its vendor comes next)."""
        joined = at(self.launch, 24 * 20)
        emails = {role: (email, password) for role, email, password in self.demo_accounts}
        self.admin = self.add_user(
            email=emails["admin"][0],
            role="admin",
            display_name="Sam Patel",
            company="Marketplace Trust & Safety",
            created_at=self.launch,
            last_login_at=at(self.now, -20),
        )
        self.demo_buyer = self.add_user(
            email=emails["buyer"][0],
            role="buyer",
            display_name="Alex Morgan",
            company="Northwind Manufacturing",
            created_at=joined,
            last_login_at=at(self.now, -26),
        )
        self.demo_vendor_user = self.add_user(
            email=emails["vendor"][0],
            role="vendor",
            display_name="Ana Reyes",
            company="Meridian Payroll Partners",
            created_at=joined,
            last_login_at=at(self.now, -30),
        )
        self.companies_taken.add("Northwind Manufacturing")

    def make_buyers(self, count: int) -> None:
        span = (self.now - self.launch).days - 90
        for i in range(count):
            country = self.weighted(W.BUYER_COUNTRIES)
            first, last = self.person(W.BUYER_PEOPLE[country])
            company = self.unique_company()
            created = at(
                self.launch, 24 * (30 + span * (i / count) ** 1.3) + self.rng.randint(0, 72)
            )
            row = self.add_user(
                email=self.unique_email(first, last, f"{ascii_slug(company, 40)}.example"),
                role="buyer",
                display_name=f"{first} {last}",
                company=company,
                created_at=created,
                last_login_at=at(self.now, -self.rng.randint(2, 24 * 120)),
            )
            row["_currency"] = W.BUYER_CURRENCY[country]
            self.buyers.append(row)
        self.buyers.sort(key=lambda b: (b["created_at"], b["id"]))
        self.buyer_times = [b["created_at"] for b in self.buyers]
        self.demo_buyer["_currency"] = "USD"

    def unique_company(self) -> str:
        for _ in range(100):
            name = f"{self.pick(W.BUYER_COMPANY_HEADS)} {self.pick(W.BUYER_COMPANY_TAILS)}"
            if name not in self.companies_taken:
                break
        else:
            name = f"{name} {len(self.companies_taken)}"
        self.companies_taken.add(name)
        return name

    # ------------------------------------------------------------------ vendors

    def unique_vendor_name(self, country: W.Country, category: str) -> str:
        rng = self.rng
        for attempt in range(200):
            shape = rng.random()
            core = (
                self.pick(W.CORE_NAMES[category])
                if rng.random() < 0.7
                else self.pick(W.GENERIC_CORES)
            )
            if shape < 0.5:
                name = f"{self.pick(W.NAME_PREFIXES)} {core}"
            elif shape < 0.68:
                name = f"{self.pick(W.BRAND_HEADS)}{self.pick(W.BRAND_TAILS)} {core}"
            elif shape < 0.86:
                name = f"{self.pick(W.PLACE_WORDS[country.code])} {core}"
            elif shape < 0.94:
                a, b = (
                    self.pick(W.LAST_NAMES[country.people]),
                    self.pick(W.LAST_NAMES[country.people]),
                )
                if a == b:
                    continue
                name = f"{a} & {b} {core}"
            else:
                name = f"{self.pick(W.BRAND_HEADS)}{self.pick(W.BRAND_TAILS)}"
            if attempt > 150:
                name = f"{name} {self.pick(country.cities)}"
            if name.lower() in self.names_taken or ascii_slug(name) in self.slugs_taken:
                continue
            self.names_taken.add(name.lower())
            if rng.random() < 0.32:
                name = f"{name} {self.pick(country.legal)}"
            return name
        raise RuntimeError("ran out of vendor names")  # pragma: no cover - 10^5 combinations

    def make_random_vendor(self) -> VendorRec:
        rng = self.rng
        country = self.weighted([(c, c.weight) for c in W.COUNTRIES])
        main = self.weighted(list(CATEGORY_WEIGHTS.items()))
        categories = [main]
        for _ in range(self.weighted([(0, 45), (1, 38), (2, 17)])):
            options = [(c, w) for c, w in CATEGORY_AFFINITY[main].items() if c not in categories]
            categories.append(self.weighted(options))
        status = self.weighted(VENDOR_STATUS_WEIGHTS)
        team = max(3, min(4000, round(math.exp(rng.gauss(3.5 + 0.3 * (country.tier == 0), 1.15)))))
        age = 2 + rng.randint(0, 5) + round(math.log(team) * 1.6 * rng.random())
        founded = max(1986, min(self.now.year - 1, self.now.year - age))
        span_hours = ((self.now - self.launch).days - 12) * 24
        if status == "pending":
            created = at(self.now, -rng.randint(12, 24 * 20))
        else:
            created = at(self.launch, span_hours * rng.random() ** 0.8)
        position = {0: (0.0, 0.45), 1: (0.2, 0.7), 2: (0.5, 1.0)}[country.tier]
        return self.add_vendor(
            name=self.unique_vendor_name(country, main),
            country=country,
            city=self.pick(country.cities),
            currency=self.weighted(country.currencies),
            categories=categories,
            status=status,
            created=created,
            team=team,
            founded=founded,
            price_level=rng.uniform(*position),
            verified=status in ("published", "suspended")
            and rng.random() < 0.42 + 0.1 * (team > 150),
            plan="pro" if status in ("published", "suspended") and rng.random() < 0.13 else "free",
        )

    def add_vendor(
        self,
        *,
        name: str,
        country: W.Country,
        city: str,
        currency: str,
        categories: list[str],
        status: str,
        created: datetime,
        team: int,
        founded: int,
        price_level: float,
        verified: bool,
        plan: str,
        certs: dict[str, str] | None = None,
        languages: list[str] | None = None,
        tagline: str | None = None,
        description: str | None = None,
        owner: Row | None = None,
        prices: dict[str, tuple[str, Decimal]] | None = None,
    ) -> VendorRec:
        rng = self.rng
        main = categories[0]
        slug = self.vendor_slug(name, country)
        if owner is None:
            first, last = self.person(country.people)
            owner = self.add_user(
                email=self.unique_email(first, last, f"{slug}.example"),
                role="vendor",
                display_name=f"{first} {last}",
                company=name,
                created_at=at(created, -0.5),
                verified=status != "draft" or rng.random() < 0.6,
                last_login_at=at(self.now, -rng.randint(1, 24 * 200))
                if status != "draft"
                else None,
            )
        if languages is None:
            languages = list(country.languages)
            extra = [x for x in country.extra_languages if x not in languages]
            languages += rng.sample(
                extra, k=min(len(extra), self.weighted([(0, 45), (1, 40), (2, 15)]))
            )
            if "English" not in languages:
                languages.append("English")
        complete = status != "draft" or rng.random() < 0.5
        published_at = None
        if status in ("published", "suspended"):
            published_at = at(created, rng.randint(6, 24 * 5))
            if published_at >= self.now:
                published_at = at(self.now, -1)
        if certs is None:
            certs = {}
            count = self.weighted([(0, 30), (1, 35), (2, 22), (3, 10), (4, 3)])
            if team > 200:
                count += 1
            pool = list(dict.fromkeys(s for c in categories for s in CATEGORY_CERTS[c]))
            for slug_ in rng.sample(pool, k=min(count, len(pool))):
                certs[slug_] = (
                    "verified"
                    if published_at and rng.random() < (0.75 if verified else 0.12)
                    else "claimed"
                )
        rate_usd_low = {0: (6, 14), 1: (12, 26), 2: (30, 60)}[country.tier]
        rate_min_usd = D(rng.randint(*rate_usd_low))
        rate_max_usd = rate_min_usd + D(rng.randint(4, 12 + 10 * country.tier))
        has_rate = complete and rng.random() < 0.96
        row: Row = {
            "id": self.new_id("vendors"),
            "slug": slug,
            "name": name,
            "tagline": (
                tagline
                if tagline is not None
                else self.tagline(main, city, country, languages)
                if complete
                else ""
            ),
            "description": "",
            "website": f"https://www.{slug}.example" if complete and rng.random() < 0.9 else "",
            "country": country.code,
            "city": city,
            "founded_year": founded if complete else None,
            "team_size": team if complete else None,
            "languages": languages if complete else [],
            "hourly_rate_min": self.whole(self.to_currency(rate_min_usd, currency))
            if has_rate
            else None,
            "hourly_rate_max": self.whole(self.to_currency(rate_max_usd, currency))
            if has_rate
            else None,
            "rate_currency": currency,
            "logo_path": None,
            "status": status,
            "status_reason": "",
            "verified": verified,
            "plan": plan,
            "owner_id": owner["id"],
            "rating_avg": None,
            "review_count": 0,
            "median_response_hours": None,
            "created_at": created,
            "updated_at": published_at or at(created, 2),
            "published_at": published_at,
        }
        rec = VendorRec(
            row=row,
            country=country,
            currency=currency,
            categories=categories,
            services={},
            certs=list(certs),
            quality=max(2.3, min(4.95, rng.gauss(4.15, 0.45))),
            popularity=min(25.0, rng.paretovariate(1.5)) * (1.4 if plan == "pro" else 1.0),
            response_hours=max(0.4, min(96.0, math.exp(rng.gauss(math.log(7), 0.9)))),
        )
        if complete:
            for category in categories:
                if prices and category in prices:
                    model, price = prices[category]
                    level = price_level
                else:
                    specs = PRICING[category]
                    model = self.weighted([(s[0], s[1]) for s in specs])
                    level = max(0.0, min(1.0, price_level + rng.gauss(0, 0.08)))
                    price = self.list_price(category, model, level, currency)
                rec.services[category] = (model, level)
                self.t.vendor_services.append(
                    {
                        "id": self.new_id("vendor_services"),
                        "vendor_id": row["id"],
                        "category_id": self.category_ids[category],
                        "pricing_model": model,
                        "indicative_price": price,
                        "currency": currency,
                        "minimum_engagement_months": self.pick((0, 0, 1, 3, 3, 6, 6, 12)),
                        "description": self.pick(W.SERVICE_DESCRIPTIONS[category]),
                    }
                )
            row["description"] = (
                description
                if description is not None
                else self.vendor_description(rec, city, founded, team, languages)
            )
        for cert_slug, cert_status in certs.items():
            verified_at = None
            if cert_status == "verified":
                verified_at = at(published_at or created, rng.randint(24, 24 * 60))
                if verified_at >= self.now:
                    verified_at = at(self.now, -2)
            expires = None
            if cert_slug in CERTS_WITH_EXPIRY:
                expires = self.today + timedelta(
                    days=rng.randint(-90 if cert_status == "claimed" else 30, 1000)
                )
            code = cert_slug.upper().replace("-", "")
            ref = f"{code}-{rng.randint(2022, 2026)}-{rng.randint(1000, 99999)}"
            self.t.vendor_certifications.append(
                {
                    "vendor_id": row["id"],
                    "certification_id": self.cert_ids[cert_slug],
                    "status": cert_status,
                    "evidence_note": self.pick(W.CERT_EVIDENCE).format(ref=ref)
                    if verified_at
                    else "",
                    "expires_on": expires,
                    "verified_at": verified_at,
                    "verified_by_id": self.admin["id"] if verified_at else None,
                }
            )
            if verified_at:
                link = self.t.vendor_certifications[-1]
                self.audit(
                    "certification.verify",
                    "vendor",
                    row["id"],
                    verified_at,
                    before={
                        "status": "claimed",
                        "evidence_note": "",
                        "expires_on": expires.isoformat() if expires else None,
                    },
                    after={
                        "status": "verified",
                        "evidence_note": link["evidence_note"],
                        "expires_on": expires.isoformat() if expires else None,
                    },
                    certification_id=self.cert_ids[cert_slug],
                    certification=cert_slug,
                )
        self.moderate_vendor(row)
        self.t.vendors.append(row)
        self.vendors.append(rec)
        self.vendor_by_id[row["id"]] = rec
        return rec

    def vendor_slug(self, name: str, country: W.Country) -> str:
        """The name without its company form ("Sp. z o.o.", "Ltd"), slugified; unique."""
        slug = ascii_slug(self.base_name(name, country))
        candidate, n = slug, 2
        while candidate in self.slugs_taken:
            candidate = f"{slug}-{n}"
            n += 1
        self.slugs_taken.add(candidate)
        return candidate

    @staticmethod
    def base_name(name: str, country: W.Country) -> str:
        for legal in country.legal:
            name = name.removesuffix(" " + legal)
        return name

    def whole(self, amount: Decimal) -> Decimal:
        step = D(10) if amount >= 500 else D(1)
        return max(step, (amount / step).quantize(D(1), ROUND_HALF_UP) * step).quantize(CENT)

    def list_price(self, category: str, model: str, level: float, currency: str) -> Decimal:
        low, high = next((s[2], s[3]) for s in PRICING[category] if s[0] == model)
        unit_usd = low + (high - low) * D(str(round(level, 4)))
        if model == "fixed_month":
            unit_usd *= FIXED_LISTING_UNITS[category]
        return nice_price(self.to_currency(unit_usd, currency))

    def moderate_vendor(self, row: Row) -> None:
        rng = self.rng
        created = row["created_at"]
        if row["published_at"]:
            self.audit(
                "vendor.approve",
                "vendor",
                row["id"],
                row["published_at"],
                before={"status": "pending", "status_reason": ""},
                after={"status": "published", "status_reason": ""},
            )
        if row["status"] == "rejected":
            row["status_reason"] = self.pick(W.REJECT_REASONS)
            when = min(at(created, rng.randint(24, 24 * 6)), at(self.now, -5))
            row["updated_at"] = when
            self.audit(
                "vendor.reject",
                "vendor",
                row["id"],
                when,
                before={"status": "pending", "status_reason": ""},
                after={"status": "rejected", "status_reason": row["status_reason"]},
            )
        elif row["status"] == "suspended":
            row["status_reason"] = self.pick(W.SUSPEND_REASONS)
            when = min(at(row["published_at"], rng.randint(24 * 20, 24 * 400)), at(self.now, -4))
            row["updated_at"] = when
            self.audit(
                "vendor.suspend",
                "vendor",
                row["id"],
                when,
                before={"status": "published", "status_reason": ""},
                after={"status": "suspended", "status_reason": row["status_reason"]},
            )

    def tagline(self, category: str, city: str, country: W.Country, languages: list[str]) -> str:
        langs = " and ".join(languages[:2]) if len(languages) > 1 else languages[0]
        return self.pick(W.TAGLINES[category]).format(
            city=city, country=country.name, languages=langs
        )

    def vendor_description(
        self, rec: VendorRec, city: str, founded: int, team: int, languages: list[str]
    ) -> str:
        name = rec.row["name"]
        main = rec.categories[0]
        kind = self.pick(W.KIND_PHRASES[main])
        article = "an" if kind[0] in "aeiouAEIOU" else "a"
        intro = (
            f"{name} is {article} {kind} based in {city}, {rec.country.name}. Since {founded} "
            f"we have worked for {self.pick(W.CLIENT_TYPES)}."
        )
        service_lines = [self.pick(W.SERVICE_SENTENCES[c]) for c in rec.categories]
        langs = (
            ", ".join(languages[:-1]) + f" and {languages[-1]}"
            if len(languages) > 1
            else languages[0]
        )
        team_line = (
            f"A team of {team:,} {self.pick(W.TEAM_WORDS)} works in {langs}, "
            f"{self.pick(W.COVERAGE_PHRASES)}."
        )
        paragraphs = [intro + " " + " ".join(service_lines), team_line]
        if rec.certs:
            names = [CERT_NAMES[s] for s in rec.certs]
            certs = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
            paragraphs[1] += " " + self.pick(W.COMPLIANCE_SENTENCES).format(certs=certs)
        paragraphs.append(self.pick(W.CLOSING_SENTENCES))
        return "\n\n".join(paragraphs)

    def make_showcase_vendors(self) -> None:
        """Hand-written vendors the demo scenario relies on; the first is the demo vendor's."""
        c = W.COUNTRY_BY_CODE
        early = at(self.launch, 24 * 25)
        self.demo_vendor = self.add_vendor(
            name="Meridian Payroll Partners",
            country=c["PH"],
            city="Makati",
            currency="USD",
            categories=["payroll", "finance-accounting", "hr-recruitment"],
            status="published",
            created=early,
            team=140,
            founded=2012,
            price_level=0.3,
            verified=True,
            plan="free",
            certs={"iso-27001": "verified", "soc-2": "verified", "gdpr": "claimed"},
            languages=["English", "Filipino", "Spanish"],
            tagline="Accurate payroll for US and APAC teams, on time every cycle",
            description=(
                "Meridian Payroll Partners is a payroll bureau based in Makati, Philippines. "
                "Since 2012 we have run payroll for mid-sized companies in North America, "
                "Australia and Singapore, from 40 to 3,000 employees.\n\n"
                "Our payroll processing covers the whole cycle: time and attendance import, "
                "gross-to-net calculation, statutory deductions, payslips, bank files, payroll "
                "tax filings and year-end forms. We integrate with BambooHR, Workday, Gusto and "
                "ADP, and every run is reconciled and checked by a second analyst before "
                "sign-off. We also offer bookkeeping and month-end close, and HR administration "
                "(onboarding paperwork, leave tracking, benefits enrolment).\n\n"
                "A team of 140 payroll and accounting specialists works in English, Filipino "
                "and Spanish, with a night shift for North American clients. We hold ISO 27001 "
                "and a SOC 2 Type II report, and every analyst is background-checked.\n\n"
                "Transitions take three to four weeks, including a parallel run. Pricing is per "
                "employee per month, with no setup fee on contracts of 12 months or more."
            ),
            owner=self.demo_vendor_user,
            prices={
                "payroll": ("per_unit_month", D("8.50")),
                "finance-accounting": ("per_hour", D("18.00")),
                "hr-recruitment": ("per_hour", D("14.00")),
            },
        )
        self.demo_vendor.row["website"] = "https://www.meridian-payroll.example"
        self.demo_vendor.row["hourly_rate_min"] = D("15.00")
        self.demo_vendor.row["hourly_rate_max"] = D("32.00")
        self.demo_vendor.popularity = 3.0
        self.demo_vendor.response_hours = 2.5
        specs = (
            (
                "vistula",
                "Vistula Payroll & HR Sp. z o.o.",
                "PL",
                "Kraków",
                "EUR",
                ["payroll", "hr-recruitment"],
                420,
                2009,
                0.5,
                "pro",
                {"iso-27001": "verified", "gdpr": "verified"},
                {
                    "payroll": ("per_unit_month", D("8.20")),
                    "hr-recruitment": ("per_hour", D("24.00")),
                },
            ),
            (
                "thamesbridge",
                "Thamesbridge Payroll Bureau Ltd",
                "GB",
                "Leeds",
                "GBP",
                ["payroll", "finance-accounting"],
                65,
                2004,
                0.85,
                "pro",
                {"iso-27001": "verified", "cyber-essentials": "verified", "gdpr": "claimed"},
                {
                    "payroll": ("fixed_month", D("2400.00")),
                    "finance-accounting": ("per_hour", D("38.00")),
                },
            ),
            (
                "deccan",
                "Deccan Paysource Pvt Ltd",
                "IN",
                "Pune",
                "INR",
                ["payroll", "data-entry", "finance-accounting"],
                900,
                2007,
                0.2,
                "free",
                {"iso-27001": "claimed", "iso-9001": "verified"},
                {
                    "payroll": ("per_unit_month", D("420.00")),
                    "data-entry": ("per_transaction", D("4.50")),
                    "finance-accounting": ("per_hour", D("1350.00")),
                },
            ),
            (
                "cebu",
                "Cebu DataWorks Inc.",
                "PH",
                "Cebu City",
                "PHP",
                ["data-entry", "customer-support"],
                260,
                2015,
                0.25,
                "free",
                {"hipaa": "verified", "iso-27001": "claimed"},
                {
                    "data-entry": ("per_transaction", D("3.40")),
                    "customer-support": ("per_hour", D("520.00")),
                },
            ),
            (
                "andes",
                "Andes Helpdesk S.A.S.",
                "CO",
                "Medellín",
                "USD",
                ["it-services", "customer-support"],
                180,
                2013,
                0.45,
                "pro",
                {"iso-27001": "verified", "pci-dss": "claimed"},
                {
                    "it-services": ("per_unit_month", D("48.00")),
                    "customer-support": ("per_hour", D("14.00")),
                },
            ),
        )
        for (
            key,
            name,
            code,
            city,
            currency,
            cats,
            team,
            founded,
            level,
            plan,
            certs,
            prices,
        ) in specs:
            self.names_taken.add(name.lower())
            self.showcase[key] = self.add_vendor(
                name=name,
                country=c[code],
                city=city,
                currency=currency,
                categories=cats,
                status="published",
                created=at(early, self.rng.randint(24, 24 * 120)),
                team=team,
                founded=founded,
                price_level=level,
                verified=True,
                plan=plan,
                certs=certs,
                prices=prices,
            )
        self.showcase["meridian"] = self.demo_vendor

    # ------------------------------------------------------------------ requests

    def make_pools(self) -> None:
        """Per category: published vendors by publication time, with cumulative popularity."""
        for category in CATEGORY_WEIGHTS:
            members = sorted(
                (
                    v
                    for v in self.vendors
                    if v.row["published_at"]
                    and category in v.services
                    and v is not self.demo_vendor
                ),
                key=lambda v: (v.row["published_at"], v.id),
            )
            self.pools[category] = (
                members,
                [v.row["published_at"] for v in members],
                list(accumulate(v.popularity for v in members)),
            )

    def pick_invitees(
        self, category: str, when: datetime, count: int, exclude: Sequence[VendorRec] = ()
    ) -> list[VendorRec]:
        members, times, cumulative = self.pools[category]
        end = bisect_right(times, when)
        chosen: list[VendorRec] = []
        if end == 0:
            return chosen
        for _ in range(count * 8):
            if len(chosen) == count:
                break
            i = bisect_right(cumulative, self.rng.random() * cumulative[end - 1], 0, end - 1)
            vendor = members[i]
            if vendor not in chosen and vendor not in exclude:
                chosen.append(vendor)
        return chosen

    def pick_buyer(self, when: datetime) -> Row:
        """Any buyer who had signed up by ``when``."""
        eligible = max(1, bisect_right(self.buyer_times, when))
        return self.buyers[self.rng.randrange(eligible)]

    def quantity(self, category: str) -> int:
        low, high, step = QUANTITY_RANGE[category]
        raw = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return max(low, round(raw / step) * step)

    def market_monthly_usd(self, category: str, quantity: int) -> Decimal:
        """What the work costs a month at a mid-market price, in USD."""
        _, _, low, high = PRICING[category][0]
        unit = (low + high) / 2 * D("0.8")
        return unit * quantity * (160 if UNITS[category] == "FTE" else 1)

    def request_text(self, category: str, quantity: int) -> tuple[str, str]:
        rng = self.rng
        fill = {
            "q": quantity,
            "region": self.pick(W.REGIONS),
            "hris": self.pick(W.HRIS),
            "documents": self.pick(W.DOCUMENTS),
            "roles": self.pick(W.ROLES_TO_HIRE),
            "ledger": self.pick(W.LEDGERS),
            "channels": self.pick(W.SUPPORT_CHANNELS),
            "stack": self.pick(W.IT_STACKS),
            "helpdesk": self.pick(W.HELPDESKS),
            "ats": self.pick(W.ATS),
            "frequency": self.pick(W.PAY_FREQUENCIES),
            "hours": self.pick(W.COVER_HOURS),
            "tickets": quantity * rng.randint(8, 15) // 10 * 10
            if category == "it-services"
            else quantity * rng.randint(300, 700) // 10 * 10,
            "hires": quantity * rng.randint(15, 60),
            "invoices": quantity * rng.randint(5, 12),
        }
        title = self.pick(W.REQUEST_TITLES[category]).format(**fill)
        body = self.pick(W.REQUEST_BODIES[category]).format(**fill)
        return title[:160], body

    def add_request(
        self,
        *,
        buyer: Row,
        category: str,
        status: str,
        created: datetime,
        due: datetime,
        quantity: int | None = None,
        title: str | None = None,
        body: str | None = None,
        contract_months: int | None = None,
        currency: str | None = None,
        budget: Decimal | bool | None = True,
        in_house: Decimal | bool | None = True,
        certs: Sequence[str] | None = None,
        countries: list[str] | None = None,
        weights: dict[str, int] | None = None,
    ) -> Row:
        rng = self.rng
        quantity = quantity or self.quantity(category)
        if title is None or body is None:
            drawn_title, drawn_body = self.request_text(category, quantity)
            title, body = title or drawn_title, body or drawn_body
        currency = currency or buyer.get("_currency", "USD")
        market = self.market_monthly_usd(category, quantity)
        if budget is True:
            budget = (
                nice_amount(self.to_currency(market * D(rng.randint(85, 150)) / 100, currency))
                if rng.random() < 0.6
                else None
            )
        if in_house is True:
            in_house = (
                nice_amount(self.to_currency(market * D(rng.randint(150, 280)) / 100, currency))
                if rng.random() < 0.6
                else None
            )
        published = None if status == "draft" else at(created, rng.randint(0, 48) / 4)
        if published and published >= self.now:
            published = at(created, (self.now - created).total_seconds() / 7200)
        row: Row = {
            "id": self.new_id("quote_requests"),
            "buyer_id": buyer["id"],
            "category_id": self.category_ids[category],
            "title": title,
            "description": body,
            "quantity": quantity,
            "unit": UNITS[category],
            "contract_months": contract_months or self.pick(CONTRACT_MONTHS),
            "start_date": (due + timedelta(days=rng.randint(14, 60))).date(),
            "budget_monthly": budget or None,
            "currency": currency,
            "preferred_countries": countries or [],
            "in_house_monthly_cost": in_house or None,
            "quotes_due_at": due,
            "weights": weights
            or (dict(DEFAULT_WEIGHTS) if rng.random() < 0.7 else dict(self.pick(WEIGHT_VARIANTS))),
            "status": status,
            "created_at": created,
            "updated_at": published or created,
            "published_at": published,
            "awarded_at": None,
            "closed_at": None,
            "cancelled_at": None,
            "reminder_sent_at": None,
            "_category": category,
        }
        if certs is None:
            certs = [self.pick(CATEGORY_CERTS[category])] if rng.random() < 0.3 else []
        for slug in certs:
            self.t.request_certifications.append(
                {"request_id": row["id"], "certification_id": self.cert_ids[slug]}
            )
        self.t.quote_requests.append(row)
        self.requests_by_id[row["id"]] = row
        return row

    def add_invitation(self, request: Row, vendor: VendorRec, invited: datetime) -> InvRec:
        row: Row = {
            "id": self.new_id("invitations"),
            "request_id": request["id"],
            "vendor_id": vendor.id,
            "status": "invited",
            "invited_at": invited,
            "viewed_at": None,
            "responded_at": None,
            "decline_reason": "",
        }
        self.t.invitations.append(row)
        return InvRec(row=row, vendor=vendor)

    def quote_terms(
        self, request: Row, vendor: VendorRec, model: str | None = None
    ) -> dict[str, Any]:
        """A quote priced from the vendor's price level, in the vendor's currency."""
        rng = self.rng
        category = request["_category"]
        quantity = request["quantity"]
        listed_model, level = vendor.services.get(category, (PRICING[category][0][0], 0.5))
        model = model or listed_model
        spec = next((s for s in PRICING[category] if s[0] == model), PRICING[category][0])
        low, high = spec[2], spec[3]
        unit_usd = (low + (high - low) * D(str(round(level, 4)))) * D(rng.randint(88, 112)) / 100
        if quantity >= QUANTITY_RANGE[category][1] // 3:
            unit_usd *= D("0.93")  # volume discount
        currency = vendor.currency
        hours = None
        if model == "fixed_month":
            per_quantity = FIXED_UNITS_PER_QUANTITY.get(category, 1)
            unit_price = nice_amount(
                self.to_currency(unit_usd * quantity * per_quantity * D("0.95"), currency)
            )
        else:
            unit_price = nice_price(self.to_currency(unit_usd, currency))
        if model == "per_hour":
            hours = {
                "hr-recruitment": quantity * 160,
                "customer-support": quantity * 160,
                "finance-accounting": quantity,
                "data-entry": max(10, round(quantity / 120)),
                "payroll": max(8, round(quantity / 4)),
                "it-services": max(10, round(quantity * 0.4)),
            }[category]
        monthly_usd = unit_usd * {"per_hour": hours or 0, "fixed_month": 0}.get(model, quantity)
        if model == "fixed_month":
            monthly_usd = unit_price * self.usd_per[currency]
        setup = (
            nice_amount(self.to_currency(monthly_usd * D(rng.randint(20, 120)) / 100, currency))
            if rng.random() < 0.55
            else D("0.00")
        )
        minimum = (
            nice_amount(self.to_currency(monthly_usd * D(rng.randint(50, 85)) / 100, currency))
            if rng.random() < 0.35 and model != "fixed_month"
            else D("0.00")
        )
        low_t, high_t = TURNAROUND_HOURS[category]
        accuracy = ACCURACY_RANGE[category]
        return {
            "pricing_model": model,
            "unit_price": unit_price,
            "hours_per_month": hours,
            "setup_fee": setup,
            "minimum_monthly": minimum,
            "currency": currency,
            "turnaround_hours": rng.randint(low_t, high_t) if rng.random() < 0.85 else None,
            "accuracy_pct": (
                D(rng.randint(*accuracy)) / 100 if accuracy and rng.random() < 0.75 else None
            ),
            "notes": self.pick(W.QUOTE_NOTES),
        }

    def allowance_left(self, vendor: VendorRec, when: datetime) -> bool:
        """Whether a free-plan vendor may still send a first quote in ``when``'s month."""
        if vendor.row["plan"] == "pro":
            return True
        return self.first_quotes.get((vendor.id, when.strftime("%Y-%m")), 0) < FREE_MONTHLY_QUOTES

    def add_quote(
        self, inv: InvRec, created: datetime, terms: dict[str, Any], valid_days: int | None = None
    ) -> Row:
        version = len(inv.quotes) + 1
        if version == 1 and inv.vendor.row["plan"] == "free":  # as quotes.services counts it
            key = (inv.vendor.id, created.strftime("%Y-%m"))
            self.first_quotes[key] = self.first_quotes.get(key, 0) + 1
        if inv.quotes:
            inv.quotes[-1].update(status="superseded", decided_at=created)
        row: Row = {
            "id": self.new_id("quotes"),
            "invitation_id": inv.row["id"],
            "request_id": inv.row["request_id"],
            "version": version,
            **terms,
            "valid_until": (
                created + timedelta(days=valid_days or self.rng.randint(30, 90))
            ).date(),
            "status": "submitted",
            "created_at": created,
            "decided_at": None,
        }
        inv.quotes.append(row)
        self.t.quotes.append(row)
        return row

    def respond(self, request: Row, inv: InvRec, cutoff: datetime) -> None:
        """Play one vendor's behaviour on an invitation up to ``cutoff``."""
        rng = self.rng
        vendor = inv.vendor
        invited = inv.row["invited_at"]
        delay = vendor.response_hours * math.exp(rng.gauss(0, 0.55))
        if rng.random() < 0.93:
            viewed = at(invited, delay * rng.uniform(0.05, 0.6))
            if viewed < cutoff:
                inv.row["viewed_at"] = viewed
                inv.row["status"] = "viewed"
        if inv.row["viewed_at"] is None or rng.random() > 0.86:
            return
        responded = at(invited, max(delay, 0.25))
        declines = rng.random() < 0.14
        if responded >= cutoff or (not declines and not self.allowance_left(vendor, responded)):
            return  # too late, or a free-plan vendor out of quotes this month: no answer
        inv.row["responded_at"] = responded
        vendor.responses.append((responded - invited).total_seconds() / 3600)
        if declines:
            inv.row["status"] = "declined"
            inv.row["decline_reason"] = self.pick(W.DECLINE_REASONS)
            return
        inv.row["status"] = "quoted"
        terms = self.quote_terms(request, vendor)
        self.add_quote(inv, responded, terms)
        if rng.random() < 0.15:
            revised_at = at(responded, rng.uniform(4, 24 * 6))
            if revised_at < cutoff:
                terms = dict(
                    terms,
                    unit_price=nice_price(terms["unit_price"] * D("0.95")),
                    notes=self.pick(W.REVISION_NOTES),
                )
                self.add_quote(inv, revised_at, terms)
        if rng.random() < 0.04:
            withdrawn_at = at(inv.quotes[-1]["created_at"], rng.uniform(2, 24 * 4))
            if withdrawn_at < cutoff:
                inv.quotes[-1]["status"] = "withdrawn"
                inv.quotes[-1]["decided_at"] = withdrawn_at

    def thread(self, request: Row, inv: InvRec, until: datetime, count: int) -> list[Row]:
        """A short buyer/vendor conversation on an invitation, between invite and ``until``."""
        rng = self.rng
        category = request["_category"]
        start = inv.row["viewed_at"] or inv.row["invited_at"]
        span = (until - start).total_seconds() / 3600
        if span <= 1 or count <= 0:
            return []
        times = sorted(rng.uniform(0.5, span - 0.5) for _ in range(count))
        buyer_first = rng.random() < 0.6
        rows = []
        for i, hours in enumerate(times):
            buyer_turn = (i % 2 == 0) == buyer_first
            if buyer_turn:
                body = (
                    self.pick(W.BUYER_QUESTIONS[category])
                    if i < 2
                    else self.pick(W.BUYER_FOLLOWUPS)
                )
                author = request["buyer_id"]
            else:
                body = self.pick(W.VENDOR_ANSWERS) if i > 0 else self.pick(W.VENDOR_OPENERS)
                author = inv.vendor.row["owner_id"]
            row = {
                "id": self.new_id("messages"),
                "request_id": request["id"],
                "vendor_id": inv.vendor.id,
                "author_id": author,
                "body": body.format(hris=self.pick(W.HRIS), ledger=self.pick(W.LEDGERS)),
                "created_at": at(start, hours),
            }
            rows.append(row)
        self.t.messages.extend(rows)
        return rows

    def make_random_request(self) -> None:
        rng = self.rng
        total_hours = ((self.now - self.launch).days - 60) * 24 - 16
        created = at(self.launch, 24 * 60 + total_hours * rng.random() ** 0.6)
        category = self.weighted(list(CATEGORY_WEIGHTS.items()))
        due = (created + timedelta(days=rng.randint(7, 21))).replace(hour=17, minute=0, second=0)
        if due > self.now:
            status = self.weighted(
                [("draft", 12), ("open", 70), ("cancelled", 5), ("awarded", 10), ("closed", 3)]
            )
        else:
            status = self.weighted(
                [("awarded", 68), ("closed", 18), ("cancelled", 9), ("draft", 5)]
            )
        buyer = self.pick_buyer(created)
        request = self.add_request(
            buyer=buyer, category=category, status=status, created=created, due=due
        )
        if status == "draft":
            return
        count = self.weighted(INVITE_COUNTS)
        invited = at(request["published_at"], rng.uniform(0.1, 3))
        vendors = self.pick_invitees(category, invited, count)
        if not vendors:
            request.update(status="draft", published_at=None, updated_at=created)
            return
        if rng.random() < 0.25:
            request["preferred_countries"] = sorted({v.country.code for v in vendors[:2]})
        invitations = [
            self.add_invitation(request, v, at(invited, i * rng.uniform(0, 0.3)))
            for i, v in enumerate(vendors)
        ]
        self.settle(request, invitations, status)

    def settle(
        self,
        request: Row,
        invitations: list[InvRec],
        status: str,
        winner: VendorRec | None = None,
        end: datetime | None = None,
    ) -> None:
        """Move a published request and its invitations to ``status``, consistently.

        - open: the vendors respond until now; quotes stay submitted (or superseded/withdrawn).
        - awarded: exactly one live quote is accepted, its invitation won; every other live
          quote is rejected and every other invitation that did not decline is lost.
        - closed / cancelled: nothing accepted; live quotes whose validity ran out are expired.
        """
        rng = self.rng
        due = request["quotes_due_at"]
        start = request["published_at"]
        window = (min(due, self.now) - start).total_seconds() / 3600
        if status == "open":
            cutoff = min(due, self.now)
        elif status == "cancelled" or (status == "closed" and due > self.now):
            # cancelled by the buyer, or closed early: somewhere inside the quoting window
            cutoff = end or at(start, window * rng.uniform(0.3, 0.95))
        elif status == "awarded" and due > self.now:
            cutoff = at(start, window * rng.uniform(0.6, 0.97))  # an early award
        else:
            cutoff = due
        for inv in invitations:
            if inv.row["status"] == "invited":  # scripted invitations arrive already played
                self.respond(request, inv, cutoff)
        live = [inv for inv in invitations if inv.live_quote is not None]
        if status == "awarded" and not live:
            status = "open" if due > self.now else "closed"
            request["status"] = status
        if status == "awarded":
            if winner is not None:
                won = next(inv for inv in live if inv.vendor is winner)
            else:
                won = rng.choices(live, weights=[inv.vendor.quality**4 for inv in live])[0]
            last_quote = max(inv.quotes[-1]["created_at"] for inv in live)
            if due > self.now:
                awarded_at = at(
                    cutoff, rng.uniform(0.1, 0.9) * (self.now - cutoff).total_seconds() / 3600
                )
            else:
                awarded_at = at(max(due, last_quote), rng.uniform(2, 24 * 6))
            awarded_at = end or min(awarded_at, at(self.now, -0.5))
            request.update(awarded_at=awarded_at, updated_at=awarded_at)
            for inv in invitations:
                quote = inv.live_quote
                if inv is won:
                    inv.row["status"] = "won"
                    assert quote is not None
                    quote.update(status="accepted", decided_at=awarded_at)
                elif inv.row["status"] != "declined":
                    inv.row["status"] = "lost"
                    if quote is not None:
                        quote.update(status="rejected", decided_at=awarded_at)
            self.awarded.append((request, won))
        elif status == "closed":
            if due > self.now:
                closed_at = cutoff
            else:
                closed_at = end or min(at(due, rng.uniform(1, 24 * 4)), at(self.now, -0.5))
            request.update(closed_at=closed_at, updated_at=closed_at)
        elif status == "cancelled":
            request.update(cancelled_at=cutoff, updated_at=cutoff)
        if status in ("closed", "cancelled"):
            for inv in invitations:
                quote = inv.live_quote
                if quote is not None and quote["valid_until"] < self.today:
                    quote.update(
                        status="expired",
                        decided_at=datetime.combine(quote["valid_until"], datetime.min.time(), UTC)
                        + timedelta(days=1),
                    )
        # A few conversations, and the vendors' first-response history.
        thread_end = {
            "open": self.now,
            "awarded": request["awarded_at"],
            "closed": request["closed_at"],
            "cancelled": request["cancelled_at"],
        }[status]
        for inv in invitations:
            if inv.row["viewed_at"] and rng.random() < 0.3:
                self.thread(
                    request,
                    inv,
                    thread_end or self.now,
                    self.weighted([(1, 3), (2, 4), (3, 2), (4, 1)]),
                )

    # ------------------------------------------------------------------ the demo scenario

    def make_demo_buyer_requests(self) -> None:
        """The demo buyer's requests: one in each state, and an open one ready to compare."""
        s = self.showcase
        buyer = self.demo_buyer
        now = self.now
        # 1. Open payroll request with four quotes in four currencies and three pricing models.
        created = at(now, -24 * 6 - 3)
        request = self.add_request(
            buyer=buyer,
            category="payroll",
            status="open",
            created=created,
            due=(now + timedelta(days=5)).replace(hour=17, minute=0, second=0),
            quantity=250,
            title="Payroll for 250 employees across Texas, Ohio and Georgia",
            body=(
                "We run payroll in-house for 250 hourly and salaried employees in three US "
                "states, paid bi-weekly. We want a provider to take over the whole cycle: "
                "time and attendance import from our timeclock, gross-to-net, payslips, "
                "state and federal tax filings, and year-end W-2s. Our HRIS is BambooHR. "
                "Please quote for a 12-month contract starting in January."
            ),
            contract_months=12,
            currency="USD",
            budget=D("3000.00"),
            in_house=D("6800.00"),
            certs=["iso-27001"],
            countries=[],
            weights=dict(DEFAULT_WEIGHTS),
        )
        published = request["published_at"]
        terms = {
            "meridian": [
                dict(
                    pricing_model="per_unit_month",
                    unit_price=D("10.20"),
                    hours_per_month=None,
                    setup_fee=D("1500.00"),
                    minimum_monthly=D("0.00"),
                    currency="USD",
                    turnaround_hours=24,
                    accuracy_pct=D("99.80"),
                    notes="Includes year-end W-2s and a parallel run in the first month.",
                ),
                dict(
                    pricing_model="per_unit_month",
                    unit_price=D("9.40"),
                    hours_per_month=None,
                    setup_fee=D("1500.00"),
                    minimum_monthly=D("0.00"),
                    currency="USD",
                    turnaround_hours=24,
                    accuracy_pct=D("99.80"),
                    notes="Revised after our call: lower unit price for a 12-month term.",
                ),
            ],
            "vistula": [
                dict(
                    pricing_model="per_unit_month",
                    unit_price=D("8.20"),
                    hours_per_month=None,
                    setup_fee=D("2000.00"),
                    minimum_monthly=D("1800.00"),
                    currency="EUR",
                    turnaround_hours=48,
                    accuracy_pct=D("99.50"),
                    notes="Minimum monthly fee applies for the first six months.",
                )
            ],
            "thamesbridge": [
                dict(
                    pricing_model="fixed_month",
                    unit_price=D("2450.00"),
                    hours_per_month=None,
                    setup_fee=D("0.00"),
                    minimum_monthly=D("0.00"),
                    currency="GBP",
                    turnaround_hours=24,
                    accuracy_pct=D("99.90"),
                    notes="Fixed fee for up to 300 employees; no setup fee.",
                )
            ],
            "deccan": [
                dict(
                    pricing_model="per_hour",
                    unit_price=D("1350.00"),
                    hours_per_month=150,
                    setup_fee=D("150000.00"),
                    minimum_monthly=D("0.00"),
                    currency="INR",
                    turnaround_hours=None,
                    accuracy_pct=D("99.50"),
                    notes="Dedicated payroll analyst team, 150 hours a month.",
                )
            ],
        }
        invs = []
        for i, key in enumerate(("meridian", "vistula", "thamesbridge", "deccan")):
            inv = self.add_invitation(request, s[key], at(published, 0.2))
            viewed = at(published, 1 + i * 3)
            responded = at(published, 20 + i * 17)
            inv.row.update(status="quoted", viewed_at=viewed, responded_at=responded)
            s[key].responses.append((responded - inv.row["invited_at"]).total_seconds() / 3600)
            for version, quote_terms in enumerate(terms[key]):
                self.add_quote(inv, at(responded, version * 50), quote_terms, valid_days=60)
            invs.append(inv)
        extra = self.pick_invitees("payroll", published, 1, exclude=list(s.values()))
        for vendor in extra:
            inv = self.add_invitation(request, vendor, at(published, 0.2))
            inv.row.update(status="viewed", viewed_at=at(published, 30))
        meridian_thread = [
            (
                buyer,
                at(published, 30),
                "Does your price include year-end W-2s and amended payslips?",
            ),
            (
                self.demo_vendor_user,
                at(published, 33),
                "Yes: W-2s, W-2Cs and amended payslips are all included. It is in the notes now.",
            ),
            (
                buyer,
                at(published, 44),
                "Thanks. Could you do better on the unit price for 12 months?",
            ),
            (
                self.demo_vendor_user,
                at(published, 70),
                "We have revised the quote to $9.40 per employee for a 12-month term.",
            ),
        ]
        thames_owner = s["thamesbridge"].row["owner_id"]
        thames_thread = [
            (buyer, at(published, 60), "Does the fixed fee cover off-cycle runs?"),
            (
                {"id": thames_owner},
                at(now, -5),
                "Up to two off-cycle runs a month are included in the fixed fee.",
            ),
        ]
        for vendor, conversation in (
            (self.demo_vendor, meridian_thread),
            (s["thamesbridge"], thames_thread),
        ):
            assert vendor is not None
            for author, when, body in conversation:
                self.t.messages.append(
                    {
                        "id": self.new_id("messages"),
                        "request_id": request["id"],
                        "vendor_id": vendor.id,
                        "author_id": author["id"],
                        "body": body,
                        "created_at": when,
                    }
                )
        self.read_thread(buyer, request, self.demo_vendor, at(published, 71))
        self.read_thread(buyer, request, s["thamesbridge"], at(published, 61))  # one unread
        self.read_thread(self.demo_vendor_user, request, self.demo_vendor, at(published, 70))
        self.notify(
            buyer["id"],
            "quote_received",
            f'Deccan Paysource Pvt Ltd sent a quote for "{request["title"]}".',
            invs[3].row["responded_at"],
            endpoint="quotes.request_detail",
            request_id=request["id"],
        )
        self.notify(
            buyer["id"],
            "message_received",
            f'Thamesbridge Payroll Bureau Ltd wrote about "{request["title"]}".',
            at(now, -5),
            endpoint="quotes.thread",
            request_id=request["id"],
            vendor_id=s["thamesbridge"].id,
        )
        self.notify(
            buyer["id"],
            "quote_revised",
            f'Meridian Payroll Partners revised its quote for "{request["title"]}".',
            at(published, 70),
            read=True,
            endpoint="quotes.request_detail",
            request_id=request["id"],
        )

        # 2. Awarded payroll request: the demo vendor won, no review yet (the buyer can write it).
        created = at(now, -24 * 40)
        awarded_at = at(now, -24 * 12 - 5)
        request = self.add_request(
            buyer=buyer,
            category="payroll",
            status="awarded",
            created=created,
            due=(created + timedelta(days=14)).replace(hour=17, minute=0, second=0),
            quantity=60,
            title="Payroll for our Canadian subsidiary, 60 employees",
            body=(
                "We are opening a 60-person plant in Ontario and need payroll from the first "
                "pay period: bi-weekly runs, CPP/EI and income-tax remittances, T4s at "
                "year-end, and payslips in English and French."
            ),
            contract_months=24,
            currency="USD",
            budget=D("900.00"),
            in_house=None,
            certs=[],
        )
        self.scripted(
            request,
            [
                (
                    self.demo_vendor,
                    "quote",
                    6,
                    dict(pricing_model="per_unit_month", unit_price=D("11.50"), currency="USD"),
                ),
                (
                    s["vistula"],
                    "quote",
                    30,
                    dict(pricing_model="per_unit_month", unit_price=D("10.90"), currency="EUR"),
                ),
                (s["deccan"], "decline", 12, {}),
            ]
            + [
                (v, "quote", 50, {})
                for v in self.pick_invitees(
                    "payroll", request["published_at"], 1, exclude=list(s.values())
                )
            ],
            "awarded",
            winner=self.demo_vendor,
            end=awarded_at,
        )
        self.notify(
            buyer["id"],
            "request_awarded",
            f'You awarded "{request["title"]}" to Meridian Payroll Partners. Every vendor has '
            "been told.",
            awarded_at,
            read=True,
            endpoint="quotes.request_detail",
            request_id=request["id"],
        )

        # 3. An older data-entry award with the demo buyer's published review.
        created = at(now, -24 * 210)
        request = self.add_request(
            buyer=buyer,
            category="data-entry",
            status="awarded",
            created=created,
            due=(created + timedelta(days=10)).replace(hour=17, minute=0, second=0),
            quantity=18000,
            title="Data entry of supplier invoices, about 18,000 records a month",
            body=(
                "We receive about 18,000 supplier invoices a month as PDF scans and need header "
                "and line data keyed into NetSuite. Accuracy target 99.5%, 24-hour "
                "turnaround."
            ),
            contract_months=12,
            currency="USD",
            certs=[],
        )
        others = self.pick_invitees(
            "data-entry", request["published_at"], 2, exclude=list(s.values())
        )
        script: list[tuple[VendorRec, str, float, dict[str, Any]]] = [
            (s["cebu"], "quote", 8, {}),
            (s["deccan"], "quote", 20, {}),
        ]
        script += [(v, "withdraw" if i == 0 else "quote", 30, {}) for i, v in enumerate(others)]
        self.scripted(
            request, script, "awarded", winner=s["cebu"], end=at(request["quotes_due_at"], 26)
        )
        self.forced_reviews[request["id"]] = (5, "published", True)

        # 4. Closed: the deadline passed and nothing was accepted; the quotes have expired.
        created = at(now, -24 * 120)
        request = self.add_request(
            buyer=buyer,
            category="finance-accounting",
            status="closed",
            created=created,
            due=(created + timedelta(days=14)).replace(hour=17, minute=0, second=0),
            quantity=120,
            title="Accounts payable support, about 120 hours a month",
            body=(
                "Our AP team needs help with invoice processing, three-way matching and "
                "weekly payment runs in NetSuite: roughly 120 hours a month."
            ),
            currency="USD",
            certs=["soc-2"],
        )
        script = [
            (s["thamesbridge"], "quote", 10, {}),
            (s["deccan"], "quote", 26, {}),
            (self.demo_vendor, "quote", 4, {}),
        ]
        script += [
            (v, "decline", 15, {})
            for v in self.pick_invitees(
                "finance-accounting", request["published_at"], 1, exclude=list(s.values())
            )
        ]
        self.scripted(
            request, script, "closed", valid_days=30, end=at(request["quotes_due_at"], 24 * 3)
        )

        # 5. Cancelled by the buyer before any quote arrived.
        created = at(now, -24 * 30)
        request = self.add_request(
            buyer=buyer,
            category="hr-recruitment",
            status="cancelled",
            created=created,
            due=(created + timedelta(days=14)).replace(hour=17, minute=0, second=0),
            quantity=3,
            title="Recruitment support: 3 FTE recruiters for warehouse associates",
            body=(
                "We planned to hire 150 warehouse associates for the peak season and need "
                "three recruiters working in Greenhouse. (Cancelled: the expansion was "
                "postponed.)"
            ),
            currency="USD",
            certs=[],
        )
        script = [(s["vistula"], "view", 5, {})]
        script += [
            (v, "none", 0, {})
            for v in self.pick_invitees(
                "hr-recruitment", request["published_at"], 1, exclude=list(s.values())
            )
        ]
        self.scripted(request, script, "cancelled", end=at(request["published_at"], 24 * 2))

        # 6. A draft still being written.
        created = at(now, -26)
        self.add_request(
            buyer=buyer,
            category="customer-support",
            status="draft",
            created=created,
            due=(now + timedelta(days=16)).replace(hour=17, minute=0, second=0),
            quantity=6,
            title="Bilingual customer support (English/Spanish), 6 FTE",
            body=(
                "Draft: e-mail and chat support for our online parts store, in English and "
                "Spanish, 7am to 11pm Eastern. Zendesk. Volume about 9,000 conversations a "
                "month."
            ),
            currency="USD",
            certs=["pci-dss"],
        )

        # 7. A second open request, just published: invitations seen, one quote in.
        created = at(now, -24 * 2 - 4)
        request = self.add_request(
            buyer=buyer,
            category="it-services",
            status="open",
            created=created,
            due=(now + timedelta(days=9)).replace(hour=17, minute=0, second=0),
            quantity=180,
            title="Helpdesk and desktop support for 180 users",
            body=(
                "We need L1/L2 helpdesk coverage for 180 users on Microsoft 365 and Intune, "
                "US Eastern business hours, about 250 tickets a month."
            ),
            contract_months=24,
            currency="USD",
            certs=["iso-27001"],
        )
        script = [(s["andes"], "quote", 9, {})]
        script += [
            (v, "view" if i == 0 else "none", 3, {})
            for i, v in enumerate(
                self.pick_invitees(
                    "it-services", request["published_at"], 2, exclude=list(s.values())
                )
            )
        ]
        self.scripted(request, script, "open")

    def scripted(
        self,
        request: Row,
        script: Sequence[tuple[VendorRec, str, float, dict[str, Any]]],
        status: str,
        *,
        winner: VendorRec | None = None,
        end: datetime | None = None,
        valid_days: int | None = None,
    ) -> list[InvRec]:
        """Invite vendors and play exactly the given actions, then settle the request.

        Actions: "none" (never opened), "view", "decline", "quote", "withdraw" (quote, then
        withdraw it); the number is the hours after invitation the vendor acted.
        """
        published = request["published_at"]
        invs = []
        for vendor, action, hours, overrides in script:
            inv = self.add_invitation(request, vendor, at(published, 0.3))
            invited = inv.row["invited_at"]
            if action != "none":
                inv.row.update(status="viewed", viewed_at=at(invited, max(0.1, hours / 3)))
            if action in ("decline", "quote", "withdraw"):
                responded = at(invited, hours)
                inv.row.update(responded_at=responded, status="quoted")
                vendor.responses.append(hours)
                if action == "decline":
                    inv.row.update(status="declined", decline_reason=self.pick(W.DECLINE_REASONS))
                else:
                    terms = self.quote_terms(request, vendor, overrides.get("pricing_model"))
                    if "unit_price" in overrides:
                        terms.update(overrides)
                    self.add_quote(inv, responded, terms, valid_days=valid_days)
                    if action == "withdraw":
                        inv.quotes[-1].update(status="withdrawn", decided_at=at(responded, 20))
            invs.append(inv)
        for inv in invs:  # settle() only plays invitations still "invited": mark ours played
            if inv.row["status"] == "invited":
                inv.row["status"] = "_none"
        self.settle(request, invs, status, winner=winner, end=end)
        for inv in invs:
            if inv.row["status"] == "_none":
                inv.row["status"] = "lost" if status == "awarded" else "invited"
        return invs

    def notify_invited(self, inv: InvRec, request: Row, read: bool) -> None:
        buyer = self.user_by_id[request["buyer_id"]]
        due = request["quotes_due_at"]
        self.notify(
            inv.vendor.row["owner_id"],
            "quote_invited",
            f'{buyer["company"]} invited you to quote on "{request["title"]}". Quotes are due '
            f"{due.day} {due:%B %Y}.",
            inv.row["invited_at"],
            read=read,
            endpoint="quotes.lead_detail",
            invitation_id=inv.row["id"],
        )

    def read_thread(
        self, user: Row, request: Row, vendor: VendorRec | None, when: datetime
    ) -> None:
        assert vendor is not None
        self.t.thread_reads.append(
            {
                "user_id": user["id"],
                "request_id": request["id"],
                "vendor_id": vendor.id,
                "last_read_at": when,
            }
        )

    def make_demo_vendor_leads(self) -> None:
        """Leads in the demo vendor's inbox from other buyers, in every invitation state."""
        vendor = self.demo_vendor
        assert vendor is not None
        now = self.now
        rng = self.rng

        def request_for(
            category: str, status: str, days_ago: float, due_in: float, **kw: Any
        ) -> Row:
            created = at(now, -24 * days_ago)
            due = (now + timedelta(days=due_in)).replace(hour=17, minute=0, second=0)
            return self.add_request(
                buyer=self.pick_buyer(created),
                category=category,
                status=status,
                created=created,
                due=due,
                **kw,
            )

        def peers(request: Row, count: int) -> list[VendorRec]:
            return self.pick_invitees(
                request["_category"], request["published_at"], count, exclude=[vendor]
            )

        # New, unread invitation (today), and one opened with a question from the buyer.
        request = request_for("payroll", "open", 0.4, 11, quantity=420, certs=["soc-2"])
        invs = self.scripted(
            request,
            [(vendor, "none", 0, {})] + [(v, "none", 0, {}) for v in peers(request, 2)],
            "open",
        )
        self.notify_invited(invs[0], request, read=False)
        request = request_for("payroll", "open", 3, 8, quantity=95)
        invs = self.scripted(
            request,
            [(vendor, "view", 4, {})] + [(v, "quote", 20, {}) for v in peers(request, 2)],
            "open",
        )
        question = at(invs[0].row["viewed_at"], 3)
        self.t.messages.append(
            {
                "id": self.new_id("messages"),
                "request_id": request["id"],
                "vendor_id": vendor.id,
                "author_id": request["buyer_id"],
                "created_at": question,
                "body": "Can you take inputs straight from Gusto, or do we export files for you?",
            }
        )
        self.notify(
            self.demo_vendor_user["id"],
            "message_received",
            f'{self.user_by_id[request["buyer_id"]]["company"]} wrote about "{request["title"]}".',
            question,
            endpoint="quotes.thread",
            request_id=request["id"],
            vendor_id=vendor.id,
        )
        self.notify_invited(invs[0], request, read=True)
        # Quoted and waiting.
        request = request_for("finance-accounting", "open", 5, 4, quantity=160)
        self.scripted(
            request,
            [(vendor, "quote", 6, {})] + [(v, "quote", 30, {}) for v in peers(request, 2)],
            "open",
        )
        # Declined an old one; lost another.
        request = request_for("hr-recruitment", "closed", 150, -136, quantity=8)
        self.scripted(
            request,
            [(vendor, "decline", 5, {})] + [(v, "quote", 24, {}) for v in peers(request, 2)],
            "closed",
        )
        request = request_for("payroll", "awarded", 75, -60, quantity=1200)
        rivals = peers(request, 2)
        if rivals:
            invs = self.scripted(
                request,
                [(vendor, "quote", 3, {})] + [(v, "quote", 20, {}) for v in rivals],
                "awarded",
                winner=rivals[0],
            )
            self.notify(
                self.demo_vendor_user["id"],
                "quote_lost",
                f'{self.user_by_id[request["buyer_id"]]["company"]} awarded "{request["title"]}" '
                "to another vendor. Thank you for quoting.",
                request["awarded_at"],
                endpoint="quotes.lead_detail",
                invitation_id=invs[0].row["id"],
                read=True,
            )
        # Won engagements with published reviews, and a recent one whose review awaits moderation.
        for days_ago, stars in ((600, 5), (470, 4), (380, 5), (260, 5), (150, 4), (35, 4)):
            request = request_for(
                "payroll", "awarded", days_ago, -days_ago + 14, quantity=self.quantity("payroll")
            )
            invs = self.scripted(
                request,
                [(vendor, "quote", rng.uniform(1, 5), {})]
                + [(v, "quote", 25, {}) for v in peers(request, rng.randint(1, 3))],
                "awarded",
                winner=vendor,
            )
            self.forced_reviews[request["id"]] = (
                stars,
                "pending" if days_ago < 60 else "published",
                days_ago < 300,
            )
            if days_ago < 60:
                self.notify(
                    self.demo_vendor_user["id"],
                    "quote_awarded",
                    f"{self.user_by_id[request['buyer_id']]['company']} accepted your quote for "
                    f'"{request["title"]}". Congratulations!',
                    request["awarded_at"],
                    read=True,
                    endpoint="quotes.lead_detail",
                    invitation_id=invs[0].row["id"],
                )

    # ------------------------------------------------------------------ reviews and moderation

    def make_reviews(self) -> None:
        """Reviews only on awarded requests, of the winning vendor, one per request."""
        rng = self.rng
        for request, won in self.awarded:
            vendor = won.vendor
            forced = self.forced_reviews.get(request["id"])
            age_days = (self.now - request["awarded_at"]).total_seconds() / 86400
            if forced:
                overall, status, reply = forced
            else:
                if request["buyer_id"] == self.demo_buyer["id"] or age_days < 12:
                    continue
                if age_days > 45:
                    if rng.random() > 0.75:
                        continue
                    status = self.weighted([("published", 93), ("rejected", 5), ("hidden", 2)])
                else:
                    if rng.random() > 0.45:
                        continue
                    status = self.weighted([("pending", 70), ("published", 30)])
                overall = max(1, min(5, round(rng.gauss(vendor.quality, 0.75))))
                reply = rng.random() < 0.25
            latest = min(age_days - 1, 90.0)
            created = at(request["awarded_at"], 24 * rng.uniform(min(10.0, latest * 0.8), latest))
            published = (
                at(created, rng.uniform(3, 60)) if status in ("published", "hidden") else None
            )
            if published and published >= self.now:
                published = at(self.now, -1)
            category = request["_category"]
            row: Row = {
                "id": self.new_id("reviews"),
                "vendor_id": vendor.id,
                "buyer_id": request["buyer_id"],
                "request_id": request["id"],
                "overall": overall,
                **{
                    k: max(1, min(5, overall + self.pick((-1, 0, 0, 0, 1))))
                    for k in ("quality", "communication", "value", "timeliness")
                },
                "title": self.pick(W.REVIEW_TITLES[overall]),
                "body": self.pick(W.REVIEW_BODIES[overall]).format(
                    service=W.SERVICE_NOUNS[category], vendor=vendor.row["name"]
                ),
                "verified": True,
                "status": status,
                "moderation_note": self.pick(W.REVIEW_REJECT_NOTES) if status == "rejected" else "",
                "vendor_reply": "",
                "vendor_replied_at": None,
                "created_at": created,
                "published_at": published,
            }
            if status == "published":
                vendor.ratings.append(overall)
                self.audit_review(row, "review.publish", published, "pending", "published")
                if reply and at(published, 30) < self.now:
                    row["vendor_reply"] = self.pick(W.VENDOR_REPLIES)
                    row["vendor_replied_at"] = at(published, rng.uniform(5, 30))
            elif status == "rejected":
                self.audit_review(
                    row,
                    "review.reject",
                    at(created, 20),
                    "pending",
                    "rejected",
                    reason=row["moderation_note"],
                )
            elif status == "hidden":
                self.audit_review(row, "review.publish", published, "pending", "published")
            self.t.reviews.append(row)

    def audit_review(
        self, review: Row, action: str, when: datetime, before: str, after: str, **extra: Any
    ) -> None:
        self.audit(
            action,
            "review",
            review["id"],
            when,
            before={"status": before},
            after={"status": after},
            **extra,
            vendor_id=review["vendor_id"],
        )

    def make_flags(self) -> None:
        """Open and resolved flags on vendors and reviews; every hidden review has its flag."""
        rng = self.rng
        published = [
            v for v in self.vendors if v.row["status"] == "published" and v is not self.demo_vendor
        ]
        public_reviews = [r for r in self.t.reviews if r["status"] == "published"]
        for review in self.t.reviews:
            if review["status"] == "hidden":
                reported = min(
                    at(review["published_at"], rng.uniform(2, 24 * 10)), at(self.now, -2)
                )
                self.add_flag(review, reported, resolved="hide_review")
        for i in range(max(3, len(self.vendors) // 250) * 2):
            created = at(self.now, -24 * rng.uniform(0.5, 20 if i % 2 == 0 else 300))
            resolved = None if i % 2 == 0 else "dismiss"
            if i % 3 == 2 and public_reviews:
                review = self.pick(public_reviews)
                self.add_flag(review, max(created, at(review["published_at"], 2)), resolved)
            else:
                self.add_flag(self.pick(published).row, created, resolved)
        open_count = sum(1 for f in self.t.flags if f["status"] == "open")
        self.notify(
            self.admin["id"],
            "flags_waiting",
            f"{open_count} flags are waiting for review.",
            at(self.now, -2),
            endpoint="admin.queue",
        )

    def add_flag(self, target: Row, created: datetime, resolved: str | None) -> None:
        """A flag on a vendor row or a review row; ``resolved`` is its resolution, or None."""
        is_review = "overall" in target
        if is_review:
            reporter = self.vendor_by_id[target["vendor_id"]].row["owner_id"]
            reason = self.pick(W.REVIEW_FLAG_REASONS)
        else:
            reporter = self.pick(self.buyers)["id"]
            reason = self.pick(W.VENDOR_FLAG_REASONS)
        created = min(created, at(self.now, -0.5))
        row: Row = {
            "id": self.new_id("flags"),
            "reporter_id": reporter,
            "target_type": "review" if is_review else "vendor",
            "target_id": target["id"],
            "reason": reason,
            "status": "open",
            "resolution": "",
            "resolution_note": "",
            "resolved_by_id": None,
            "resolved_at": None,
            "created_at": created,
        }
        if resolved:
            when = min(at(created, self.rng.uniform(4, 72)), at(self.now, -0.25))
            row.update(
                status="resolved",
                resolution=resolved,
                resolved_by_id=self.admin["id"],
                resolved_at=when,
                resolution_note=(
                    "Review hidden: it names a staff member."
                    if resolved == "hide_review"
                    else "Checked the evidence; no breach of the rules."
                ),
            )
            if resolved == "hide_review":
                self.audit_review(
                    target,
                    "review.hide",
                    when,
                    "published",
                    "hidden",
                    reason=row["resolution_note"],
                )
            self.audit(
                "flag.resolve",
                "flag",
                row["id"],
                when,
                before={"status": "open"},
                after={"status": "resolved", "resolution": resolved},
                note=row["resolution_note"],
                flagged_type=row["target_type"],
                flagged_id=row["target_id"],
            )
        self.t.flags.append(row)

    # ------------------------------------------------------------------ aggregates and extras

    def finish_vendors(self) -> None:
        """Rating aggregates from the published reviews; median first response from invitations."""
        for vendor in self.vendors:
            row = vendor.row
            if vendor.ratings:
                mean = D(sum(vendor.ratings)) / D(len(vendor.ratings))
                row["rating_avg"] = mean.quantize(CENT, ROUND_HALF_UP)
                row["review_count"] = len(vendor.ratings)
            if vendor.responses:
                row["median_response_hours"] = D(str(median(vendor.responses))).quantize(
                    CENT, ROUND_HALF_UP
                )

    def make_extras(self) -> None:
        """Dashboard counters, shortlists, the free-plan allowance, and a few notifications."""
        rng = self.rng
        month = self.now.strftime("%Y-%m")
        month_start = self.now.replace(day=1, hour=0, minute=0, second=0)
        used: dict[int, int] = {}
        invitation_vendor = {inv["id"]: inv["vendor_id"] for inv in self.t.invitations}
        for quote in self.t.quotes:
            if quote["version"] == 1 and quote["created_at"] >= month_start:
                vendor_id = invitation_vendor[quote["invitation_id"]]
                used[vendor_id] = used.get(vendor_id, 0) + 1
        for vendor_id in sorted(used):
            if self.vendor_by_id[vendor_id].row["plan"] == "free":
                self.t.quote_allowance_usage.append(
                    {"vendor_id": vendor_id, "month": month, "used": used[vendor_id]}
                )
        assert self.demo_vendor is not None
        stats_for = [(self.demo_vendor, 60)] + [
            (v, 30)
            for v in self.vendors
            if v.row["plan"] == "pro" and v.row["status"] == "published"
        ]
        for vendor, days in stats_for:
            base = 4 + vendor.popularity * 6
            for d in range(days, 0, -1):
                day = self.today - timedelta(days=d)
                if day < vendor.row["created_at"].date():
                    continue
                weekday = 0.6 if day.weekday() >= 5 else 1.0
                views = max(0, round(base * weekday * rng.uniform(0.5, 1.5)))
                self.t.vendor_daily_stats.append(
                    {
                        "vendor_id": vendor.id,
                        "day": day,
                        "profile_views": views,
                        "search_appearances": views * rng.randint(4, 12),
                    }
                )
        picks = [self.showcase[k] for k in ("vistula", "thamesbridge", "andes")]
        picks += [v for v in self.pools["payroll"][0] if v.row["verified"] and v not in picks][:3]
        for i, vendor in enumerate(picks):
            self.t.shortlist_entries.append(
                {
                    "user_id": self.demo_buyer["id"],
                    "vendor_id": vendor.id,
                    "created_at": at(self.now, -24 * (20 - i)),
                }
            )
        published = [v for v in self.vendors if v.row["status"] == "published"]
        for buyer in self.buyers:
            if rng.random() < 0.2:
                for vendor in rng.sample(published, k=min(len(published), rng.randint(1, 4))):
                    self.t.shortlist_entries.append(
                        {
                            "user_id": buyer["id"],
                            "vendor_id": vendor.id,
                            "created_at": max(buyer["created_at"], vendor.row["published_at"]),
                        }
                    )
        # Recent events for a handful of ordinary users.
        recent = [
            inv
            for inv in self.t.invitations
            if inv["invited_at"] > at(self.now, -24 * 3) and inv["vendor_id"] != self.demo_vendor.id
        ][:15]
        for inv in recent:
            vendor = self.vendor_by_id[inv["vendor_id"]]
            request = self.requests_by_id[inv["request_id"]]
            self.notify_invited(
                InvRec(row=inv, vendor=vendor), request, inv["viewed_at"] is not None
            )
        demo_reviews = [
            r
            for r in self.t.reviews
            if r["vendor_id"] == self.demo_vendor.id and r["status"] == "published"
        ]
        if demo_reviews:
            latest = max(demo_reviews, key=lambda r: r["published_at"])
            self.notify(
                self.demo_vendor_user["id"],
                "review.published",
                f"A new {latest['overall']}-star review of Meridian Payroll Partners is published.",
                latest["published_at"],
                read=True,
                endpoint="reviews.vendor_reviews",
            )


CERT_NAMES = {
    "iso-27001": "ISO 27001",
    "soc-2": "SOC 2",
    "iso-9001": "ISO 9001",
    "hipaa": "HIPAA",
    "gdpr": "GDPR",
    "pci-dss": "PCI DSS",
    "iso-22301": "ISO 22301",
    "cyber-essentials": "Cyber Essentials",
}
