"""Personal API tokens: listing and revoking the signed-in user's own (creation is in accounts).

A thin adapter over ``accounts.services.create_api_token``: the accounts package has no service
for listing or revoking, and these rules belong with the API that tokens unlock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.services import create_api_token
from marketplace.extensions import db
from marketplace.parsing import FieldErrors

#: Active tokens a user may hold; more is a sign of a script minting tokens instead of reusing.
MAX_ACTIVE_TOKENS = 20


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        )
    )


def new_token(user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Create a named token; returns the row and the plain token (shown once, never stored)."""
    active = (
        db.session.scalar(
            select(func.count(ApiToken.id)).where(
                ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
            )
        )
        or 0
    )
    if active >= MAX_ACTIVE_TOKENS:
        raise FieldErrors(
            {"name": f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use."}
        )
    return create_api_token(user, name, now)


def own_token(user: User, token_id: int) -> ApiToken | None:
    """The token if it is the user's own, else None (the view answers 404)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    return token


def revoke_token(user: User, token: ApiToken, now: datetime) -> bool:
    """Revoke one of the user's tokens at once; False if it was already revoked."""
    if token.user_id != user.id:
        raise PermissionError("only the token's owner may revoke it")
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    db.session.flush()
    return True
