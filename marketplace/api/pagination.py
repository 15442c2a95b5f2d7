"""Cursor pagination: opaque, signed cursors and the ``Link: <...>; rel="next"`` header.

A cursor is an itsdangerous-signed payload, so clients cannot forge one (e.g. to jump past the
search window) and a cursor minted for one list or one set of filters is refused elsewhere.
Lists of rows page by key (``id`` after the last one seen), so inserts never shift a page;
search results page by offset, since relevance has no stable key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from flask import current_app, jsonify, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select
from werkzeug.wrappers import Response

from marketplace.extensions import db
from marketplace.parsing import FieldErrors

_SALT = "marketplace.api.cursor.v1"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def query_fingerprint(exclude: tuple[str, ...] = ("cursor",)) -> str:
    """A short hash of the query string's filters: a cursor only works with the same ones."""
    pairs = sorted((k, v) for k, v in request.args.items(multi=True) if k not in exclude)
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]


def encode_cursor(kind: str, **data: Any) -> str:
    return str(_serializer().dumps({"k": kind, "f": query_fingerprint(), **data}))


def decode_cursor(token: str, kind: str) -> dict[str, Any]:
    """The cursor's data; 422 when it is forged, from another list or for other filters."""
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise FieldErrors({"cursor": "This cursor is not valid; start again without one."}) from exc
    if not isinstance(data, dict) or data.get("k") != kind:
        raise FieldErrors({"cursor": "This cursor belongs to another list."})
    if data.get("f") != query_fingerprint():
        raise FieldErrors(
            {
                "cursor": "This cursor was made for other filters or another page size; "
                "repeat the same query with it."
            }
        )
    return data


def next_link(cursor: str) -> str:
    """The URL of the next page: this request's query string with the new cursor."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    pairs.append(("cursor", cursor))
    return f"{request.base_url}?{urlencode(pairs)}"


def page_response(body: dict[str, Any], next_cursor: str | None) -> Response:
    """A list answer: ``next_cursor`` in the body and, when there is one, a ``Link`` header."""
    body["next_cursor"] = next_cursor
    response = jsonify(body)
    if next_cursor:
        response.headers["Link"] = f'<{next_link(next_cursor)}>; rel="next"'
    return response


def keyset_page(
    stmt: Select[Any],
    key: Any,
    kind: str,
    limit: int,
    cursor: str | None,
    *,
    descending: bool = False,
) -> tuple[Sequence[Any], str | None]:
    """One page of ``stmt`` ordered by the integer column ``key``, and the next page's cursor."""
    if cursor:
        after = decode_cursor(cursor, kind).get("after")
        if not isinstance(after, int) or isinstance(after, bool):
            raise FieldErrors({"cursor": "This cursor is not valid; start again without one."})
        stmt = stmt.where(key < after if descending else key > after)
    stmt = stmt.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows = db.session.scalars(stmt).unique().all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(kind, after=int(getattr(rows[-1], key.key)))
