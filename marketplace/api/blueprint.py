"""The ``api`` blueprint: error bodies, authentication, rate limits and their headers.

Every error is ``application/problem+json`` (RFC 9457); nothing answers 500 on user input.
Routes live in the feature modules (``directory``, ``buyer``, ``vendor``, ``threads``) and in
``views``; they all register on :data:`bp`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Blueprint, abort, current_app
from werkzeug.wrappers import Response

from marketplace.api.auth import (
    ApiAuthError,
    ApiForbidden,
    rate_limit_key,
    token_user,
    touch_token,
)
from marketplace.api.jsonbody import BadJson
from marketplace.clock import utcnow
from marketplace.compare import CompareError
from marketplace.directory.services import DirectoryError
from marketplace.directory.services import NotFound as DirectoryNotFound
from marketplace.errors import problem
from marketplace.extensions import csrf, db, limiter
from marketplace.parsing import FieldErrors
from marketplace.quotes.services import WorkflowError

V1 = "/v1"
INT32_MAX = 2_147_483_647

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # token-authenticated or anonymous; session cookies never authorise writes


def _api_limit() -> str:
    """Anonymous callers get API_RATE_LIMIT_ANON per address; tokens API_RATE_LIMIT_TOKEN each."""
    try:
        has_token = token_user() is not None
    except ApiAuthError:
        has_token = False
    key = "API_RATE_LIMIT_TOKEN" if has_token else "API_RATE_LIMIT_ANON"
    return str(current_app.config[key])


# One bucket per token (or address) across the whole API, not one per endpoint.
limiter.shared_limit(_api_limit, scope="api", key_func=rate_limit_key)(bp)


@bp.url_value_preprocessor
def _check_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Ids in paths are database integers: anything outside 1..2^31-1 cannot exist (404).

    Checked here rather than with ``int(min=, max=)`` converters: Werkzeug answers 405 instead
    of 404 when a converter refuses a value on a path that another method also serves.
    """
    for name, value in (values or {}).items():
        if name.endswith("_id") and not 1 <= value <= INT32_MAX:
            abort(404)


@bp.before_request
def _authenticate() -> None:
    # A bad token is an error even on a public endpoint: the caller meant to use it.
    token_user()


@bp.after_request
def _finish(response: Response) -> Response:
    """Add the IETF ``RateLimit-*`` headers and record the token's last use."""
    current = limiter.current_limit
    if current is not None:
        window = current.limit.get_expiry()
        reset = min(window, max(0, math.ceil(current.reset_at - time.time())))
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(max(current.remaining, 0))
        response.headers["RateLimit-Reset"] = str(reset)
        response.headers["RateLimit-Policy"] = f"{current.limit.amount};w={window}"
    if response.status_code < 500:
        if response.status_code >= 400:
            db.session.rollback()  # never commit half of a refused request
        if touch_token(utcnow()):
            db.session.commit()
    return response


@bp.errorhandler(BadJson)
def _bad_json(error: BadJson) -> Response:
    return problem(error.status, "Unreadable body", error.detail)


@bp.errorhandler(ApiAuthError)
def _unauthorised(error: ApiAuthError) -> Response:
    response = problem(401, "Unauthorised", str(error))
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(ApiForbidden)
def _forbidden(error: ApiForbidden) -> Response:
    return problem(403, "Forbidden", str(error))


@bp.errorhandler(FieldErrors)
def _invalid(error: FieldErrors) -> Response:
    db.session.rollback()
    return problem(
        422,
        "Invalid input",
        "One or more fields are invalid; see 'errors'.",
        errors=error.errors,
    )


@bp.errorhandler(CompareError)
def _compare_error(error: CompareError) -> Response:
    db.session.rollback()
    return problem(422, "Invalid input", str(error), errors={"weights": str(error)})


@bp.errorhandler(WorkflowError)
def _conflict(error: WorkflowError) -> Response:
    db.session.rollback()
    extra = {"upgrade_required": True} if error.upgrade else {}
    return problem(409, "Not possible now", error.message, **extra)


@bp.errorhandler(DirectoryError)
def _directory_error(error: DirectoryError) -> Response:
    db.session.rollback()
    if isinstance(error, DirectoryNotFound):
        return problem(404, "Not found", str(error))
    return problem(409, "Not possible now", str(error))
