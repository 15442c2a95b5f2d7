"""Checking requests against the schemas the OpenAPI document publishes.

The document and the views share one set of schema dicts (``schemas.py``), and this small
validator enforces the JSON Schema keywords those dicts use, so what the document promises is
exactly what the API accepts: an unknown field, a wrong type or an out-of-range number answers
422 naming the field, before any service runs. Services then check meaning (a deadline in the
future, a category that exists) and raise their own ``FieldErrors``.

Supported keywords: ``$ref`` (to ``#/components/schemas/...``), ``type`` (a name or a list),
``enum``, ``properties``, ``required``, ``additionalProperties: false``, ``minLength``,
``maxLength``, ``pattern``, ``minimum``, ``maximum``, ``items``, ``minItems``, ``maxItems``,
``uniqueItems``. Anything else in a schema is documentation only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from werkzeug.datastructures import MultiDict

from marketplace.parsing import FieldErrors

_INT_TEXT = re.compile(r"^-?[0-9]{1,19}$")
MAX_ERRORS = 50


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | Decimal | float) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError(f"unsupported type {name!r}")


_TYPE_WORDS = {
    "null": "null",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "array": "a list",
    "object": "an object",
}


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Validator:
    """Validates values against schemas that may refer to ``components`` by ``$ref``."""

    def __init__(self, components: Mapping[str, Any]) -> None:
        self.components = components

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.components[name]
        return schema

    def errors(self, value: Any, schema: Mapping[str, Any], path: str = "") -> dict[str, str]:
        """Every problem as ``{dotted path: message}`` (empty when the value is valid)."""
        found: dict[str, str] = {}
        self._check(value, schema, path, found)
        return found

    def _check(self, value: Any, schema: Mapping[str, Any], path: str, out: dict[str, str]) -> None:
        if len(out) >= MAX_ERRORS:
            return
        schema = self.resolve(schema)
        where = path or "body"
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not any(_is_type(value, n) for n in names):
                wanted = " or ".join(_TYPE_WORDS[n] for n in names)
                out[where] = f"Must be {wanted}."
                return
        if "enum" in schema and not any(
            value == option and type(value) is type(option) for option in schema["enum"]
        ):
            shown = ", ".join("null" if o is None else str(o) for o in schema["enum"])
            out[where] = f"Must be one of: {shown}."
            return
        if isinstance(value, str):
            self._check_string(value, schema, where, out)
        elif isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                out[where] = f"Must be at least {schema['minimum']}."
            elif "maximum" in schema and value > schema["maximum"]:
                out[where] = f"Must be at most {schema['maximum']}."
        elif isinstance(value, list):
            self._check_array(value, schema, path, where, out)
        elif isinstance(value, dict):
            self._check_object(value, schema, path, out)

    def _check_string(
        self, value: str, schema: Mapping[str, Any], where: str, out: dict[str, str]
    ) -> None:
        if "minLength" in schema and len(value) < schema["minLength"]:
            out[where] = f"Must have at least {schema['minLength']} character(s)."
        elif "maxLength" in schema and len(value) > schema["maxLength"]:
            out[where] = f"Must have at most {schema['maxLength']} characters."
        elif "pattern" in schema and not _pattern(schema["pattern"]).search(value):
            out[where] = schema.get("x-pattern-message", "Has the wrong format.")

    def _check_array(
        self,
        value: list[Any],
        schema: Mapping[str, Any],
        path: str,
        where: str,
        out: dict[str, str],
    ) -> None:
        if "minItems" in schema and len(value) < schema["minItems"]:
            out[where] = f"Give at least {schema['minItems']} item(s)."
            return
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out[where] = f"Give at most {schema['maxItems']} items."
            return
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for item in value:
                if any(item == s and type(item) is type(s) for s in seen):
                    out[where] = "List each item once."
                    return
                seen.append(item)
        if "items" in schema:
            for index, item in enumerate(value):
                self._check(item, schema["items"], _join(path, index), out)

    def _check_object(
        self, value: dict[str, Any], schema: Mapping[str, Any], path: str, out: dict[str, str]
    ) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                out[_join(path, name)] = "This field is required."
        if schema.get("additionalProperties") is False:
            accepted = ", ".join(properties) or "none"
            for name in value:
                if name not in properties:
                    out[_join(path, str(name))] = f"Unknown field (accepted: {accepted})."
        for name, item in value.items():
            if name in properties:
                self._check(item, properties[name], _join(path, name), out)


# --------------------------------------------------------------------------------------------
# Query strings


@dataclass(frozen=True)
class Param:
    """A documented query parameter; arrays repeat the name (``?category=a&category=b``)."""

    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False

    @property
    def is_array(self) -> bool:
        return self.schema.get("type") == "array"


@dataclass
class Query:
    """Parsed query values by name; absent optional parameters are missing or their default."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def _from_text(text: str, schema: Mapping[str, Any]) -> Any:
    """Turn one query-string value into the schema's type; unconvertible text stays a string."""
    kind = schema.get("type")
    if kind == "integer" and _INT_TEXT.match(text):
        return int(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def parse_query(
    args: MultiDict[str, str], params: tuple[Param, ...], validator: Validator
) -> Query:
    """Check a query string against ``params``: unknown names, types and ranges answer 422."""
    errors: dict[str, str] = {}
    known = {p.name: p for p in params}
    for name in args:
        if name not in known:
            accepted = ", ".join(known) or "none"
            errors[name] = f"Unknown parameter (accepted: {accepted})."
    query = Query()
    for param in params:
        raw = args.getlist(param.name)
        if not raw:
            if param.required:
                errors[param.name] = "This parameter is required."
            elif "default" in param.schema:
                query.values[param.name] = param.schema["default"]
            continue
        if param.is_array:
            value: Any = [_from_text(v, param.schema.get("items", {})) for v in raw]
        elif len(raw) > 1:
            errors[param.name] = "Give this parameter once."
            continue
        else:
            value = _from_text(raw[0], param.schema)
        problems = validator.errors(value, param.schema, param.name)
        if problems:
            errors.update(problems)
        else:
            query.values[param.name] = value
    if errors:
        raise FieldErrors(errors)
    return query
