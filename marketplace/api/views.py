"""JSON API v1. Every error is ``application/problem+json``; nothing answers 500 on user input."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from werkzeug.wrappers import Response

from marketplace.api.auth import ApiAuthError, rate_limit_key, token_user
from marketplace.api.jsonbody import BadJson, read_json_object
from marketplace.compare import Rates, compare_body
from marketplace.errors import problem
from marketplace.extensions import csrf, limiter
from marketplace.parsing import FieldErrors
from marketplace.rates.services import current_rates

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated or anonymous; session cookies never authorise writes


def _public_limit() -> str:
    try:
        has_token = token_user() is not None
    except ApiAuthError:
        has_token = False
    key = "API_RATE_LIMIT_TOKEN" if has_token else "API_RATE_LIMIT_ANON"
    return str(current_app.config[key])


@bp.errorhandler(BadJson)
def _bad_json(error: BadJson) -> Response:
    return problem(error.status, "Unreadable body", error.detail)


@bp.errorhandler(ApiAuthError)
def _bad_token(error: ApiAuthError) -> Response:
    response = problem(401, "Unauthorised", str(error))
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(FieldErrors)
def _invalid(error: FieldErrors) -> Response:
    return problem(
        422,
        "Invalid input",
        "One or more fields are invalid; see 'errors'.",
        errors=error.errors,
    )


@bp.route("/compare", methods=["POST"])
@limiter.limit(_public_limit, key_func=rate_limit_key)
def compare() -> Response:
    """The public comparison calculator (DESIGN 9): stateless, anonymous callers welcome."""
    token_user()  # a bad token is an error even on a public endpoint: the caller meant to use it
    body = read_json_object()
    table = current_rates()
    answer = compare_body(body, Rates(table.usd_per, table.as_of))
    return jsonify(answer)
