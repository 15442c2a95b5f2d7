"""DESIGN 11 baseline: headers, size limits, CSRF, rate limits, error pages."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests.fixtures.factories import create_user


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_unknown_page_is_a_404_in_the_site_look(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b"site-header" in response.data


def test_api_paths_answer_problem_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_oversized_requests_get_413(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert b"larger than 2 MB" in response.data


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_forms_without_a_csrf_token_are_refused(app, client):
    with app.app_context():
        create_user("buyer", email="csrf@acme.example")
        db.session.commit()
    response = client.post(
        "/login", data={"email": "csrf@acme.example", "password": "correct horse battery"}
    )
    assert response.status_code == 400


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "RESET_RATE_LIMIT": "2 per minute",
            "REGISTER_RATE_LIMIT": "2 per minute",
        }

    def test_login_is_rate_limited_with_a_readable_page(self, client):
        for _ in range(3):
            assert (
                client.post("/login", data={"email": "a@b.example", "password": "x"}).status_code
                == 200
            )
        response = client.post("/login", data={"email": "a@b.example", "password": "x"})
        assert response.status_code == 429
        assert b"Too many attempts" in response.data

    def test_password_reset_and_registration_are_rate_limited(self, client):
        codes = [
            client.post("/forgot", data={"email": "a@b.example"}).status_code for _ in range(3)
        ]
        assert codes[-1] == 429
        codes = [client.post("/register", data={}).status_code for _ in range(3)]
        assert codes[-1] == 429

    def test_reading_the_login_page_is_not_limited(self, client):
        assert all(client.get("/login").status_code == 200 for _ in range(6))
