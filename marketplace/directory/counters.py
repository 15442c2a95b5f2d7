"""Profile-view and search-appearance counters, buffered per process and flushed in one upsert.

Why a buffer: every search page shows up to 20 vendors and every profile page is a view. Writing
those counters in the request meant a write transaction (and, on PostgreSQL, a WAL flush) on
every read-only page, with concurrent pages queueing on the row locks of the same popular
vendors. The counters are dashboard statistics, not money or workflow state, so each process
adds its increments up in memory and writes them at most every ``VIEW_COUNT_FLUSH_SECONDS``
(default 10 s; 0 writes at the end of every request, which the tests use) in one ``INSERT ...
ON CONFLICT DO UPDATE SET n = n + excluded.n``, rows in key order so two hosts flushing at once
cannot deadlock. Increments are additive, so any number of processes and hosts may flush; what
a process holds when it is killed with SIGKILL (at most one interval) is lost, and a graceful
stop flushes at exit.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from marketplace.directory.models import VendorDailyStat
from marketplace.extensions import db

log = logging.getLogger(__name__)

EXTENSION_KEY = "view_counters"
PROFILE_VIEWS = "profile_views"
SEARCH_APPEARANCES = "search_appearances"
_Key = tuple[int, date]


class ViewCounters:
    """Increments waiting to be written, keyed by (vendor id, day)."""

    def __init__(self, flush_seconds: float) -> None:
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._pending: dict[str, Counter[_Key]] = {
            PROFILE_VIEWS: Counter(),
            SEARCH_APPEARANCES: Counter(),
        }
        self._last_flush = time.monotonic()

    def add(self, column: str, vendor_ids: list[int], day: date) -> None:
        with self._lock:
            counter = self._pending[column]
            for vendor_id in vendor_ids:
                counter[(vendor_id, day)] += 1

    def pending(self) -> int:
        with self._lock:
            return sum(len(c) for c in self._pending.values())

    def due(self) -> bool:
        return self.pending() > 0 and (
            self.flush_seconds <= 0 or time.monotonic() - self._last_flush >= self.flush_seconds
        )

    def _take(self) -> dict[_Key, dict[str, int]]:
        with self._lock:
            rows: dict[_Key, dict[str, int]] = {}
            for column, counter in self._pending.items():
                for key, n in counter.items():
                    rows.setdefault(key, {PROFILE_VIEWS: 0, SEARCH_APPEARANCES: 0})[column] = n
                counter.clear()
            self._last_flush = time.monotonic()
            return rows

    def _give_back(self, rows: dict[_Key, dict[str, int]]) -> None:
        with self._lock:
            for key, values in rows.items():
                for column, n in values.items():
                    if n:
                        self._pending[column][key] += n

    def flush(self) -> int:
        """Write what is pending in one upsert (own transaction); return the rows written.

        On a database error the increments are kept for the next flush and the error is logged
        with context; it never reaches the page the visitor asked for.
        """
        rows = self._take()
        if not rows:
            return 0
        values = [
            {"vendor_id": vendor_id, "day": day, **counts}
            for (vendor_id, day), counts in sorted(rows.items())
        ]
        try:
            with db.engine.begin() as conn:
                conn.execute(_upsert(conn.dialect.name, values))
        except SQLAlchemyError:
            log.exception("writing %d view-counter rows failed; kept for the next flush", len(rows))
            self._give_back(rows)
            return 0
        return len(values)


def _upsert(dialect: str, values: list[dict[str, Any]]) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = VendorDailyStat.__table__
    stmt = insert(table).values(values)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.vendor_id, table.c.day],
        set_={
            PROFILE_VIEWS: table.c.profile_views + stmt.excluded.profile_views,
            SEARCH_APPEARANCES: table.c.search_appearances + stmt.excluded.search_appearances,
        },
    )


def counters(app: Flask) -> ViewCounters:
    return app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def init_counters(app: Flask) -> None:
    """One buffer per app; flushed after a request when due, and when the process exits."""
    buffer = ViewCounters(float(app.config["VIEW_COUNT_FLUSH_SECONDS"]))
    app.extensions[EXTENSION_KEY] = buffer

    @app.teardown_request
    def _flush_when_due(_exc: BaseException | None) -> None:
        if buffer.due():
            buffer.flush()

    atexit.register(_flush_at_exit, weakref.ref(app))


def _flush_at_exit(app_ref: weakref.ref[Flask]) -> None:
    """A weak reference: short-lived apps (tests, CLI commands) are not kept alive by this."""
    app = app_ref()
    if app is not None and counters(app).pending():
        with app.app_context():
            counters(app).flush()
