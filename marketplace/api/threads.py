"""The private thread between a request's buyer and one invited vendor."""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.api import representations as rep
from marketplace.api.auth import api_user, rate_limit_key
from marketplace.api.blueprint import V1, bp
from marketplace.api.pagination import keyset_page, page_response
from marketplace.api.schemas import PAGE
from marketplace.api.spec import Operation, documented
from marketplace.clock import utcnow
from marketplace.extensions import db, limiter
from marketplace.quotes.access import get_thread_or_404
from marketplace.quotes.models import Message
from marketplace.quotes.threads import post_message

THREAD = "/requests/<int:request_id>/threads/<int:vendor_id>/messages"
THREAD_PARAMS = {
    "request_id": "The request's id.",
    "vendor_id": "The invited vendor's id: one thread per request and vendor.",
}

LIST_MESSAGES = Operation(
    operation_id="listMessages",
    summary="Read a thread",
    description="For the request's buyer and the invited vendor only; oldest first.",
    tag="Messages",
    auth="member",
    params=PAGE,
    returns="MessageList",
    headers=("Link",),
    path_params=THREAD_PARAMS,
)
POST_MESSAGE = Operation(
    operation_id="postMessage",
    summary="Write in a thread",
    description="The other side is notified. Rate-limited like the site's message form.",
    tag="Messages",
    auth="member",
    body="MessageCreate",
    status=201,
    returns="Message",
    errors=(409,),
    path_params=THREAD_PARAMS,
)


def _message_limit() -> str:
    return str(current_app.config["MESSAGE_RATE_LIMIT"])


@bp.get(V1 + THREAD)
@documented(LIST_MESSAGES)
def list_messages(request_id: int, vendor_id: int) -> Response:
    """The thread's messages, oldest first."""
    user = api_user("buyer", "vendor")
    query = LIST_MESSAGES.query()
    req, _invitation = get_thread_or_404(request_id, vendor_id, user)
    stmt = (
        select(Message)
        .where(Message.request_id == req.id, Message.vendor_id == vendor_id)
        .options(selectinload(Message.author))
    )
    rows, cursor = keyset_page(
        stmt, Message.id, "messages", query.get("limit"), query.get("cursor")
    )
    return page_response({"items": [rep.message(m, user.id) for m in rows]}, cursor)


@bp.post(V1 + THREAD)
@limiter.limit(_message_limit, key_func=rate_limit_key, methods=["POST"], override_defaults=False)
@documented(POST_MESSAGE)
def create_message(request_id: int, vendor_id: int) -> Response:
    """Add a message to the thread."""
    user = api_user("buyer", "vendor")
    POST_MESSAGE.query()
    req, invitation = get_thread_or_404(request_id, vendor_id, user)
    body = POST_MESSAGE.json()
    message = post_message(user, req, invitation.vendor, body["body"], utcnow())
    db.session.commit()
    response = jsonify(rep.message(message, user.id))
    response.status_code = 201
    return response
