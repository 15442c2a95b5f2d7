"""Account rules: sign-up, verification, sign-in, password reset and change, admin creation.

Every function checks its inputs, changes rows and queues mails, then flushes; the caller commits
once. Messages never reveal whether an e-mail address has an account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User, new_session_token
from marketplace.accounts.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from marketplace.accounts.tokens import (
    TokenError,
    make_reset_token,
    make_verify_token,
    read_reset_token,
    read_verify_token,
)
from marketplace.extensions import db
from marketplace.notify.services import queue_email
from marketplace.parsing import FieldErrors, ParseError, clean_text, parse_email
from marketplace.urls import external_url

SELF_SERVICE_ROLES = ("buyer", "vendor")


@dataclass(frozen=True)
class RegistrationInput:
    role: str
    company: str
    display_name: str
    email: str
    password: str


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Length is what matters (NIST 800-63B)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.strip() == "":
        return "A password cannot be only spaces."
    return None


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email_key == email.strip().lower())
    ).scalar_one_or_none()


def _load_user(user_id: object) -> User | None:
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def register_user(data: RegistrationInput, now: datetime) -> User:
    """Create a buyer or vendor account (vendors also get a draft profile) and mail the link."""
    errors: dict[str, str] = {}
    if data.role not in SELF_SERVICE_ROLES:
        errors["role"] = "Choose whether you are buying services or offering them."
    try:
        company = clean_text(data.company, max_length=160)
        if not company:
            errors["company"] = "Enter your company's name."
    except ParseError as exc:
        errors["company"] = str(exc)
        company = ""
    try:
        display_name = clean_text(data.display_name, max_length=120)
        if not display_name:
            errors["display_name"] = "Enter your name."
    except ParseError as exc:
        errors["display_name"] = str(exc)
        display_name = ""
    try:
        email = parse_email(data.email)
    except ParseError as exc:
        errors["email"] = str(exc)
        email = ""
    problem = password_problem(data.password)
    if problem:
        errors["password"] = problem
    if email and find_user_by_email(email) is not None:
        # Saying so on the form is the usual trade-off for sign-up; the rate limit stops
        # enumeration at scale, and sign-in and reset reveal nothing.
        errors["email"] = "An account with this e-mail already exists. Try signing in."
    if errors:
        raise FieldErrors(errors)

    user = User(
        email=email,
        email_key=email.lower(),
        password_hash=hash_password(data.password),
        role=data.role,
        display_name=display_name,
        company=company,
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(user)
    if data.role == "vendor":
        from marketplace.directory.services import create_draft_vendor

        create_draft_vendor(user, company)
    db.session.flush()
    send_verification_email(user)
    return user


def send_verification_email(user: User) -> None:
    link = external_url("accounts.verify_email", token=make_verify_token(user))
    queue_email(
        user.email,
        "Confirm your e-mail address",
        f"Hello {user.display_name},\n\n"
        f"Please confirm your e-mail address for your marketplace account:\n\n{link}\n\n"
        "The link works for 3 days. If you did not sign up, you can ignore this mail.\n",
    )


def verify_email(token: str, now: datetime) -> User:
    """Mark the address verified; a second click is harmless."""
    user = read_verify_token(token, _load_user)
    if user.email_verified_at is None:
        user.email_verified_at = now
        db.session.flush()
    return user


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """The active user with this e-mail and password, or None; same work either way."""
    user = find_user_by_email(email) if isinstance(email, str) and len(email) <= 254 else None
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; says nothing either way."""
    user = find_user_by_email(email) if isinstance(email, str) and len(email) <= 254 else None
    if user is None or not user.active:
        return
    link = external_url("accounts.reset_password", token=make_reset_token(user))
    queue_email(
        user.email,
        "Reset your password",
        f"Hello {user.display_name},\n\nSomeone asked to reset the password of your account. "
        f"To choose a new one, open:\n\n{link}\n\n"
        "The link works once, for one hour. If it was not you, ignore this mail: "
        "your password stays as it is.\n",
    )


def check_reset_token(token: str) -> User:
    return read_reset_token(token, _load_user)


def _set_password(user: User, new_password: str, now: datetime) -> None:
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.session_token = new_session_token()  # every other session dies with the old password


def reset_password(token: str, new_password: str, now: datetime) -> User:
    """Set a new password from a reset link; the link stops working at once."""
    user = read_reset_token(token, _load_user)
    problem = password_problem(new_password)
    if problem:
        raise FieldErrors({"password": problem})
    _set_password(user, new_password, now)
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link proved they read this mailbox
    queue_email(
        user.email,
        "Your password was changed",
        f"Hello {user.display_name},\n\nYour password was just reset. If this was not you, "
        "reset it again at once and contact support.\n",
    )
    db.session.flush()
    return user


def change_password(user: User, current: str, new_password: str, now: datetime) -> None:
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = "That is not your current password."
    problem = password_problem(new_password)
    if problem:
        errors["new_password"] = problem
    if errors:
        raise FieldErrors(errors)
    _set_password(user, new_password, now)
    queue_email(
        user.email,
        "Your password was changed",
        f"Hello {user.display_name},\n\nYour password was just changed and every other "
        "session was signed out. If this was not you, reset your password at once.\n",
    )
    db.session.flush()


def logout_everywhere(user: User) -> None:
    """Rotate the session token: every cookie issued so far stops working."""
    user.session_token = new_session_token()
    db.session.flush()


def create_admin(email: str, password: str, display_name: str, now: datetime) -> User:
    """Create an admin (from the CLI only: no web path can grant the role)."""
    address = parse_email(email)
    problem = password_problem(password)
    if problem:
        raise FieldErrors({"password": problem})
    if find_user_by_email(address) is not None:
        raise FieldErrors({"email": "A user with this e-mail already exists."})
    user = User(
        email=address,
        email_key=address.lower(),
        password_hash=hash_password(password),
        role="admin",
        display_name=display_name,
        company="Marketplace",
        email_verified_at=now,
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_api_token(user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Make a token; returns the row and the plain token, which is never stored."""
    label = clean_text(name, max_length=80)
    if not label:
        raise FieldErrors({"name": "Name the token, e.g. 'ERP integration'."})
    plain = "mkp_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=label,
        token_hash=hashlib.sha256(plain.encode()).hexdigest(),
        prefix=plain[:10],
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


__all__ = [
    "RegistrationInput",
    "TokenError",
    "authenticate",
    "change_password",
    "check_reset_token",
    "create_admin",
    "create_api_token",
    "logout_everywhere",
    "register_user",
    "request_password_reset",
    "reset_password",
    "send_verification_email",
    "verify_email",
]
