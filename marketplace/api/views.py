"""JSON API v1 (``/api/v1``), its OpenAPI document and the page that renders it (``/api/docs``).

The blueprint and its error handling live in ``blueprint``; the endpoints in ``directory``,
``buyer``, ``vendor`` and ``threads`` (imported below so their routes register); the
comparison calculator and the document here.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from werkzeug.wrappers import Response

from marketplace.api import buyer, directory, threads, vendor  # noqa: F401  (routes register)
from marketplace.api.blueprint import V1, bp
from marketplace.api.jsonbody import read_json_object
from marketplace.api.openapi import docs_context, document
from marketplace.api.spec import Operation, documented
from marketplace.compare import Rates, compare_body
from marketplace.rates.services import current_rates

__all__ = ["bp"]

COMPARE = Operation(
    operation_id="compareQuotes",
    summary="Compare quotes (calculator)",
    description="Stateless: ranks the quotes in the body with the comparison engine (DESIGN 5 "
    "and 9). Anonymous callers may use it; currencies without a rate in the body or the stored "
    "table are refused.",
    tag="Compare",
    auth="public",
    body="CompareBody",
    returns="CompareResult",
)
OPENAPI = Operation(
    operation_id="getOpenApiDocument",
    summary="This OpenAPI 3.1 document",
    description="Rendered for people at /api/docs.",
    tag="Meta",
    auth="public",
    returns="OpenApiDocument",
)


@bp.route(V1 + "/compare", methods=["POST"])
@documented(COMPARE)
def compare() -> Response:
    """The public comparison calculator (DESIGN 9): stateless, anonymous callers welcome."""
    COMPARE.query()
    # The engine's own parser is the authority on this body (it names every bad field).
    body = read_json_object()
    table = current_rates()
    answer = compare_body(body, Rates(table.usd_per, table.as_of))
    return jsonify(answer)


@bp.get(V1 + "/openapi.json")
@documented(OPENAPI)
def openapi_document() -> Response:
    """The OpenAPI 3.1 document describing every endpoint of API v1."""
    OPENAPI.query()
    return jsonify(document(current_app._get_current_object()))  # type: ignore[attr-defined]


@bp.get("/docs")
def docs() -> str:
    """The API reference for people, rendered server-side from the OpenAPI document."""
    return render_template(
        "api/docs.html",
        **docs_context(current_app._get_current_object()),  # type: ignore[attr-defined]
    )
