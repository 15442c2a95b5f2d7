"""Reading JSON bodies safely: malformed, deeply nested or non-object bodies answer 400/415."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import request

MAX_DEPTH = 20


class BadJson(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _depth(raw: str) -> int:
    """Nesting depth of brackets outside strings, without parsing (json recursion can blow up)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_json_object() -> dict[str, Any]:
    """The request body as a JSON object, or BadJson with the status to answer."""
    if not request.mimetype or request.mimetype.split(";")[0] not in (
        "application/json",
        "application/problem+json",
    ):
        raise BadJson(415, "Send the body as application/json.")
    raw_bytes = request.get_data(cache=True)
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson(400, "The body is not valid UTF-8.") from exc
    if _depth(raw) > MAX_DEPTH:
        raise BadJson(400, f"The JSON is nested more than {MAX_DEPTH} levels deep.")
    try:
        # Fractional numbers become Decimal, so 12.5 stays exactly 12.5; NaN/Infinity are refused.
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise BadJson(400, f"The body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadJson(400, "The body must be a JSON object.")
    return body
