"""Absolute links for e-mails, from a request or from a CLI command alike."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["SERVER_BASE_URL"].rstrip("/")
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)
