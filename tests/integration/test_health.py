"""Load-balancer probes: /healthz never touches the database; /readyz names what failed."""

from __future__ import annotations

from unittest import mock

from sqlalchemy.exc import OperationalError

from marketplace.extensions import db
from marketplace.search.services import rebuild_index


def test_healthz_answers_ok_without_the_database(sqlite_app):
    client = sqlite_app.test_client()
    with mock.patch.object(db.session, "execute", side_effect=AssertionError("touched the DB")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_database_and_search_answer(app):
    with app.app_context():
        rebuild_index()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "search": "ok"}}


def test_readyz_without_a_search_index_is_degraded_not_down(sqlite_app):
    client = sqlite_app.test_client()
    response = client.get("/readyz")  # no index built: searches fall back to the database
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["search"] == "unavailable"
    strict = client.get("/readyz?strict=1")
    assert strict.status_code == 503
    assert strict.mimetype == "application/problem+json"
    assert strict.json["failed"] == ["search"]


def test_readyz_names_the_database_when_it_fails(sqlite_app):
    with sqlite_app.app_context():
        rebuild_index()
    client = sqlite_app.test_client()
    broken = OperationalError("SELECT 1", {}, Exception("connection refused"))
    with mock.patch.object(db.session, "execute", side_effect=broken):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["failed"] == ["database"]
    assert body["checks"] == {"database": "unavailable", "search": "ok"}
    assert "database" in body["detail"]


def test_probes_are_not_rate_limited(sqlite_app):
    sqlite_app.config["RATELIMIT_ENABLED"] = True
    client = sqlite_app.test_client()
    assert all(client.get("/healthz").status_code == 200 for _ in range(50))
