"""Sign-up, verification, sign-in, reset and password change, following the outbox links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts import services
from marketplace.accounts.models import User
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from marketplace.notify.models import OutboxEmail
from tests.conftest import login
from tests.fixtures.factories import PASSWORD, create_user


def last_mail(app, to: str) -> OutboxEmail:
    with app.app_context():
        mail = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id.desc())
        ).first()
        assert mail is not None, f"no mail to {to}"
        db.session.expunge(mail)
        return mail


def link_in(mail: OutboxEmail) -> str:
    match = re.search(r"http://localhost(/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def register(client, role="buyer", email="ana@acme.example", password="a long passphrase"):
    return client.post(
        "/register",
        data={
            "role": role,
            "company": "Acme Corp",
            "display_name": "Ana Lima",
            "email": email,
            "password": password,
        },
    )


def test_buyer_signs_up_and_verifies_email_through_the_outbox_link(app, client):
    response = register(client)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert b"Please confirm your e-mail" in client.get("/dashboard").data

    path = link_in(last_mail(app, "ana@acme.example"))
    assert path.startswith("/verify/")
    response = client.get(path, follow_redirects=True)
    assert b"is confirmed" in response.data
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email_key == "ana@acme.example")).one()
        assert user.role == "buyer" and user.email_verified_at is not None
        assert user.password_hash.startswith("$argon2")


def test_vendor_sign_up_creates_a_draft_profile_they_own(app, client):
    register(client, role="vendor", email="sales@bpo.example")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email_key == "sales@bpo.example")).one()
        vendor = db.session.scalars(select(Vendor).where(Vendor.owner_id == user.id)).one()
        assert (
            vendor.status == "draft" and vendor.name == "Acme Corp" and vendor.slug == "acme-corp"
        )
    assert b"private draft" in client.get("/dashboard").data


def test_sign_up_cannot_grant_admin_or_extra_fields(app, client):
    response = client.post(
        "/register",
        data={
            "role": "admin",
            "company": "X",
            "display_name": "Y",
            "email": "x@y.example",
            "password": "a long passphrase",
            "email_verified_at": "2020-01-01",
        },
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email_key == "x@y.example")) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", b"valid"),
        ("password", "short", b"at least 10"),
        ("password", "x" * 10_000, b"Field cannot be longer"),
        ("company", "   ", b"This field is required"),
    ],
)
def test_sign_up_errors_show_beside_the_field_and_keep_the_input(client, field, value, message):
    data = {
        "role": "buyer",
        "company": "Acme <b>Corp</b>",
        "display_name": "Ana Lima",
        "email": "ana@acme.example",
        "password": "a long passphrase",
        field: value,
    }
    response = client.post("/register", data=data)
    assert response.status_code == 200
    assert message in response.data
    assert b'aria-invalid="true"' in response.data
    if field != "company":
        assert b"Acme &lt;b&gt;Corp&lt;/b&gt;" in response.data  # kept, and escaped


def test_emails_are_unique_case_insensitively(app, client):
    register(client, email="Ana@Acme.example")
    client.post("/logout")
    with client.session_transaction() as s:
        s.clear()
    response = register(client, email="ana@ACME.example")
    assert b"already exists" in response.data


def test_login_logout_and_wrong_password_reveal_nothing(app, client):
    with app.app_context():
        create_user("buyer", email="bo@acme.example")
        db.session.commit()
    bad = client.post("/login", data={"email": "bo@acme.example", "password": "wrong password"})
    unknown = client.post("/login", data={"email": "nobody@acme.example", "password": "x" * 12})
    assert b"do not match" in bad.data and b"do not match" in unknown.data
    ok = client.post("/login", data={"email": "BO@acme.example", "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_inactive_users_cannot_sign_in(app, client):
    with app.app_context():
        create_user("buyer", email="gone@acme.example", active=False)
        db.session.commit()
    response = client.post("/login", data={"email": "gone@acme.example", "password": PASSWORD})
    assert b"do not match" in response.data


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account", "/account"),
        ("https://evil.example/x", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_redirect_stays_on_the_site(app, client, target, expected):
    with app.app_context():
        create_user("buyer", email="n@acme.example")
        db.session.commit()
    response = client.post(
        "/login", data={"email": "n@acme.example", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.location == expected


def test_password_reset_link_works_once_and_signs_out_other_sessions(app, client):
    with app.app_context():
        create_user("buyer", email="r@acme.example")
        db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": "r@acme.example", "password": PASSWORD})
    assert other.get("/dashboard").status_code == 200

    client.post("/forgot", data={"email": "r@acme.example"})
    path = link_in(last_mail(app, "r@acme.example"))
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new passphrase"})
    assert response.status_code == 302 and response.location.endswith("/login")

    assert other.get("/dashboard").status_code == 302  # the old session died
    reused = client.post(path, data={"password": "yet another passphrase"}, follow_redirects=True)
    assert b"already been used" in reused.data
    assert (
        client.post(
            "/login", data={"email": "r@acme.example", "password": "a brand new passphrase"}
        ).status_code
        == 302
    )


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, client):
    known = client.post("/forgot", data={"email": "nobody@acme.example"}, follow_redirects=True)
    assert b"If an account uses that address" in known.data
    with app.app_context():
        assert db.session.scalar(select(OutboxEmail)) is None


def test_reset_link_expires(ctx):
    user = create_user("buyer", email="exp@acme.example")
    from marketplace.accounts.tokens import TokenError, make_reset_token

    token = make_reset_token(user)
    ctx.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    with pytest.raises(TokenError, match="expired"):
        services.reset_password(token, "a brand new passphrase", utcnow())


def test_tampered_tokens_are_refused(client):
    response = client.get("/verify/not-a-token", follow_redirects=True)
    assert b"not valid" in response.data
    response = client.get("/reset/not-a-token", follow_redirects=True)
    assert b"not valid" in response.data


def test_change_password_keeps_this_session_and_kills_others(app, client):
    with app.app_context():
        create_user("buyer", email="c@acme.example")
        db.session.commit()
    client.post("/login", data={"email": "c@acme.example", "password": PASSWORD})
    other = app.test_client()
    other.post("/login", data={"email": "c@acme.example", "password": PASSWORD})

    wrong = client.post(
        "/account/password", data={"current_password": "nope", "new_password": "another passphrase"}
    )
    assert b"not your current password" in wrong.data
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_logout_everywhere_rotates_the_session_token(app, client):
    with app.app_context():
        user = create_user("buyer", email="e@acme.example")
        old, user_id = user.session_token, user.id
        db.session.commit()
    client.post("/login", data={"email": "e@acme.example", "password": PASSWORD})
    client.post("/account/logout-everywhere")
    with app.app_context():
        assert db.session.get(User, user_id).session_token != old
    assert client.get("/account").status_code == 302


def test_remember_cookie_is_http_only_lax_and_lasts_14_days(app, client):
    with app.app_context():
        create_user("buyer", email="m@acme.example")
        db.session.commit()
    response = client.post(
        "/login", data={"email": "m@acme.example", "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)


def test_a_10000_character_password_is_refused_without_hashing(ctx):
    assert services.authenticate("x@y.example", "p" * 10_000, utcnow()) is None


@pytest.mark.parametrize("role", ["buyer", "vendor", "admin"])
def test_each_role_sees_its_own_dashboard(app, client, role):
    with app.app_context():
        user = create_user(role)
        if role == "vendor":
            from marketplace.directory.services import create_draft_vendor

            create_draft_vendor(user, "Vendor Co")
        db.session.commit()
        login(client, user)
    page = client.get("/dashboard").data
    heading = {
        "buyer": b"Your requests",
        "vendor": b"Your profile and leads",
        "admin": b"Moderation",
    }[role]
    assert heading in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/dashboard", "/account", "/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.location
