"""Several hosts: rate limits shared through Redis, ProxyFix hop counting, concurrent ticks and
concurrent ``search sync`` runs without double effects.

Limits: each "host" is a separate process (spawn) with its own app and its own Flask-Limiter
storage, as two gunicorn workers would be. Each test run uses its own Redis key prefix and
deletes only its own keys. Redis or PostgreSQL unreachable: skipped, or failed when
REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import Notification
from marketplace.quotes.models import QuoteRequest
from tests.conftest import REQUIRE_SERVICES, base_config
from tests.fixtures.quotes import make_request

REDIS_URL = (
    os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or ("redis://127.0.0.1:6379/0")
)
LOGIN = {"email": "nobody@example.com", "password": "wrong password 123"}


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:  # any failure means "not reachable"
        message = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message)
    prefix = f"mkptest-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*", count=500):
        client.delete(key)
    client.close()


def _host_posts_logins(db_file: str, instance: str, settings: dict[str, Any], n: int, queue):
    """One host: its own app and limiter storage; POST a wrong login n times."""
    app = create_app({**base_config(Path(instance), f"sqlite:///{db_file}"), **settings})
    client = app.test_client()
    queue.put([client.post("/login", data=LOGIN).status_code for _ in range(n)])
    with app.app_context():
        db.engine.dispose()


def _run_host(tmp_path: Path, db_file: Path, settings: dict[str, Any], n: int) -> list[int]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    instance = tmp_path / f"host-{uuid.uuid4().hex[:6]}"
    process = ctx.Process(
        target=_host_posts_logins, args=(str(db_file), str(instance), settings, n, queue)
    )
    process.start()
    codes = queue.get(timeout=120)
    process.join(timeout=30)
    assert process.exitcode == 0
    return codes


def _limit_settings(storage: str, prefix: str) -> dict[str, Any]:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": "3 per minute",
    }


@pytest.fixture
def db_file(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "hosts.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.mark.slow
def test_two_hosts_share_one_limit_through_redis(tmp_path, db_file, redis_prefix):
    settings = _limit_settings(REDIS_URL, redis_prefix)
    first = _run_host(tmp_path, db_file, settings, 3)
    second = _run_host(tmp_path, db_file, settings, 2)
    assert 429 not in first
    assert second == [429, 429]  # the other host already used the 3 allowed


@pytest.mark.slow
def test_with_memory_storage_each_host_counts_alone(tmp_path, db_file):
    """Why REDIS_URL matters: memory:// gives every worker its own allowance."""
    settings = _limit_settings("memory://", "memtest")
    first = _run_host(tmp_path, db_file, settings, 4)
    second = _run_host(tmp_path, db_file, settings, 3)
    assert first[-1] == 429
    assert 429 not in second


# --- ProxyFix ----------------------------------------------------------------------------------


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "3 per minute",
        "PROXY_HOPS": 1,
    }


def _post_via_proxy(client, spoofed: str, real: str) -> int:
    """The proxy appends the address it saw to whatever X-Forwarded-For the client sent."""
    headers = {"X-Forwarded-For": f"{spoofed}, {real}"} if spoofed else {"X-Forwarded-For": real}
    return client.post("/login", data=LOGIN, headers=headers).status_code


def test_a_spoofed_forwarded_for_cannot_reset_the_limit(sqlite_app):
    client = sqlite_app.test_client()
    codes = [_post_via_proxy(client, f"10.0.0.{n}", "203.0.113.7") for n in range(5)]
    assert 429 not in codes[:3]
    assert codes[3:] == [429, 429]  # a fresh fake address each time did not help
    # Another real client behind the same proxy keeps its own allowance.
    assert _post_via_proxy(client, "", "198.51.100.9") != 429


def test_without_proxy_hops_forwarded_for_is_ignored(tmp_path, sqlite_template):
    db_path = tmp_path / "noproxy.db"
    shutil.copyfile(sqlite_template, db_path)
    app = create_app(
        {
            **base_config(tmp_path, f"sqlite:///{db_path}"),
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "PROXY_HOPS": 0,
        }
    )
    client = app.test_client()
    codes = [_post_via_proxy(client, "", f"198.51.100.{n}") for n in range(4)]
    assert codes[-1] == 429  # the header is not trusted without a configured proxy
    with app.app_context():
        db.engine.dispose()


# --- ticks from several hosts at once ------------------------------------------------------------

TICKERS = 3


def _tick_in_process(url: str, instance: str, barrier, results) -> None:
    from sqlalchemy.exc import OperationalError

    from marketplace.quotes.services import tick

    app = create_app(base_config(Path(instance), url))
    with app.app_context():
        db.session.execute(select(1))
        barrier.wait(timeout=60)
        try:
            report = tick(utcnow())
            db.session.commit()
            results.put((report.closed, report.reminded, ""))
        except OperationalError as exc:
            db.session.rollback()
            results.put((0, 0, type(exc.orig).__name__))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_ticks_on_several_hosts_close_and_remind_once(app, tmp_path):
    if app.config["DB_BACKEND"] != "postgres":
        pytest.skip("several hosts means PostgreSQL; SQLite ticks race threads elsewhere")
    with app.app_context():
        now = utcnow()
        closing, reminding = [], []
        for _ in range(6):
            s = make_request(now=now, vendors=2)
            s.request.quotes_due_at = now - timedelta(minutes=1)
            closing.append((s.request.id, s.buyer.id))
        for _ in range(6):
            s = make_request(now=now, vendors=2)
            s.request.quotes_due_at = now + timedelta(hours=12)
            reminding.append((s.request.id, [u.id for u in s.vendor_users]))
        db.session.commit()
        before = db.session.scalar(select(func.count(Notification.id)))
        db.session.remove()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(TICKERS)
    results = ctx.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    procs = [
        ctx.Process(target=_tick_in_process, args=(url, str(tmp_path / f"t{n}"), barrier, results))
        for n in range(TICKERS)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert all(error == "" for _, _, error in outcomes), outcomes
    assert sum(closed for closed, _, _ in outcomes) == 6
    assert sum(reminded for _, reminded, _ in outcomes) == 12
    with app.app_context():
        for request_id, buyer_id in closing:
            assert db.session.get(QuoteRequest, request_id).status == "closed"
            told = db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == buyer_id,
                    Notification.kind == "request_deadline_passed",
                )
            )
            assert told == 1
        for request_id, vendor_ids in reminding:
            assert db.session.get(QuoteRequest, request_id).reminder_sent_at is not None
            for vendor_id in vendor_ids:
                kinds = db.session.scalars(
                    select(Notification.kind).where(Notification.user_id == vendor_id)
                ).all()
                assert len([k for k in kinds if "deadline" in k or "remind" in k]) == 1, kinds
        after = db.session.scalar(select(func.count(Notification.id)))
        # One notice per closed request's buyer (plus its vendors) and one per reminded vendor.
        assert after - before <= 6 * 3 + 12


# --- search sync from several hosts at once ---------------------------------------------------

SYNCERS = 3


def _sync_in_process(url: str, instance: str, index_dir: str, barrier, results) -> None:
    from marketplace.search.services import sync_all

    app = create_app({**base_config(Path(instance), url), "SEARCH_INDEX_DIR": index_dir})
    with app.app_context():
        db.session.execute(select(1))
        db.session.rollback()
        barrier.wait(timeout=60)
        try:
            results.put((sync_all(), ""))
        except Exception as exc:  # reported to the test, which fails with the reason
            results.put((0, repr(exc)))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_concurrent_search_syncs_apply_each_change_once(app, tmp_path):
    if app.config["DB_BACKEND"] != "postgres":
        pytest.skip("several hosts means PostgreSQL")
    from marketplace.search.models import SearchPending
    from marketplace.search.services import enqueue_vendor, get_backend, rebuild_index
    from tests.fixtures.factories import create_vendor

    with app.app_context():
        rebuild_index()  # an empty, healthy index
        vendors = [create_vendor(name=f"Sync Vendor {n}") for n in range(40)]
        db.session.flush()
        for v in vendors:
            enqueue_vendor(v.id)
        db.session.commit()
        ids = {v.id for v in vendors}
        db.session.remove()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(SYNCERS)
    results = ctx.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    index_dir = app.config["SEARCH_INDEX_DIR"]
    procs = [
        ctx.Process(
            target=_sync_in_process,
            args=(url, str(tmp_path / f"s{n}"), index_dir, barrier, results),
        )
        for n in range(SYNCERS)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert all(error == "" for _, error in outcomes), outcomes
    assert sum(applied for applied, _ in outcomes) == len(ids)  # each pending row applied once
    with app.app_context():
        assert db.session.scalar(select(func.count(SearchPending.id))) == 0
        backend = get_backend()
        assert backend.doc_count() == len(ids)
