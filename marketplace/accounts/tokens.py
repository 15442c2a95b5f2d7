"""Signed, expiring links for e-mail verification and password reset.

A reset token carries a fingerprint of the current password hash: once the password changes the
token stops matching, so each link works once. A verification token carries the e-mail it was
sent to, so it cannot verify an address the user has since changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts.models import User

VERIFY_SALT = "email-verify"
RESET_SALT = "password-reset"


class TokenError(Exception):
    """The link is invalid, used or expired; the message is safe to show."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_verify_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"u": user.id, "e": user.email_key})


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "f": _fingerprint(user)})


def _load(salt: str, token: str, max_age: timedelta) -> dict[str, object]:
    try:
        data = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise TokenError("This link has expired. Please ask for a new one.") from exc
    except BadSignature as exc:
        raise TokenError("This link is not valid. Please ask for a new one.") from exc
    if not isinstance(data, dict):
        raise TokenError("This link is not valid. Please ask for a new one.")
    return data


def read_verify_token(token: str, load_user: Callable[[object], User | None]) -> User:
    data = _load(VERIFY_SALT, token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = load_user(data.get("u"))
    if user is None or user.email_key != data.get("e"):
        raise TokenError("This link is not valid. Please ask for a new one.")
    return user


def read_reset_token(token: str, load_user: Callable[[object], User | None]) -> User:
    data = _load(RESET_SALT, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = load_user(data.get("u"))
    if user is None or not user.active or _fingerprint(user) != data.get("f"):
        raise TokenError("This link has already been used or is no longer valid.")
    return user
