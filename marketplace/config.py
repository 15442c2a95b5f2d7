"""Settings from environment variables, with safe embedded defaults.

Development needs no configuration at all: a SQLite file and a generated secret key under
``instance/``. Production (``MARKETPLACE_ENV=production``) refuses to start without an explicit
``SECRET_KEY`` so sessions never depend on a file that differs between hosts.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which variable to set."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _secret_key(env: str, instance: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set in production (MARKETPLACE_ENV=production).")
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration mapping for ``create_app``; ``overrides`` win (used by tests)."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV_NAME") or os.environ.get("MARKETPLACE_ENV", "development")
    instance = Path(
        overrides.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH", DEFAULT_INSTANCE)
    )
    production = env == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'marketplace.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    config: dict[str, Any] = {
        "ENV_NAME": env,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        # Cookies (DESIGN 11): explicit, not library defaults.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("COOKIE_SECURE", production),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; long forms must not expire
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_BASE_URL": os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000"),
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
        # Rate limits: memory by default (per process), Redis when REDIS_URL is set.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "REGISTER_RATE_LIMIT": os.environ.get("REGISTER_RATE_LIMIT", "5 per minute;30 per hour"),
        "RESET_RATE_LIMIT": os.environ.get("RESET_RATE_LIMIT", "5 per minute;20 per hour"),
        "MESSAGE_RATE_LIMIT": os.environ.get("MESSAGE_RATE_LIMIT", "30 per minute"),
        "API_RATE_LIMIT_ANON": os.environ.get("API_RATE_LIMIT_ANON", "60 per minute"),
        "API_RATE_LIMIT_TOKEN": os.environ.get("API_RATE_LIMIT_TOKEN", "600 per minute"),
        # Tokens in e-mails.
        "EMAIL_VERIFY_MAX_AGE": timedelta(days=3),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        # Mail: without SMTP_HOST, mails are written to the log.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Sourcewise <no-reply@sourcewise.local>"),
        # Optional "module:Class" transport for the outbox (an e-mail API client; tests record).
        "MAIL_TRANSPORT": os.environ.get("MAIL_TRANSPORT", ""),
        # Search.
        "SEARCH_BACKEND": os.environ.get("SEARCH_BACKEND", "whoosh"),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(instance / "search")),
        # Dashboard counters (profile views, search appearances) are buffered per process and
        # written at most this often; 0 writes them at the end of every request.
        "VIEW_COUNT_FLUSH_SECONDS": _int("VIEW_COUNT_FLUSH_SECONDS", 10),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        # Marketplace rules.
        "FREE_PLAN_MONTHLY_QUOTES": _int("FREE_PLAN_MONTHLY_QUOTES", 5),
        "AUTO_PUBLISH_VERIFIED_REVIEWS": _bool("AUTO_PUBLISH_VERIFIED_REVIEWS", False),
        # Billing: absent keys mean "billing not configured", never an error.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_PRICE_PRO": os.environ.get("STRIPE_PRICE_PRO", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "BILLING_GRACE_DAYS": _int("BILLING_GRACE_DAYS", 7),
        "PRO_PRICE_LABEL": os.environ.get("PRO_PRICE_LABEL", "$149 / month"),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(env, Path(config["INSTANCE_PATH"]))
    return config
