"""The JSON schemas of API v1: request bodies, query parameters and answers.

One set of dicts serves twice: the views validate what they receive against them
(``validation.py``) and ``openapi.py`` publishes them, so the document cannot drift from what the
API enforces. Bodies name the fields they accept (``additionalProperties: false``): ``status``,
``plan``, ``verified``, ``vendor_id`` or ``role`` can never be mass-assigned.
"""

from __future__ import annotations

from typing import Any

from marketplace.api.validation import Param, Validator
from marketplace.directory.models import PLANS, PRICING_MODELS, VENDOR_STATUSES
from marketplace.quotes.models import (
    INVITATION_STATUSES,
    QUOTE_STATUSES,
    REQUEST_STATUSES,
)
from marketplace.search.documents import MAX_PER_PAGE, SORTS

INT32_MAX = 2_147_483_647
CRITERIA = ("price", "quality", "sla", "compliance", "responsiveness")

# --- building blocks --------------------------------------------------------------------------

MONEY_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
UNIT_PRICE_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,4})?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema, also allowing null (JSON Schema 2020-12 style, as OpenAPI 3.1 uses)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    kind = out["type"]
    out["type"] = [*(kind if isinstance(kind, list) else [kind]), "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def money(description: str, *, pattern: str = MONEY_PATTERN) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": pattern,
        "description": description + " Written as a string of digits with an optional dot.",
        "x-pattern-message": 'Write the amount as a string of digits, e.g. "1250.00".',
        "examples": ["1250.00"],
    }


def text(max_length: int, description: str = "", **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if description:
        schema["description"] = description
    schema.update(extra)
    return schema


def integer(minimum: int, maximum: int, description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "maximum": maximum}
    if description:
        schema["description"] = description
    return schema


def obj(
    properties: dict[str, Any],
    required: tuple[str, ...] = (),
    description: str = "",
    *,
    closed: bool = True,
) -> dict[str, Any]:
    """An object schema; ``closed`` ones refuse unknown fields (every request body is closed)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def out(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """An answer object: every property listed is always present."""
    return obj(properties, tuple(properties), description, closed=False)


def listing(item: str, description: str, **extra: Any) -> dict[str, Any]:
    return out(
        {
            "items": {"type": "array", "items": ref(item)},
            **extra,
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` to get the next page; null on the last page.",
            },
        },
        description,
    )


DATETIME_OUT = {"type": "string", "format": "date-time"}
DATE_OUT = {"type": "string", "format": "date"}
MONEY_OUT = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"}
SIGNED_MONEY_OUT = {
    "type": "string",
    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "description": "Negative when outsourcing costs more than doing it in house.",
}
UNIT_PRICE_OUT = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2,4}$"}
SLUGS = {"type": "array", "items": {"type": "string"}}

# --- components -------------------------------------------------------------------------------

WEIGHTS_IN = obj(
    {c: integer(0, 100, f"Weight of {c} (0-100).") for c in CRITERIA},
    description="Comparison weights; criteria left out keep their default. "
    "They are normalised to sum 1; all zero is refused.",
)

COMPONENTS: dict[str, Any] = {
    "Problem": obj(
        {
            "type": {"type": "string", "description": "Always `about:blank`."},
            "title": {"type": "string"},
            "status": {"type": "integer", "description": "The HTTP status code."},
            "detail": {"type": "string", "description": "What went wrong, for people."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "422 only: field (dotted path, e.g. `weights.price`) -> message.",
            },
        },
        ("type", "title", "status"),
        "An RFC 9457 problem document (`application/problem+json`).",
        closed=False,
    ),
    "VendorRef": out(
        {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"}},
        "A vendor, briefly.",
    ),
    "Facet": out(
        {
            "value": {"type": "string", "description": "Use as a filter value."},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
        }
    ),
    "Category": out(
        {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "default_unit": {
                "type": "string",
                "description": "What `quantity` counts in a request for this category.",
            },
            "vendor_count": {"type": "integer", "minimum": 0},
        }
    ),
    "Certification": out(
        {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
        }
    ),
    "VendorService": out(
        {
            "category": {"type": "string", "description": "Category slug."},
            "category_name": {"type": "string"},
            "pricing_model": {"type": "string", "enum": list(PRICING_MODELS)},
            "indicative_price": UNIT_PRICE_OUT,
            "currency": {"type": "string"},
            "minimum_engagement_months": {"type": "integer"},
            "description": {"type": "string"},
        }
    ),
    "Weights": out({c: {"type": "integer", "minimum": 0, "maximum": 100} for c in CRITERIA}),
    "RequestInvitation": out(
        {
            "id": {"type": "integer"},
            "vendor": ref("VendorRef"),
            "status": {"type": "string", "enum": list(INVITATION_STATUSES)},
            "invited_at": DATETIME_OUT,
            "viewed_at": nullable(DATETIME_OUT),
            "responded_at": nullable(DATETIME_OUT),
            "decline_reason": {"type": "string"},
        },
        "A vendor invited to quote on a request.",
    ),
    "Quote": out(
        {
            "id": {"type": "integer"},
            "request_id": {"type": "integer"},
            "invitation_id": {"type": "integer"},
            "vendor": ref("VendorRef"),
            "version": {"type": "integer", "minimum": 1},
            "status": {"type": "string", "enum": list(QUOTE_STATUSES)},
            "pricing_model": {"type": "string", "enum": list(PRICING_MODELS)},
            "unit_price": UNIT_PRICE_OUT,
            "hours_per_month": {"type": ["integer", "null"]},
            "setup_fee": MONEY_OUT,
            "minimum_monthly": MONEY_OUT,
            "currency": {"type": "string"},
            "turnaround_hours": {"type": ["integer", "null"]},
            "accuracy_pct": {"type": ["number", "null"]},
            "valid_until": nullable(DATE_OUT),
            "notes": {"type": "string"},
            "created_at": DATETIME_OUT,
            "decided_at": nullable(DATETIME_OUT),
        },
        "One version of a vendor's quote. A revision is a new version; the old one becomes "
        "`superseded`.",
    ),
    "Message": out(
        {
            "id": {"type": "integer"},
            "request_id": {"type": "integer"},
            "vendor_id": {"type": "integer"},
            "author": {
                "anyOf": [
                    out({"role": {"type": "string"}, "name": {"type": "string"}}),
                    {"type": "null"},
                ]
            },
            "mine": {"type": "boolean", "description": "Written by the caller."},
            "body": {"type": "string"},
            "created_at": DATETIME_OUT,
        }
    ),
}

_VENDOR_SUMMARY = {
    "id": {"type": "integer"},
    "slug": {"type": "string"},
    "name": {"type": "string"},
    "tagline": {"type": "string"},
    "country": {"type": "string", "description": "ISO 3166 alpha-2, or empty."},
    "city": {"type": "string"},
    "categories": {**SLUGS, "description": "Slugs of the categories it serves."},
    "certifications": {**SLUGS, "description": "Slugs of the certifications it holds."},
    "rating": {"type": ["number", "null"], "description": "Average review rating, 1-5."},
    "review_count": {"type": "integer", "minimum": 0},
    "median_response_hours": {"type": ["number", "null"]},
    "verified": {"type": "boolean"},
    "plan": {"type": "string", "enum": list(PLANS)},
    "hourly_rate_min": nullable(MONEY_OUT),
    "hourly_rate_max": nullable(MONEY_OUT),
    "rate_currency": {"type": "string"},
}
_VENDOR_DETAIL = {
    **_VENDOR_SUMMARY,
    "description": {"type": "string"},
    "website": {"type": "string"},
    "founded_year": {"type": ["integer", "null"]},
    "team_size": {"type": ["integer", "null"]},
    "languages": {"type": "array", "items": {"type": "string"}},
    "services": {"type": "array", "items": ref("VendorService")},
    "certifications_verified": {
        **SLUGS,
        "description": "Of `certifications`, those an admin verified against evidence.",
    },
    "updated_at": DATETIME_OUT,
}
_REQUEST_COMMON = {
    "id": {"type": "integer"},
    "status": {
        "type": "string",
        "enum": list(REQUEST_STATUSES),
        "description": "An open request past its deadline reads `closed`.",
    },
    "accepting_quotes": {"type": "boolean"},
    "title": {"type": "string"},
    "description": {"type": "string"},
    "category": {"type": "string", "description": "Category slug."},
    "quantity": {"type": "integer"},
    "unit": {"type": "string"},
    "contract_months": {"type": "integer"},
    "start_date": nullable(DATE_OUT),
    "budget_monthly": nullable(MONEY_OUT),
    "currency": {"type": "string"},
    "required_certifications": SLUGS,
    "preferred_countries": SLUGS,
    "quotes_due_at": DATETIME_OUT,
}

COMPONENTS.update(
    {
        "VendorSummary": out(_VENDOR_SUMMARY, "A published vendor, as search lists it."),
        "VendorDetail": out(_VENDOR_DETAIL, "A published vendor's profile."),
        "VendorProfile": out(
            {
                **_VENDOR_DETAIL,
                "status": {"type": "string", "enum": list(VENDOR_STATUSES)},
                "status_reason": {
                    "type": "string",
                    "description": "Why a moderator rejected or suspended the profile.",
                },
            },
            "The caller's own vendor profile, whatever its status.",
        ),
        "VendorList": listing(
            "VendorSummary",
            "A page of search results with facet counts over every match.",
            total={"type": "integer", "minimum": 0, "description": "Matches in all."},
            facets=out(
                {
                    name: {"type": "array", "items": ref("Facet")}
                    for name in ("category", "country", "certification")
                }
            ),
            suggestion={
                "type": ["string", "null"],
                "description": "A corrected query (did you mean) when the words look misspelt.",
            },
        ),
        "CategoryList": out({"items": {"type": "array", "items": ref("Category")}}),
        "CertificationList": out({"items": {"type": "array", "items": ref("Certification")}}),
        "Request": out(
            {
                **_REQUEST_COMMON,
                "in_house_monthly_cost": nullable(MONEY_OUT),
                "weights": ref("Weights"),
                "created_at": DATETIME_OUT,
                "published_at": nullable(DATETIME_OUT),
                "awarded_at": nullable(DATETIME_OUT),
                "invitations": {"type": "array", "items": ref("RequestInvitation")},
            },
            "One of the caller's quote requests.",
        ),
        "RequestList": listing("Request", "The caller's requests, newest first."),
        "InvitationList": out(
            {"items": {"type": "array", "items": ref("RequestInvitation")}},
            "The invitations just created.",
        ),
        "QuoteList": listing("Quote", "Every version of every quote on the request, oldest first."),
        "LeadRequest": out(
            {
                **_REQUEST_COMMON,
                "buyer_company": {"type": "string"},
            },
            "The request an invitation is about, as the invited vendor sees it.",
        ),
        "Lead": out(
            {
                "id": {"type": "integer"},
                "status": {"type": "string", "enum": list(INVITATION_STATUSES)},
                "invited_at": DATETIME_OUT,
                "viewed_at": nullable(DATETIME_OUT),
                "responded_at": nullable(DATETIME_OUT),
                "decline_reason": {"type": "string"},
                "request": ref("LeadRequest"),
                "current_quote": {
                    "anyOf": [ref("Quote"), {"type": "null"}],
                    "description": "The latest version of the caller's quote, if any.",
                },
            },
            "An invitation to quote (a lead), as the invited vendor sees it.",
        ),
        "LeadList": listing(
            "Lead", "The caller's invitations to published requests, newest first."
        ),
        "MessageList": listing("Message", "The thread, oldest first."),
        "ComparisonEntry": out(
            {
                "id": {"type": "string", "description": "The quote id, as a string."},
                "quote_id": {"type": "integer"},
                "vendor": ref("VendorRef"),
                "rank": {"type": "integer", "minimum": 1},
                "monthly": MONEY_OUT,
                "total": MONEY_OUT,
                "score": {"type": "number"},
                "scores": out({c: {"type": "number"} for c in CRITERIA}),
                "contributions": out({c: {"type": "number"} for c in CRITERIA}),
                "dominated": {"type": "boolean"},
                "required_certifications_held": SLUGS,
                "required_certifications_missing": SLUGS,
            }
        ),
        "Sensitivity": out(
            {
                "winner": {"type": "string"},
                "runner_up": {"type": "string"},
                "price_weight": {
                    "type": "number",
                    "description": "The price weight (0-1) at which the runner-up draws level.",
                },
            }
        ),
    }
)
# Savings appear only when the request states its in-house cost (DESIGN 9).
COMPONENTS["ComparisonEntry"]["properties"].update(
    {"savings": SIGNED_MONEY_OUT, "savings_pct": {"type": ["number", "null"]}}
)
COMPONENTS.update(
    {
        "Comparison": out(
            {
                "request_id": {"type": "integer"},
                "currency": {"type": "string"},
                "weights": ref("Weights"),
                "ranking": {"type": "array", "items": ref("ComparisonEntry")},
                "sensitivity": {"anyOf": [ref("Sensitivity"), {"type": "null"}]},
                "rates_as_of": nullable(DATE_OUT),
                "unrated": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Quote ids left out: no exchange rate for their currency.",
                },
            },
            "The comparison page's numbers: same engine, same rules (DESIGN 5).",
        ),
    }
)

# --- request bodies ---------------------------------------------------------------------------

COMPONENTS.update(
    {
        "RequestCreate": obj(
            {
                "title": text(160, "At least 5 characters."),
                "description": text(5000),
                "category": text(60, "Category slug (GET /categories)."),
                "quantity": integer(1, 10_000_000, "How many units, e.g. 250 employees."),
                "unit": text(40, "Defaults to the category's unit."),
                "contract_months": integer(1, 120),
                "start_date": nullable(
                    text(10, "YYYY-MM-DD, today or later.", pattern=DATE_PATTERN)
                ),
                "budget_monthly": nullable(money("Monthly budget.")),
                "currency": text(3, "ISO 4217 code with a known rate.", pattern="^[A-Z]{3}$"),
                "required_certifications": {
                    "type": "array",
                    "items": text(60),
                    "maxItems": 20,
                    "description": "Certification slugs (GET /certifications).",
                },
                "preferred_countries": {
                    "type": "array",
                    "items": text(2, pattern="^[A-Z]{2}$"),
                    "maxItems": 20,
                    "description": "ISO 3166 alpha-2 codes.",
                },
                "in_house_monthly_cost": nullable(
                    money("What the work costs in house a month (for savings).")
                ),
                "quotes_due_at": text(
                    40,
                    "RFC 3339 date-time with a zone, 1 hour to 180 days ahead.",
                    pattern=DATETIME_PATTERN,
                    examples=["2026-12-01T17:00:00Z"],
                ),
                "weights": WEIGHTS_IN,
                "vendor_ids": {
                    "type": "array",
                    "items": integer(1, INT32_MAX),
                    "maxItems": 5,
                    "uniqueItems": True,
                    "description": "Published vendors serving the category to invite (up to 5).",
                },
                "publish": {
                    "type": "boolean",
                    "description": "Open it for quotes at once (default: save a draft).",
                },
            },
            ("title", "category", "quantity", "contract_months", "quotes_due_at"),
            "A new quote request.",
        ),
        "InvitationsCreate": obj(
            {
                "vendor_ids": {
                    "type": "array",
                    "items": integer(1, INT32_MAX),
                    "minItems": 1,
                    "maxItems": 5,
                    "uniqueItems": True,
                }
            },
            ("vendor_ids",),
        ),
        "AwardCreate": obj({"quote_id": integer(1, INT32_MAX)}, ("quote_id",)),
        "QuoteCreate": obj(
            {
                "pricing_model": {"type": "string", "enum": list(PRICING_MODELS)},
                "unit_price": money(
                    "Price per unit, hour or month (up to 4 decimals).",
                    pattern=UNIT_PRICE_PATTERN,
                ),
                "hours_per_month": nullable(
                    integer(1, 1_000_000, "Required with per_hour pricing.")
                ),
                "setup_fee": nullable(money("One-off setup fee.")),
                "minimum_monthly": nullable(money("Minimum monthly fee.")),
                "currency": text(3, "Defaults to the request's currency.", pattern="^[A-Z]{3}$"),
                "turnaround_hours": nullable(integer(1, 8760)),
                "accuracy_pct": {
                    "type": ["number", "null"],
                    "minimum": 0,
                    "maximum": 100,
                    "description": "Up to 2 decimals.",
                },
                "valid_until": nullable(text(10, "YYYY-MM-DD.", pattern=DATE_PATTERN)),
                "notes": text(5000),
            },
            ("pricing_model", "unit_price"),
            "A quote, or a revision of the caller's quote (a new version).",
        ),
        "DeclineCreate": obj(
            {"reason": text(1000, "Why you decline; the buyer reads it.")}, ("reason",)
        ),
        "ProfileUpdate": obj(
            {
                "name": text(120),
                "tagline": text(160),
                "description": text(5000),
                "website": text(300, "An http(s) address, or empty."),
                "country": text(2, "ISO 3166 alpha-2, or empty.", pattern="^([A-Z]{2})?$"),
                "city": text(80),
                "founded_year": nullable(integer(1800, 9999)),
                "team_size": nullable(integer(1, 1_000_000)),
                "languages": {"type": "array", "items": text(40), "maxItems": 60},
                "hourly_rate_min": nullable(money("Lowest hourly rate.")),
                "hourly_rate_max": nullable(money("Highest hourly rate.")),
                "rate_currency": text(3, pattern="^[A-Z]{3}$"),
            },
            description="Fields to change; fields left out keep their value. Status, plan, "
            "slug and verification are not yours to set.",
        ),
        "MessageCreate": obj({"body": text(5000)}, ("body",)),
    }
)

# --- POST /compare (DESIGN 9): documented as the engine's own parser accepts it ----------------

_NUMBERISH = {"type": ["number", "string"], "minimum": 0}
_NUMBERISH_NULL = {"type": ["number", "string", "null"], "minimum": 0}
_MONEYISH = {"type": ["string", "integer"], "minimum": 0}
_MONEYISH_NULL = {"type": ["string", "integer", "null"], "minimum": 0}
COMPONENTS.update(
    {
        "CompareBody": obj(
            {
                "request": obj(
                    {
                        "currency": {"type": "string"},
                        "quantity": {"type": ["integer", "string"], "minimum": 1},
                        "contract_months": {
                            "type": ["integer", "string"],
                            "minimum": 1,
                            "maximum": 120,
                        },
                        "in_house_monthly_cost": {
                            "type": ["string", "integer", "null"],
                            "minimum": 1,
                        },
                        "required_certifications": {
                            "type": ["array", "null"],
                            "items": {"type": "string"},
                            "maxItems": 50,
                        },
                        "weights": {
                            "type": ["object", "null"],
                            "properties": {c: _NUMBERISH for c in CRITERIA},
                            "additionalProperties": False,
                        },
                    },
                    ("currency", "quantity", "contract_months"),
                ),
                "quotes": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": obj(
                        {
                            "id": {"type": ["string", "integer"]},
                            "pricing_model": {"type": "string", "enum": list(PRICING_MODELS)},
                            "unit_price": _MONEYISH,
                            "hours_per_month": _NUMBERISH_NULL,
                            "setup_fee": _MONEYISH_NULL,
                            "minimum_monthly": _MONEYISH_NULL,
                            "currency": {"type": ["string", "null"]},
                            "sla": {
                                "type": ["object", "null"],
                                "properties": {
                                    "turnaround_hours": _NUMBERISH_NULL,
                                    "accuracy_pct": {**_NUMBERISH_NULL, "maximum": 100},
                                },
                                "additionalProperties": False,
                            },
                            "vendor": obj(
                                {
                                    "name": {"type": ["string", "null"]},
                                    "rating": {**_NUMBERISH_NULL, "maximum": 5},
                                    "review_count": {
                                        "type": ["integer", "string", "null"],
                                        "minimum": 0,
                                    },
                                    "median_response_hours": _NUMBERISH_NULL,
                                    "certifications": {
                                        "type": ["array", "null"],
                                        "items": {"type": "string"},
                                        "maxItems": 50,
                                    },
                                }
                            ),
                        },
                        ("id", "pricing_model", "unit_price", "vendor"),
                    ),
                },
                "usd_per": {
                    "type": ["object", "null"],
                    "additionalProperties": _NUMBERISH,
                    "description": "USD per unit of currency, adding to the stored rates.",
                },
            },
            ("request", "quotes"),
            "Quotes to compare (DESIGN 9). Money is a string (or an integer), never a float.",
        ),
        "CompareResult": out(
            {
                "currency": {"type": "string"},
                "ranking": {
                    "type": "array",
                    "items": obj(
                        {
                            "id": {"type": "string"},
                            "rank": {"type": "integer"},
                            "monthly": MONEY_OUT,
                            "total": MONEY_OUT,
                            "score": {"type": "number"},
                            "scores": out({c: {"type": "number"} for c in CRITERIA}),
                            "contributions": out({c: {"type": "number"} for c in CRITERIA}),
                            "dominated": {"type": "boolean"},
                            "savings": SIGNED_MONEY_OUT,
                            "savings_pct": {"type": ["number", "null"]},
                        },
                        (
                            "id",
                            "rank",
                            "monthly",
                            "total",
                            "score",
                            "scores",
                            "contributions",
                            "dominated",
                        ),
                        closed=False,
                    ),
                },
                "sensitivity": {"anyOf": [ref("Sensitivity"), {"type": "null"}]},
                "rates_as_of": nullable(DATE_OUT),
                "unrated": {"type": "array", "items": {"type": "string"}},
            },
            "The ranking, best first.",
        ),
        "OpenApiDocument": {
            "type": "object",
            "description": "This document.",
            "required": ["openapi", "info", "paths"],
        },
    }
)

VALIDATOR = Validator(COMPONENTS)

# --- query parameters -------------------------------------------------------------------------

LIMIT = Param(
    "limit", {**integer(1, MAX_PER_PAGE), "default": 20}, "Items per page (1-100, default 20)."
)
CURSOR = Param(
    "cursor",
    text(500),
    "The `next_cursor` of the previous page. Cursors are signed: they cannot be forged or "
    "reused with other filters.",
)
PAGE = (LIMIT, CURSOR)


def _many(name: str, description: str, pattern: str | None = None) -> Param:
    item = text(64, pattern=pattern) if pattern else text(64)
    return Param(
        name,
        {"type": "array", "items": item, "maxItems": 20},
        description + " Repeat the parameter for several values (any of them matches).",
    )


VENDOR_SEARCH = (
    Param("q", text(200), "Words to search for (typos tolerated)."),
    _many("category", "Category slug."),
    _many("country", "ISO 3166 alpha-2 country code."),
    Param(
        "cert",
        {"type": "array", "items": text(64), "maxItems": 20},
        "Certification slug; repeat for several (all must be held).",
    ),
    Param("rate_min", money("Lowest hourly rate in USD."), "Lowest hourly rate in USD."),
    Param("rate_max", money("Highest hourly rate in USD."), "Highest hourly rate in USD."),
    Param("rating", {"type": "string", "enum": ["3", "3.5", "4", "4.5"]}, "Minimum rating."),
    Param("team_min", integer(0, 1_000_000), "Smallest team size."),
    Param("team_max", integer(0, 1_000_000), "Largest team size."),
    Param("verified", {"type": "boolean"}, "Only vendors verified by the marketplace."),
    Param(
        "sort",
        {"type": "string", "enum": list(SORTS), "default": "relevance"},
        "relevance, rating, rate (lowest first) or reviews.",
    ),
    *PAGE,
)
