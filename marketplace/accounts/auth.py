"""Login wiring and the authorisation helpers every feature uses.

``role_required`` guards views by role; ``get_owned_or_404`` fetches an object scoped to the
current user, so another user's id answers 404 rather than revealing that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from flask import Flask, abort, request
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # "strong" would log people out when their IP changes (mobile); the rotating session token
    # is what kills stolen cookies here.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Load by the rotating session token (Flask-Login's alternative id), never by primary key."""
    user = db.session.execute(
        select(User).where(User.session_token == session_token)
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    return user


def role_required(*roles: str) -> Callable[[F], F]:
    """Only signed-in users with one of ``roles``; others get 403 (anonymous: sign-in page)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_safe_next(target: str | None) -> bool:
    """A ``next=`` target stays on this site: relative path, same host, http(s) only."""
    if not target or target.startswith(("//", "\\")) or "\\" in target:
        return False
    host_url = request.host_url
    test = urlsplit(urljoin(host_url, target))
    ref = urlsplit(host_url)
    return test.scheme in {"http", "https"} and test.netloc == ref.netloc


def safe_next(default: str) -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if target and is_safe_next(target) else default
