"""Who is calling the JSON API.

Only ``Authorization: Bearer <token>`` authorises a write: a browser's session cookie would make
every write endpoint CSRF-able. Reads (GET/HEAD) also accept a signed-in browser session, which
CSRF cannot abuse (a cross-site page cannot read the answer) and which lets the docs page and the
site's own scripts read without a token. Tokens are looked up by their SHA-256; revoked tokens,
unknown tokens and tokens of deactivated users answer 401.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import request
from flask_login import current_user
from sqlalchemy import select, update

from marketplace.accounts.models import ApiToken, User
from marketplace.extensions import db

_USER = "marketplace.api_user"
_TOKEN_ID = "marketplace.api_token_id"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiAuthError(Exception):
    """No usable credentials: answers 401."""


class ApiForbidden(Exception):
    """The caller is known but its role may not use this endpoint: answers 403."""


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiAuthError("Use 'Authorization: Bearer <token>'.")
    return value.strip()


def token_user() -> User | None:
    """The user behind the request's bearer token (cached per request), or None without one."""
    # Cached on the request itself: an app context (and its ``g``) can outlive one request.
    if _USER in request.environ:
        return request.environ[_USER]  # type: ignore[no-any-return]
    plain = bearer_token()
    user: User | None = None
    if plain is not None:
        token = db.session.execute(
            select(ApiToken).where(ApiToken.token_hash == token_digest(plain))
        ).scalar_one_or_none()
        if token is None or token.revoked_at is not None or not token.user.active:
            raise ApiAuthError("The token is unknown or revoked.")
        user = token.user
        request.environ[_TOKEN_ID] = token.id
    request.environ[_USER] = user
    return user


def touch_token(now: datetime) -> bool:
    """Record when the request's token was last used; False when no token was used."""
    token_id = request.environ.get(_TOKEN_ID)
    if token_id is None:
        return False
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return True


def api_user(*roles: str) -> User:
    """The caller (token, or for reads a signed-in session) if its role is in ``roles``.

    Raises :class:`ApiAuthError` (401) without credentials and :class:`ApiForbidden` (403) for
    another role. With no ``roles`` any signed-in role will do.
    """
    user = token_user()
    if user is None and current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            raise ApiAuthError(
                "Session cookies do not authorise API writes: send 'Authorization: Bearer "
                "<token>' with a token from your account page."
            )
        user = current_user._get_current_object()
    if user is None:
        raise ApiAuthError(
            "This endpoint needs 'Authorization: Bearer <token>'; create a token on your "
            "account page."
        )
    if roles and user.role not in roles:
        raise ApiForbidden(f"This endpoint is for {' and '.join(roles)} accounts.")
    return user


def rate_limit_key() -> str:
    """Per token when a valid one is sent, else per client address (after ProxyFix)."""
    try:
        user = token_user()
    except ApiAuthError:
        user = None
    if user is not None:
        return f"token:{request.environ[_TOKEN_ID]}"
    return "addr:" + (request.remote_addr or "unknown")
