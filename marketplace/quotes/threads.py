"""Private message threads: one per request and invited vendor, between the buyer and the vendor.

Only that buyer and that vendor's user write; admins may read (moderation), never write. Bodies
are plain text: shown escaped, with http(s) links made clickable (``linkify``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.directory.models import Vendor
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db
from marketplace.parsing import FieldErrors, ParseError, clean_text
from marketplace.quotes import notices
from marketplace.quotes.models import Invitation, Message, QuoteRequest, ThreadRead
from marketplace.quotes.services import WorkflowError, _insert

MESSAGE_MAX = 5000
WRITABLE_STATUSES = ("open", "closed", "awarded")
_URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def post_message(
    user: User, request: QuoteRequest, vendor: Vendor, body: object, now: datetime
) -> Message:
    """Add a message to the request x vendor thread and tell the other side."""
    invitation = db.session.execute(
        select(Invitation).where(
            Invitation.request_id == request.id, Invitation.vendor_id == vendor.id
        )
    ).scalar_one_or_none()
    if invitation is None or request.status == "draft":
        raise WorkflowError("There is no conversation with this vendor on this request.")
    is_buyer = user.role == "buyer" and request.buyer_id == user.id
    own_vendor = vendor_for_user(user) if user.role == "vendor" else None
    is_vendor = own_vendor is not None and own_vendor.id == vendor.id
    if not (is_buyer or is_vendor):
        raise WorkflowError("Only the buyer and the invited vendor can write in this thread.")
    if request.status not in WRITABLE_STATUSES:
        raise WorkflowError("This request was cancelled; its conversations are closed.")
    try:
        text = clean_text(body, max_length=MESSAGE_MAX, multiline=True)
    except ParseError as exc:
        raise FieldErrors({"body": str(exc)}) from exc
    if not text:
        raise FieldErrors({"body": "Write a message first."})
    message = Message(
        request_id=request.id, vendor_id=vendor.id, author_id=user.id, body=text, created_at=now
    )
    db.session.add(message)
    db.session.flush()
    mark_thread_read(user, request.id, vendor.id, now)
    if is_buyer:
        notices.message_posted(
            request, vendor, vendor.owner, request.buyer.company or request.buyer.display_name
        )
    else:
        notices.message_posted(request, vendor, request.buyer, vendor.name)
    db.session.flush()
    return message


def thread_messages(request_id: int, vendor_id: int) -> list[Message]:
    """The thread, oldest first, with authors loaded."""
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.request_id == request_id, Message.vendor_id == vendor_id)
            .order_by(Message.created_at, Message.id)
            .options(selectinload(Message.author))
        )
    )


def mark_thread_read(user: Any, request_id: int, vendor_id: int, now: datetime) -> None:
    """Remember that ``user`` has read the thread up to ``now`` (an upsert)."""
    if not getattr(user, "is_authenticated", False) or user.role == "admin":
        return
    table = ThreadRead.__table__
    stmt = (
        _insert(ThreadRead)  # type: ignore[attr-defined]
        .values(user_id=user.id, request_id=request_id, vendor_id=vendor_id, last_read_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.request_id, table.c.vendor_id],
            set_={"last_read_at": now},
        )
    )
    db.session.execute(stmt)


def _unread_query(user: User) -> Any:
    read = ThreadRead.__table__
    unread = (
        select(Message.request_id, Message.vendor_id, func.count(Message.id))
        .outerjoin(
            read,
            and_(
                read.c.user_id == user.id,
                read.c.request_id == Message.request_id,
                read.c.vendor_id == Message.vendor_id,
            ),
        )
        .where(
            or_(Message.author_id.is_(None), Message.author_id != user.id),
            or_(read.c.last_read_at.is_(None), Message.created_at > read.c.last_read_at),
        )
        .group_by(Message.request_id, Message.vendor_id)
    )
    if user.role == "buyer":
        return unread.join(QuoteRequest, QuoteRequest.id == Message.request_id).where(
            QuoteRequest.buyer_id == user.id
        )
    vendor = vendor_for_user(user)
    if user.role == "vendor" and vendor is not None:
        return unread.where(Message.vendor_id == vendor.id)
    return None


def unread_by_thread(user: Any, request_id: int | None = None) -> dict[tuple[int, int], int]:
    """Unread messages per (request id, vendor id) for the user (buyers and vendors only)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    query = _unread_query(user)
    if query is None:
        return {}
    if request_id is not None:
        query = query.where(Message.request_id == request_id)
    return {(r, v): int(n) for r, v, n in db.session.execute(query).all()}


def unread_message_count(user: Any) -> int:
    """Unread messages across all of the user's threads (for the navigation)."""
    return sum(unread_by_thread(user).values())


def linkify(text: str | None) -> Markup:
    """Plain text to safe HTML: escaped, line breaks kept, http(s) links clickable.

    Only ``http://`` and ``https://`` become links (never ``javascript:`` or ``data:``), with
    ``rel="nofollow noopener noreferrer"``; the rest of the text is escaped.
    """
    if not text:
        return Markup("")
    parts: list[str] = []
    position = 0
    for match in _URL_RE.finditer(text):
        url = match.group(0)
        trailing = ""
        while url and url[-1] in _TRAILING:
            trailing = url[-1] + trailing
            url = url[:-1]
        if len(url) <= len("https://"):
            continue
        parts.append(str(escape(text[position : match.start()])))
        safe = escape(url)
        parts.append(
            f'<a href="{safe}" rel="nofollow noopener noreferrer" target="_blank">{safe}</a>'
        )
        parts.append(str(escape(trailing)))
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts).replace("\n", "<br>\n"))  # noqa: S704 - every part is escaped
