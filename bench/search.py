"""The search backends side by side: build rate, service call and full /search page latency.

Run: ``.venv/bin/python bench/search.py [--backend whoosh|tantivy|postgres] [--vendors N]``
(default: every available backend, 5,000 vendors; ``--backend`` may be repeated). Each backend
gets a fresh app and database (SQLite for whoosh and tantivy; a temporary PostgreSQL database
for postgres, from ``TEST_DATABASE_URL`` or ``--database-url``, skipped if unreachable) holding
the same N synthetic vendors (bench/search_engine.py's generator), an index built from them
(timed), then the query mix of bench/search_engine.py, ``--rounds`` times, through
``search_vendors`` (the service call) and through ``/search`` on the Flask test client (the
page: search, appearance counting, the vendors' rows, the template).

Targets (issue 10, page p95 on this 2-core machine): Tantivy < 25 ms at 50,000 vendors and
< 40 ms at 200,000; PostgreSQL < 150 ms at 50,000.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_engine import MIX, make_vendors, percentile
from marketplace.search.documents import SearchQuery

BACKENDS = ("whoosh", "tantivy", "postgres")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def query_string(q: SearchQuery) -> str:
    args: list[tuple[str, str]] = [("q", q.text)] if q.text else []
    args += [("category", c) for c in q.categories]
    args += [("country", c) for c in q.countries]
    args += [("cert", c) for c in q.certifications]
    if q.rate_min_cents is not None:
        args.append(("rate_min", str(q.rate_min_cents / 100)))
    if q.rate_max_cents is not None:
        args.append(("rate_max", str(q.rate_max_cents / 100)))
    if q.min_rating_x100:
        args.append(("rating", str(Decimal(q.min_rating_x100) / 100)))
    if q.team_size_min is not None:
        args.append(("team_min", str(q.team_size_min)))
    if q.team_size_max is not None:
        args.append(("team_max", str(q.team_size_max)))
    if q.verified_only:
        args.append(("verified", "1"))
    if q.sort != "relevance":
        args.append(("sort", q.sort))
    if q.page > 1:
        args.append(("page", str(q.page)))
    return "/search?" + urlencode(args)


def insert_vendor_rows(n: int) -> None:
    """The vendors' rows (no services or owners), so the page finds what the index returns."""
    from sqlalchemy import insert

    from marketplace.directory.models import Vendor
    from marketplace.extensions import db

    batch: list[dict[str, Any]] = []
    for doc in make_vendors(n):
        batch.append(
            {
                "id": doc.id,
                "slug": doc.slug,
                "name": doc.name,
                "tagline": doc.tagline[:160],
                "description": doc.description,
                "country": doc.country,
                "city": doc.city,
                "team_size": doc.team_size,
                "languages": list(doc.languages),
                "hourly_rate_min": (
                    Decimal(doc.rate_min_cents) / 100 if doc.rate_min_cents else None
                ),
                "hourly_rate_max": (
                    Decimal(doc.rate_max_cents) / 100 if doc.rate_max_cents else None
                ),
                "status": "published",
                "verified": doc.verified,
                "plan": doc.plan,
                "rating_avg": Decimal(doc.rating_x100) / 100 if doc.rating_x100 else None,
                "review_count": doc.review_count,
            }
        )
        if len(batch) == 2000:
            db.session.execute(insert(Vendor), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(Vendor), batch)
    db.session.commit()


def pg_database(admin_url: str) -> tuple[str, str] | None:
    try:
        import psycopg

        name = f"mkp_bench_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # unreachable: skip this backend
        print(
            f"postgres: skipped, PostgreSQL not reachable at {admin_url} ({exc.__class__.__name__})"
        )
        return None
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(backend_name: str, vendors: int, rounds: int, admin_url: str) -> dict[str, Any] | None:
    import flask_migrate

    from marketplace import create_app
    from marketplace.directory.counters import counters
    from marketplace.extensions import db
    from marketplace.search.services import get_backend, search_vendors

    pg = None
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        if backend_name == "postgres":
            pg = pg_database(admin_url)
            if pg is None:
                return None
            uri = pg[1]
        else:
            uri = f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": uri,
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "RATELIMIT_STORAGE_URI": "memory://",
                "SEARCH_INDEX_DIR": str(Path(tmp) / "search"),
                "SEARCH_BACKEND": backend_name,
            }
        )
        try:
            with app.app_context():
                flask_migrate.upgrade()
                insert_vendor_rows(vendors)
                backend = get_backend()
                started = time.perf_counter()
                count = backend.rebuild(make_vendors(vendors))
                build_s = time.perf_counter() - started
                queries = [q for qs in MIX.values() for q in qs]
                for q in queries:  # warm up, like a live process
                    search_vendors(q)
                service: list[float] = []
                for _ in range(rounds):
                    for q in queries:
                        t = time.perf_counter()
                        search_vendors(q)
                        service.append((time.perf_counter() - t) * 1000)
                db.session.remove()
            client = app.test_client()
            urls = [query_string(q) for q in queries]
            for url in urls:
                client.get(url)
            page: list[float] = []
            for _ in range(rounds):
                for url in urls:
                    t = time.perf_counter()
                    response = client.get(url)
                    page.append((time.perf_counter() - t) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
        finally:
            with app.app_context():
                counters(app).flush()  # while the database still exists (not at exit)
                db.session.remove()
                db.engine.dispose()
            if pg is not None:
                drop_pg_database(admin_url, pg[0])
    return {"backend": backend_name, "count": count, "build_s": build_s, "service": service,
            "page": page}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS)
    parser.add_argument("--vendors", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    parser.add_argument("--database-url", default=PG_URL, help="PostgreSQL admin URL")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # alembic chatter; fallbacks would show in the figures
    admin_url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    rows = []
    for name in args.backend or BACKENDS:
        print(f"running {name} with {args.vendors:,} vendors ...", flush=True)
        result = run(name, args.vendors, args.rounds, admin_url)
        if result is not None:
            rows.append(result)
    if not rows:
        return 1
    print()
    print(f"{args.vendors:,} vendors, {len(rows[0]['service'])} searches per figure "
          f"({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")  # fmt: skip
    header = (f"{'backend':<9} {'build/s':>9}   {'service p50':>11} {'p95':>7} {'p99':>7}"
              f"   {'page p50':>8} {'p95':>7} {'p99':>7}  (ms)")  # fmt: skip
    print(header)
    for r in rows:
        s, p = r["service"], r["page"]
        print(
            f"{r['backend']:<9} {r['count'] / r['build_s']:>9,.0f}   "
            f"{percentile(s, 50):>11.1f} {percentile(s, 95):>7.1f} {percentile(s, 99):>7.1f}   "
            f"{percentile(p, 50):>8.1f} {percentile(p, 95):>7.1f} {percentile(p, 99):>7.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
