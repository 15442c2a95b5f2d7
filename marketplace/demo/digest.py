"""A fingerprint of everything in the database, to prove the demo data is deterministic."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from marketplace.extensions import db

# Secrets are random on purpose (argon2 salt, session token) and left out of the fingerprint.
EXCLUDED_COLUMNS = frozenset({("users", "password_hash"), ("users", "session_token")})


def _canonical(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


def dataset_digest() -> str:
    """SHA-256 over every row of every table (ordered by primary key), secrets excluded.

    The same on SQLite and PostgreSQL for the same data: values go through the same column
    types (exact decimals, aware UTC datetimes) before they are hashed.
    """
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in EXCLUDED_COLUMNS]
        digest.update(f"\x1e{table.name}\x1f{','.join(c.name for c in columns)}".encode())
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        for row in rows:
            digest.update(("\x1d" + "\x1f".join(_canonical(v) for v in row)).encode())
    return digest.hexdigest()
