"""The OpenAPI 3.1 document of API v1, built from the URL map and each view's :class:`Operation`.

Routes, path parameters and methods come from Flask itself; summaries, query parameters, body
and answer schemas from the views' declarations and ``schemas.py``, which the views also
validate against. ``docs_context`` flattens the document for the human page at ``/api/docs``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from markupsafe import Markup, escape

from marketplace.api.schemas import COMPONENTS, INT32_MAX
from marketplace.api.spec import Operation, operation_of
from marketplace.api.validation import Param

SERVER = "/api/v1"
VERSION = "1.0.0"
UNDOCUMENTED = frozenset({"api.docs"})  # the human page about this document
_RULE_ARG = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")

TAGS = [
    {
        "name": "Directory",
        "description": "Published vendors, categories and certifications. "
        "Anonymous callers are welcome (with a lower rate limit).",
    },
    {
        "name": "Buyers",
        "description": "A buyer's own quote requests: post, invite, read the "
        "quotes, compare and award.",
    },
    {"name": "Vendors", "description": "A vendor's invitations (leads), quotes and own profile."},
    {
        "name": "Messages",
        "description": "The private thread between a request's buyer and each invited vendor.",
    },
    {"name": "Compare", "description": "The stateless comparison calculator (DESIGN 9)."},
    {"name": "Meta", "description": "This document."},
]

DESCRIPTION = """\
The marketplace's JSON API: search vendors, post quote requests, quote, compare and award,
all from your own systems.

**Authentication.** Create a personal token on your account page (Account settings, API
tokens); it is shown once. Send it as `Authorization: Bearer <token>`. Directory reads and
`POST /compare` work without one. Session cookies never authorise a write: a browser that is
signed in to the site may read (GET), but every POST and PATCH needs a token. A missing, unknown
or revoked token answers 401; a token of the wrong kind of account (a vendor calling a buyer
endpoint) 403; another account's object 404, exactly as if it did not exist.

**Errors** are `application/problem+json` (RFC 9457) with `title`, `status` and `detail`;
422 answers add `errors`, mapping each bad field (a dotted path such as `weights.price` or
`vendor_ids[0]`) to a message. Bodies name the fields they accept: an unknown field is a 422,
so `status`, `plan`, `verified` or `role` can never be set by sending them. A request that is
well-formed but not allowed in the workflow's current state (quoting after the deadline, a
second award) answers 409.

**Pagination.** Lists answer a page of `items` and a `next_cursor`; pass it back as `cursor`
(with the same other parameters) for the next page, or follow the `Link: <...>; rel="next"`
header. Cursors are opaque and signed.

**Rate limits** apply per token (per address without one), across the whole API. Every answer
carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the window
resets) and `RateLimit-Policy`; over the limit the answer is 429 with `Retry-After`.

**Money** is a string with a dot and no thousands separator (`"1250.00"`), never a float.
Times are RFC 3339 in UTC.
"""

HEADERS: dict[str, dict[str, Any]] = {
    "Link": {
        "description": 'The next page, as `<url>; rel="next"`; absent on the last page.',
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "Send back in `If-None-Match` to get 304 while nothing changed.",
        "schema": {"type": "string"},
    },
    "Location": {"description": "Where the new object lives.", "schema": {"type": "string"}},
}
RATE_LIMIT_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the current window.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the window resets.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit-Policy": {
        "description": "The limit and its window in seconds, e.g. `600;w=60`.",
        "schema": {"type": "string"},
    },
}
ERRORS: dict[int, str] = {
    400: "The body is not valid JSON, or not a JSON object.",
    401: "No token, or an unknown or revoked one.",
    403: "The token's account may not use this endpoint (buyers' and vendors' endpoints differ).",
    404: "No such object, or it belongs to someone else.",
    409: "Not possible in the object's current state; `detail` says why.",
    413: "The body is larger than 2 MB.",
    415: "The body is not `application/json`.",
    422: "Invalid fields or parameters; `errors` names each one.",
    429: "Too many requests; wait `Retry-After` seconds.",
}
ROLE_WORDS = {
    "public": "Anyone; a token raises the rate limit.",
    "buyer": "Buyer accounts.",
    "vendor": "Vendor accounts.",
    "member": "The request's buyer and the invited vendor.",
}


def api_path(rule: str) -> str:
    """``/api/v1/requests/<int:request_id>`` -> ``/requests/{request_id}``."""
    path = _RULE_ARG.sub(lambda m: "{" + m.group("name") + "}", rule)
    return path.removeprefix(SERVER) or "/"


def path_parameters(rule: str, spec: Operation) -> list[dict[str, Any]]:
    params = []
    for match in _RULE_ARG.finditer(rule):
        name = match.group("name")
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}
        if match.group("conv") == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": INT32_MAX}
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": spec.path_params.get(name, ""),
                "schema": schema,
            }
        )
    return params


def query_parameter(param: Param) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": copy.deepcopy(param.schema),
    }
    if param.is_array:
        out.update(style="form", explode=True)
    return out


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _error_statuses(spec: Operation, has_path_params: bool) -> list[int]:
    statuses = {401, 422, 429, *spec.errors}
    if spec.auth != "public":
        statuses |= {403, 404}
    if has_path_params:
        statuses.add(404)
    if spec.body:
        statuses |= {400, 413, 415}
    return sorted(statuses)


def operation_object(spec: Operation, rule: str) -> dict[str, Any]:
    path_params = path_parameters(rule, spec)
    headers = {name: HEADERS[name] for name in spec.headers}
    success: dict[str, Any] = {
        "description": {200: "OK", 201: "Created"}.get(spec.status, "OK"),
        "headers": {**headers, **RATE_LIMIT_HEADERS},
    }
    if spec.returns:
        success["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{spec.returns}"}}
        }
    responses: dict[str, Any] = {str(spec.status): success}
    if spec.not_modified:
        responses["304"] = {
            "description": "Not modified since the `ETag` sent in `If-None-Match`.",
            "headers": {"ETag": HEADERS["ETag"]},
        }
    for status in _error_statuses(spec, bool(path_params)):
        response = _problem(ERRORS[status])
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`."}
            }
        if status == 429:
            response["headers"] = {
                "Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."}
            }
        responses[str(status)] = response
    out: dict[str, Any] = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "description": (spec.description + "\n\n" if spec.description else "")
        + f"**Who:** {ROLE_WORDS[spec.auth]}",
        "tags": [spec.tag],
        "security": [{}, {"bearerAuth": []}] if spec.auth == "public" else [{"bearerAuth": []}],
        "x-roles": spec.auth,
        "parameters": path_params + [query_parameter(p) for p in spec.params],
        "responses": responses,
    }
    if spec.body:
        out["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{spec.body}"}}
            },
        }
    return out


def documented_rules(app: Flask) -> list[tuple[Any, Operation | None]]:
    """Every API rule with its operation (None for a route that lacks one)."""
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in UNDOCUMENTED:
            continue
        rules.append((rule, operation_of(app.view_functions[rule.endpoint])))
    return sorted(rules, key=lambda item: item[0].rule)


def build_document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths: dict[str, dict[str, Any]] = {}
    for rule, spec in documented_rules(app):
        if spec is None:
            raise RuntimeError(f"{rule.endpoint} has no @documented operation")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(api_path(rule.rule), {})[method.lower()] = operation_object(
                spec, rule.rule
            )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Sourcewise marketplace API",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": SERVER}],
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": copy.deepcopy(COMPONENTS),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from your account page.",
                }
            },
        },
    }


def document(app: Flask) -> dict[str, Any]:
    """The document, built once per app (the URL map does not change after start-up)."""
    cached = app.extensions.get("api_openapi")
    if cached is None:
        cached = build_document(app)
        app.extensions["api_openapi"] = cached
    return cached  # type: ignore[no-any-return]


# --- the human page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    """One line of a field table on the docs page."""

    name: str
    type: str
    link: str | None  # a component the type refers to
    required: bool
    description: str
    rules: str


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def type_label(schema: dict[str, Any]) -> tuple[str, str | None]:
    """A readable type ("string", "array of Quote", "Quote or null") and the component it names."""
    name = _ref_name(schema)
    if name:
        return name, name
    if "anyOf" in schema:
        labels = [type_label(s) for s in schema["anyOf"]]
        link = next((link for _, link in labels if link), None)
        return " or ".join(label for label, _ in labels), link
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    words = []
    link = None
    for kind in kinds:
        if kind == "array":
            item, link = type_label(schema.get("items", {}))
            words.append(f"array of {item}")
        else:
            words.append(str(kind))
    return " or ".join(words), link


def _rules(schema: dict[str, Any]) -> str:
    parts = []
    if "enum" in schema:
        parts.append("one of " + ", ".join("null" if v is None else str(v) for v in schema["enum"]))
    for key, word in (
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("default", "default"),
        ("pattern", "pattern"),
        ("format", "format"),
    ):
        if key in schema:
            parts.append(f"{word} {schema[key]}")
    if schema.get("uniqueItems"):
        parts.append("no duplicates")
    return "; ".join(parts)


def field_rows(schema: dict[str, Any], prefix: str = "") -> list[FieldRow]:
    """The properties of an object schema as rows; inline objects are flattened (a.b)."""
    rows: list[FieldRow] = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        label, link = type_label(prop)
        rows.append(
            FieldRow(
                name=prefix + name,
                type=label,
                link=link,
                required=name in required,
                description=prop.get("description", ""),
                rules=_rules(prop),
            )
        )
        if prop.get("properties"):
            rows.extend(field_rows(prop, prefix + name + "."))
    return rows


def docs_context(app: Flask) -> dict[str, Any]:
    """What templates/api/docs.html shows: operations by tag, and every schema's fields."""
    doc = document(app)
    by_tag: dict[str, list[dict[str, Any]]] = {t["name"]: [] for t in doc["tags"]}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            by_tag[op["tags"][0]].append(
                {
                    "method": method.upper(),
                    "path": SERVER + path,
                    "op": op,
                    "body": _ref_name(body.get("schema", {})) if body else None,
                    "parameters": [
                        {**p, "type": type_label(p["schema"])[0], "rules": _rules(p["schema"])}
                        for p in op["parameters"]
                    ],
                    "responses": [
                        {
                            "status": status,
                            "description": response["description"],
                            "schema": _ref_name(
                                next(iter(response.get("content", {}).values()), {}).get(
                                    "schema", {}
                                )
                            ),
                        }
                        for status, response in op["responses"].items()
                    ],
                }
            )
    schemas = {
        name: {
            "description": schema.get("description", ""),
            "rows": field_rows(schema),
            "closed": schema.get("additionalProperties") is False,
        }
        for name, schema in doc["components"]["schemas"].items()
    }
    return {
        "doc": doc,
        "tags": doc["tags"],
        "by_tag": by_tag,
        "schemas": schemas,
        "prose": prose,
        "inline": inline,
    }


_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def inline(text: str) -> Markup:
    """One line of the document as HTML: `code` and **bold**; everything else escaped."""
    html = str(escape(" ".join(text.split())))
    html = _CODE.sub(r"<code>\1</code>", html)
    return Markup(_BOLD.sub(r"<strong>\1</strong>", html))  # noqa: S704 - escaped first


def prose(text: str) -> Markup:
    """The document's descriptions as HTML paragraphs (see :func:`inline`)."""
    paragraphs = [f"<p>{inline(block)}</p>" for block in text.strip().split("\n\n") if block]
    return Markup("\n".join(paragraphs))  # noqa: S704 - each paragraph is escaped
