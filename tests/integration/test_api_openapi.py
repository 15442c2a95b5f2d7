"""The OpenAPI 3.1 document: it is valid, describes every route, renders for people, and the
running app keeps every promise it makes (schemathesis, on SQLite only to keep the run short)."""

from __future__ import annotations

import random
from tempfile import gettempdir

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from marketplace import create_app
from marketplace.accounts.services import create_api_token
from marketplace.api.openapi import build_document, documented_rules
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.quotes import services
from marketplace.quotes.threads import post_message
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.quotes import quote_input, request_input


def test_every_api_route_is_documented(sqlite_app):
    missing = [rule.endpoint for rule, spec in documented_rules(sqlite_app) if spec is None]
    assert missing == []
    document = build_document(sqlite_app)
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, methods in document["paths"].items()
        for method in methods
    }
    for rule, _spec in documented_rules(sqlite_app):
        path = rule.rule.replace("<int:", "{").replace("<", "{")
        path = path.replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, (method, path)


def test_the_document_is_valid_openapi_3_1(sqlite_app):
    response = sqlite_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(document).validate()  # the OpenAPI 3.1 meta-schema
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            assert op["summary"] and op["operationId"], (method, path)
            problem = op["responses"]["401"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
            if "requestBody" in op:
                name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                schema = document["components"]["schemas"][name.rsplit("/", 1)[-1]]
                assert schema["additionalProperties"] is False, (method, path)


def test_request_bodies_never_offer_privileged_fields(sqlite_app):
    schemas = build_document(sqlite_app)["components"]["schemas"]
    for name in ("RequestCreate", "QuoteCreate", "ProfileUpdate", "MessageCreate"):
        offered = set(schemas[name]["properties"])
        assert not offered & {"status", "plan", "verified", "vendor_id", "role", "buyer_id"}, name


def test_the_docs_page_renders_the_document_without_scripts(sqlite_app):
    response = sqlite_app.test_client().get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "POST /api/v1/requests" in page
    assert "GET /api/v1/vendors/{slug}" in page
    assert 'id="schema-RequestCreate"' in page
    assert "Fields not listed are refused with 422." in page
    assert "<script>" not in page.split("</head>", 1)[1]  # nothing inline in the body
    assert "cdn" not in page.lower()


def test_the_footer_links_to_the_api_docs(sqlite_app):
    page = sqlite_app.test_client().get("/").get_data(as_text=True)
    assert 'href="/api/docs"' in page


# --- schemathesis against the running app ---------------------------------------------------


@pytest.fixture
def app_config():
    # Rate limiting on (with room to spare) so the RateLimit-* headers are checked too.
    return {
        "RATELIMIT_ENABLED": True,
        "API_RATE_LIMIT_ANON": "100000 per minute",
        "API_RATE_LIMIT_TOKEN": "100000 per minute",
        "MESSAGE_RATE_LIMIT": "100000 per minute",
    }


@pytest.fixture
def api_tokens(sqlite_app):
    """A marketplace with a published request, quotes and a message; a token per role."""
    now = utcnow()
    with sqlite_app.app_context():
        buyer = create_user("buyer")
        vendors = [
            create_vendor(name=f"Schema Vendor {n}", certifications=("iso-27001",))
            for n in range(3)
        ]
        data = request_input(
            vendors[0].services[0].category_id, now, vendor_ids=tuple(v.id for v in vendors[:2])
        )
        req = services.create_request(buyer, data, now, publish=True)
        services.submit_quote(vendors[0].owner, req.invitations[0], quote_input(now), now)
        post_message(buyer, req, vendors[0], "Can you start in January?", now)
        services.create_request(buyer, request_input(data.category_id, now), now)  # a draft
        tokens = {
            "buyer": create_api_token(buyer, "schemathesis", now)[1],
            "vendor": create_api_token(vendors[0].owner, "schemathesis", now)[1],
        }
        db.session.commit()
    return tokens


def _published_document() -> dict:
    """The document as the app publishes it, from an app that never touches a database.

    Built at import time because schemathesis makes one test per operation at collection
    (its fixture-based loader does not run under pytest 9); the calls themselves go to the
    ``sqlite_app`` of each test.
    """
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "openapi",
            "INSTANCE_PATH": gettempdir(),
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    return build_document(app)


schema = schemathesis.openapi.from_dict(_published_document())
# - positive_data_acceptance: the document states shapes and ranges; services then check meaning
#   (a deadline in the future, a category that exists, a currency with a rate), so a well-formed
#   body can rightly answer 422.
EXCLUDED_CHECKS = [positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_app_keeps_the_promises_of_its_document(case, sqlite_app, api_tokens):
    # Hypothesis resets the global `random` before each example, and Whoosh names new index
    # segments with it: without fresh entropy the second write of a test reuses a segment name.
    random.seed()
    role = "vendor" if "Vendors" in (case.operation.tags or []) else "buyer"
    case.operation.schema.app = sqlite_app  # checks that send probes reach this test's app
    case.call_and_validate(
        app=sqlite_app,
        headers={"Authorization": f"Bearer {api_tokens[role]}"},
        excluded_checks=EXCLUDED_CHECKS,
    )
