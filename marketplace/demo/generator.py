"""The deterministic demo directory: ``flask demo load`` and ``make run`` call ``load_demo``.

Same seed, same data: one ``random.Random(seed)`` draws everything and every timestamp derives
from a fixed reference "now" (``REFERENCE_NOW``), never the wall clock. The only columns that
differ between two loads are the secrets: ``users.password_hash`` (argon2 salts it) and
``users.session_token`` (random, so nobody can derive a live session token from a public seed).

All generated users share one password (hashed once: argon2 is slow on purpose); the three demo
accounts in ``DEMO_ACCOUNTS`` are always present. Rows are written with bulk INSERTs; nothing is
queued for the search index (it is rebuilt from the database afterwards).
"""

from __future__ import annotations

import csv
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from flask import current_app, url_for
from sqlalchemy import func, insert, select, text
from werkzeug.routing import BuildError

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.demo.builder import CERT_NAMES, DemoBuilder, Tables
from marketplace.directory.models import Certification, ServiceCategory
from marketplace.extensions import db
from marketplace.rates.services import load_rates_csv

DEFAULT_SEED = 20261123
REFERENCE_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEMO_PASSWORD = "marketplace-demo"
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("buyer", "buyer@demo.test", DEMO_PASSWORD),
    ("vendor", "vendor@demo.test", DEMO_PASSWORD),
    ("admin", "admin@demo.test", DEMO_PASSWORD),
]
RATES_CSV = Path(__file__).parent / "data" / "rates-2026-11-20.csv"
MIN_VENDORS = 10  # the scripted demo scenario needs six hand-written vendors and a few more

# slug, name, unit of quantity, description (position is the order here)
CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "payroll",
        "Payroll",
        "employees paid per month",
        "Payroll processing end to end: inputs, gross-to-net, payslips, bank files, tax filings "
        "and year-end forms.",
    ),
    (
        "it-services",
        "IT services",
        "users supported",
        "Helpdesk, service desk and managed IT: user support, devices, Microsoft 365 or Google "
        "Workspace administration and monitoring.",
    ),
    (
        "data-entry",
        "Data entry",
        "records per month",
        "Keying, verifying and extracting data from invoices, forms, catalogues and scanned "
        "documents into your systems.",
    ),
    (
        "hr-recruitment",
        "HR and recruitment",
        "FTE",
        "Recruiters, sourcers and HR administrators by the hour: recruitment process outsourcing, "
        "onboarding and HR admin.",
    ),
    (
        "finance-accounting",
        "Finance and accounting",
        "hours per month",
        "Bookkeeping, accounts payable and receivable, reconciliations, month-end close and "
        "management accounts.",
    ),
    (
        "customer-support",
        "Customer support",
        "FTE",
        "Customer service agents for e-mail, chat and phone, with QA, CSAT reporting and "
        "extended-hours or 24/7 cover.",
    ),
)
CERTIFICATIONS: tuple[tuple[str, str], ...] = (
    ("iso-27001", "The international standard for information security management systems."),
    (
        "soc-2",
        "An independent auditor's report on security, availability and confidentiality "
        "controls (AICPA).",
    ),
    ("iso-9001", "The international standard for quality management systems."),
    ("hipaa", "Safeguards for US protected health information, for work with healthcare clients."),
    (
        "gdpr",
        "Processing of EU personal data under the General Data Protection Regulation, "
        "with a data processing agreement.",
    ),
    (
        "pci-dss",
        "The payment card industry's data security standard, for work that touches card data.",
    ),
    ("iso-22301", "The international standard for business continuity management."),
    (
        "cyber-essentials",
        "The UK government-backed baseline for protection against common cyber attacks.",
    ),
)

# Insert order: parents before children.
TABLE_ORDER = (
    "users",
    "vendors",
    "vendor_services",
    "vendor_certifications",
    "quote_requests",
    "request_certifications",
    "invitations",
    "quotes",
    "messages",
    "thread_reads",
    "reviews",
    "flags",
    "audit_log",
    "notifications",
    "quote_allowance_usage",
    "vendor_daily_stats",
    "shortlist_entries",
)
ID_TABLES = (
    "users",
    "vendors",
    "vendor_services",
    "quote_requests",
    "invitations",
    "quotes",
    "messages",
    "reviews",
    "flags",
    "audit_log",
    "notifications",
)
CHUNK = 5000


class DemoDataError(click.ClickException):
    """The demo data cannot be loaded here (shown as a one-line error by the CLI)."""


def database_is_empty() -> bool:
    """True when no user exists yet: the demo data may be loaded."""
    return db.session.execute(select(User.id).limit(1)).first() is None


def ensure_reference_data() -> tuple[dict[str, int], dict[str, int]]:
    """Create or update the six service categories and the certifications; idempotent.

    Returns the ids by slug: ``(categories, certifications)``.
    """
    categories = {c.slug: c for c in db.session.scalars(select(ServiceCategory))}
    for position, (slug, name, unit, description) in enumerate(CATEGORIES, start=1):
        category = categories.get(slug)
        if category is None:
            category = ServiceCategory(slug=slug)
            db.session.add(category)
            categories[slug] = category
        category.name, category.default_unit = name, unit
        category.description, category.position = description, position
    certifications = {c.slug: c for c in db.session.scalars(select(Certification))}
    for slug, description in CERTIFICATIONS:
        cert = certifications.get(slug)
        if cert is None:
            cert = Certification(slug=slug)
            db.session.add(cert)
            certifications[slug] = cert
        cert.name, cert.description = CERT_NAMES[slug], description
    db.session.flush()
    return (
        {slug: c.id for slug, c in categories.items()},
        {slug: c.id for slug, c in certifications.items()},
    )


def read_rates(path: Path = RATES_CSV) -> dict[str, Decimal]:
    """USD per unit of each currency in the shipped rates file (USD is 1)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rates = {row["currency"]: Decimal(row["usd_per"]) for row in csv.DictReader(fh)}
    rates["USD"] = Decimal(1)
    return rates


def load_demo(vendors: int = 3000, seed: int = DEFAULT_SEED, now: datetime | None = None) -> str:
    """Load the demo directory into an empty database and commit; returns a printable summary."""
    started = time.perf_counter()
    now = now or REFERENCE_NOW
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    if vendors < MIN_VENDORS:
        raise DemoDataError(f"Use at least {MIN_VENDORS} vendors.")
    if not database_is_empty():
        raise DemoDataError("The database already has users; the demo data needs an empty one.")
    category_ids, cert_ids = ensure_reference_data()
    load_rates_csv(RATES_CSV)
    builder = DemoBuilder(
        seed=seed,
        now=now.astimezone(UTC),
        category_ids=category_ids,
        certification_ids=cert_ids,
        usd_per=read_rates(),
        password_hash=hash_password(DEMO_PASSWORD),
        first_ids=_first_ids(),
        demo_accounts=DEMO_ACCOUNTS,
        link=_path,
    )
    tables = builder.build(vendors)
    _write(tables)
    _sync_sequences()
    db.session.commit()
    return _summary(tables, seed, time.perf_counter() - started)


def _path(endpoint: str, **values: Any) -> str:
    """The site path of a page for notification links; the dashboard if the route is gone."""
    try:
        with current_app.test_request_context("/"):
            return url_for(endpoint, **values)
    except BuildError:
        return "/dashboard"


def _first_ids() -> dict[str, int]:
    first = {}
    for name in ID_TABLES:
        table = db.metadata.tables[name]
        largest = db.session.execute(select(func.max(table.c.id))).scalar()
        first[name] = (largest or 0) + 1
    return first


def accuracy_column_usable() -> bool:
    """False while quotes.accuracy_pct's CHECK compares its stored minor units with 100.

    ``accuracy_pct`` is ``FixedDecimal(2)`` (99.80 is stored as 9980), but the constraint reads
    ``accuracy_pct <= 100``, so every accuracy above 1.00 % is refused. Until the model and a
    migration say ``<= 10000``, the demo quotes state turnaround only.
    """
    table = db.metadata.tables["quotes"]
    for constraint in table.constraints:
        sql = str(getattr(constraint, "sqltext", ""))
        if "accuracy_pct" in sql and "<= 100)" in sql:
            return False
    return True


def _write(tables: Tables) -> None:
    """Bulk INSERT every table in dependency order (Core inserts: no ORM identity map)."""
    if not accuracy_column_usable():
        for quote in tables.quotes:
            quote["accuracy_pct"] = None
    for name in TABLE_ORDER:
        rows: list[dict[str, Any]] = getattr(tables, name)
        if not rows:
            continue
        table = db.metadata.tables[name]
        columns = [c.name for c in table.columns]
        clean = [{c: row[c] for c in columns if c in row} for row in rows]
        for start in range(0, len(clean), CHUNK):
            db.session.execute(insert(table), clean[start : start + CHUNK])


def _sync_sequences() -> None:
    """Ids were given explicitly; on PostgreSQL move each serial sequence past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


def _summary(t: Tables, seed: int, seconds: float) -> str:
    def count(rows: list[dict[str, Any]], key: str, value: str) -> int:
        return sum(1 for r in rows if r[key] == value)

    buyers = count(t.users, "role", "buyer")
    published = count(t.vendors, "status", "published")
    reviews = count(t.reviews, "status", "published")
    accounts = ", ".join(email for _, email, _ in DEMO_ACCOUNTS)
    return (
        f"Demo data loaded (seed {seed}) in {seconds:.1f} s: {len(t.vendors):,} vendors "
        f"({published:,} published), {buyers:,} buyers, {len(t.quote_requests):,} requests, "
        f"{len(t.invitations):,} invitations, {len(t.quotes):,} quotes, {len(t.messages):,} "
        f"messages, {reviews:,} published reviews.\n"
        f"Sign in as {accounts} with the password {DEMO_PASSWORD}."
    )
