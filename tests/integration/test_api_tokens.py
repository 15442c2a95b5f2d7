"""Personal API tokens on the account pages: created (shown once, stored as a hash), listed with
their last use, revoked; each user sees and revokes only their own."""

from __future__ import annotations

import hashlib
import re

import pytest

from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.services import create_api_token
from marketplace.clock import utcnow
from marketplace.extensions import db
from tests.conftest import login
from tests.fixtures.factories import create_user

TOKEN_RE = re.compile(r'value="(mkp_[A-Za-z0-9_-]+)"')


@pytest.fixture
def buyer(app):
    with app.app_context():
        user = create_user("buyer")
        db.session.commit()
        return user.session_token


def test_signing_in_is_required(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.location


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(app, client, buyer):
    login(client, buyer)
    created = client.post("/account/tokens", data={"name": "ERP integration"})
    assert created.status_code == 200
    page = created.get_data(as_text=True)
    plain = TOKEN_RE.search(page).group(1)
    assert "only time it is shown" in page
    assert created.headers["Cache-Control"] == "no-store"
    with app.app_context():
        token = db.session.query(ApiToken).one()
        assert token.name == "ERP integration"
        assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
        assert plain not in (token.token_hash, token.prefix) and plain.startswith(token.prefix)

    listed = client.get("/account/tokens").get_data(as_text=True)
    assert plain not in listed  # never again
    assert "ERP integration" in listed and f"{plain[:10]}…" in listed and "Never" in listed

    assert (
        client.get(
            "/api/v1/requests",
            headers={"Authorization": f"Bearer {plain}"},
        ).status_code
        == 200
    )
    assert "Never" not in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_needs_a_name(app, client, buyer):
    login(client, buyer)
    response = client.post("/account/tokens", data={"name": "   "})
    assert response.status_code == 400
    assert TOKEN_RE.search(response.get_data(as_text=True)) is None
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_revoking_a_token_stops_it_at_once(app, client, buyer):
    login(client, buyer)
    plain = TOKEN_RE.search(
        client.post("/account/tokens", data={"name": "script"}).get_data(as_text=True)
    ).group(1)
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    revoked = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=True)
    assert revoked.status_code == 200
    assert "revoked" in revoked.get_data(as_text=True)
    response = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_another_users_token_cannot_be_seen_or_revoked(app, client, buyer):
    with app.app_context():
        other = create_user("vendor")
        theirs, _plain = create_api_token(other, "Their CRM", utcnow())
        db.session.commit()
        their_id = theirs.id
    login(client, buyer)
    assert "Their CRM" not in client.get("/account/tokens").get_data(as_text=True)
    assert client.post(f"/account/tokens/{their_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, their_id).revoked_at is None


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_without_the_csrf_token_change_nothing(self, app, client, buyer):
        with app.app_context():
            user = db.session.query(User).one()
            token, _plain = create_api_token(user, "kept", utcnow())
            db.session.commit()
            token_id = token.id
        login(client, buyer)
        assert client.post("/account/tokens", data={"name": "sneaky"}).status_code == 400
        assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 400
        with app.app_context():
            tokens = db.session.query(ApiToken).all()
            assert [(t.name, t.revoked_at) for t in tokens] == [("kept", None)]

    def test_the_forms_carry_the_csrf_token(self, client, buyer):
        login(client, buyer)
        page = client.get("/account/tokens").get_data(as_text=True)
        assert 'name="csrf_token"' in page


def test_the_account_page_links_to_tokens_and_docs(client, buyer):
    login(client, buyer)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/tokens"' in page and 'href="/api/docs"' in page
