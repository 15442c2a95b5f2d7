"""What each API view declares about itself, for the OpenAPI document and for validation.

Views carry an :class:`Operation` (``@documented(SPEC)`` under the route decorator); the document
is built from the URL map plus these, so a route without a description is a failing test rather
than a gap in the document, and the query parameters and body schema a view validates against
are the ones the document shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import request

from marketplace.api.jsonbody import read_json_object
from marketplace.api.schemas import COMPONENTS, VALIDATOR
from marketplace.api.validation import Param, Query, parse_query
from marketplace.parsing import FieldErrors

F = TypeVar("F", bound=Callable[..., Any])
Auth = Literal["public", "buyer", "vendor", "member"]
ATTRIBUTE = "_api_operation"


@dataclass(frozen=True)
class Operation:
    """One documented operation (method + path)."""

    operation_id: str
    summary: str
    tag: str
    auth: Auth
    description: str = ""
    params: tuple[Param, ...] = ()
    body: str | None = None  # component schema name of the JSON body
    status: int = 200
    returns: str | None = None  # component schema name of the success body
    headers: tuple[str, ...] = ()  # names from openapi.HEADERS on the success response
    errors: tuple[int, ...] = ()  # statuses besides the ones every operation of its kind has
    not_modified: bool = False  # supports If-None-Match -> 304
    path_params: dict[str, str] = field(default_factory=dict)  # name -> description

    def query(self) -> Query:
        """This request's query string, checked against ``params`` (422 on any problem)."""
        return parse_query(request.args, self.params, VALIDATOR)

    def json(self) -> dict[str, Any]:
        """This request's JSON body, checked against the ``body`` schema (422 on any problem)."""
        assert self.body is not None, f"{self.operation_id} declares no body"
        body = read_json_object()
        errors = VALIDATOR.errors(body, COMPONENTS[self.body])
        if errors:
            raise FieldErrors(errors)
        return body


def documented(spec: Operation) -> Callable[[F], F]:
    """Attach ``spec`` to a view (put it below ``@bp.route``)."""

    def decorator(view: F) -> F:
        setattr(view, ATTRIBUTE, spec)
        return view

    return decorator


def operation_of(view: Callable[..., Any]) -> Operation | None:
    return getattr(view, ATTRIBUTE, None)
