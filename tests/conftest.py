"""Layered fixtures: ``db_backend`` -> ``app`` (migrated, empty database) -> ``client``.

Every database test runs on SQLite and again on PostgreSQL when it is reachable
(``TEST_DATABASE_URL``, default postgresql://postgres@127.0.0.1:5432/test). With
``REQUIRE_SERVICES=1`` (CI) an unreachable PostgreSQL fails the run instead of skipping.

The services pass (``make test-services``, which CI runs after ``make test``) sets
``TEST_DB_BACKENDS=postgres`` and ``TEST_REDIS_URL``: every ``app`` test runs on PostgreSQL only
and rate limits live in Redis (a key prefix per app, so tests never share a counter), as on a
several-host deployment. ``sqlite_app`` tests (whose subject is not the database) stay on SQLite.

Isolation: SQLite tests get a copy of a database migrated once per session; PostgreSQL tests share
a per-worker database migrated once and truncated after each test. Both allow real commits, so
concurrency tests (races between threads or processes) behave as in production.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
DB_BACKENDS = os.environ.get("TEST_DB_BACKENDS", "sqlite,postgres").split(",")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# One prefix per test process: Flask-Limiter keeps the first app's key prefix for the life of
# the (global) limiter, so a per-app prefix would not separate tests. Instead every test's
# counters are deleted when its app is torn down (``_clear_rate_limits``).
REDIS_PREFIX = f"test-{uuid.uuid4().hex}"

pytest_plugins = ["tests.fixtures.factories"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def base_config(tmp_path: Path, uri: str) -> dict[str, Any]:
    """Test settings: CSRF and rate limits off by default; tests that check them turn them on."""
    limits = (
        {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": REDIS_PREFIX}
        if REDIS_URL
        else {"RATELIMIT_STORAGE_URI": "memory://"}
    )
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        **limits,
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "VIEW_COUNT_FLUSH_SECONDS": 0,  # counters written at the end of each request
        "SERVER_BASE_URL": "http://localhost",
        "SMTP_HOST": "",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "STRIPE_PRICE_PRO": "",
    }


def migrate_database(uri: str, tmp_path: Path) -> None:
    import flask_migrate

    app = create_app(base_config(tmp_path, uri))
    with app.app_context():
        flask_migrate.upgrade()
        from marketplace.extensions import db

        db.engine.dispose()


def pg_admin_url() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(pg_admin_url(), connect_timeout=3):
            return True
    except Exception:  # any failure means "not reachable"; the reason is reported below
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    migrate_database(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not postgres_reachable():
        message = f"PostgreSQL is not reachable at {PG_URL}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message)
    import psycopg

    name = f"mkp_test_{_worker()}_{os.getpid()}"  # concurrent runs never share a database
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_admin_url().rsplit("/", 1)[0]
    url = f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    migrate_database(url, tmp_path_factory.mktemp("pg-migrate"))
    yield url
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _clear_rate_limits() -> None:
    if not REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"*{REDIS_PREFIX}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _truncate_all(app: Flask) -> None:
    from sqlalchemy import text

    from marketplace.extensions import db

    with app.app_context():
        db.session.remove()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


_BACKEND_PARAMS = {
    "sqlite": "sqlite",
    "postgres": pytest.param("postgres", marks=pytest.mark.postgres),
}


@pytest.fixture(params=[_BACKEND_PARAMS[name] for name in DB_BACKENDS])
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings for every ``app`` there."""
    return {}


@pytest.fixture
def app(
    db_backend: str, tmp_path: Path, request: pytest.FixtureRequest, app_config: dict[str, Any]
) -> Iterator[Flask]:
    if db_backend == "sqlite":
        db_path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), db_path)
        uri = f"sqlite:///{db_path}"
    else:
        uri = request.getfixturevalue("postgres_url")
    application = create_app({**base_config(tmp_path, uri), **app_config})
    application.config["DB_BACKEND"] = db_backend
    try:
        yield application
    finally:
        from marketplace.extensions import db

        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        if db_backend == "postgres":
            _truncate_all(application)
        _clear_rate_limits()


@pytest.fixture
def sqlite_app(
    tmp_path: Path, sqlite_template: Path, app_config: dict[str, Any]
) -> Iterator[Flask]:
    """An app on SQLite only, for tests whose subject is not the database."""
    db_path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, db_path)
    application = create_app({**base_config(tmp_path, f"sqlite:///{db_path}"), **app_config})
    application.config["DB_BACKEND"] = "sqlite"
    yield application
    from marketplace.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    _clear_rate_limits()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for calling services directly (no HTTP)."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, user: Any) -> None:
    """Sign ``user`` (a User, or its session token) in on ``client`` the way Flask-Login does."""
    token = user if isinstance(user, str) else user.session_token
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
