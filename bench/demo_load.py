"""How long ``load_demo`` takes: 3,000 vendors on a fresh temporary SQLite database by default.

    .venv/bin/python bench/demo_load.py                 # 3,000 vendors
    .venv/bin/python bench/demo_load.py 1000 3000 6000  # how it scales
    .venv/bin/python bench/demo_load.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench 3000

A PostgreSQL database given with --database-url must exist and be empty (it is migrated here).
The target is well under 30 s for 3,000 vendors on SQLite (issue 3). On a busy machine the wall
time swells; the CPU time of this process (all of it, for SQLite) shows the real cost.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.quotes.models import Invitation, Message, Quote, QuoteRequest


def run(vendors: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        uri = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": uri,
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "bench",
                "TESTING": True,
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            from marketplace.demo.generator import load_demo

            started, cpu_started = time.perf_counter(), time.process_time()
            load_demo(vendors=vendors)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            rows = sum(
                db.session.scalar(select(func.count()).select_from(model)) or 0
                for model in (QuoteRequest, Invitation, Quote, Message)
            )
            backend = db.engine.dialect.name
            db.session.remove()
            db.engine.dispose()
    print(
        f"{backend:<10} {vendors:>6,} vendors  {seconds:6.2f} s ({cpu:.2f} s CPU in this process)  "
        f"({vendors / seconds:,.0f} vendors/s; {rows:,} requests+invitations+quotes+messages)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vendors", nargs="*", type=int, default=[3000])
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty PostgreSQL database instead of a temporary SQLite file",
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # alembic's migration chatter
    for count in args.vendors:
        run(count, args.database_url)


if __name__ == "__main__":
    main()
