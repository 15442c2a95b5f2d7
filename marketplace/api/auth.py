"""Bearer-token authentication for the JSON API.

Session cookies never authorise API writes: a browser's cookie would make every write endpoint
CSRF-able. Only ``Authorization: Bearer <token>`` identifies an API caller; the token is looked
up by its SHA-256, and revoked tokens answer 401.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import request
from sqlalchemy import select, update

from marketplace.accounts.models import ApiToken, User
from marketplace.clock import utcnow
from marketplace.extensions import db


_CACHE = "marketplace.api_user"


class ApiAuthError(Exception):
    """The Authorization header is present but unusable."""


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiAuthError("Use 'Authorization: Bearer <token>'.")
    return value.strip()


def token_user(now: datetime | None = None) -> User | None:
    """The user behind the request's bearer token (cached per request), or None without one."""
    # Cached on the request itself: an app context (and its ``g``) can outlive one request.
    if _CACHE in request.environ:
        return request.environ[_CACHE]  # type: ignore[no-any-return]
    plain = bearer_token()
    user: User | None = None
    if plain is not None:
        digest = hashlib.sha256(plain.encode()).hexdigest()
        token = db.session.execute(
            select(ApiToken).where(ApiToken.token_hash == digest)
        ).scalar_one_or_none()
        if token is None or token.revoked_at is not None or not token.user.active:
            raise ApiAuthError("The token is unknown or revoked.")
        user = token.user
        # last_used_at is informational: a cheap UPDATE, committed with the request's work.
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now or utcnow())
        )
    request.environ[_CACHE] = user
    return user


def rate_limit_key() -> str:
    """Per token when one is sent, else per client address (after ProxyFix)."""
    try:
        plain = bearer_token()
    except ApiAuthError:
        plain = None
    if plain:
        return "token:" + hashlib.sha256(plain.encode()).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "unknown")
