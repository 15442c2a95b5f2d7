"""What the workflow tells people: an in-app notification and an outbox mail per event.

Both are rows in the caller's transaction (a rolled-back action tells no one). Links in mails are
absolute (``external_url``) so they also work from ``flask quotes tick``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for

from marketplace.accounts.models import User
from marketplace.directory.models import Vendor
from marketplace.notify.services import notify_user, queue_email
from marketplace.quotes.models import Invitation, QuoteRequest
from marketplace.templating import format_datetime
from marketplace.urls import external_url


def _path(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def tell(
    user: User | None, kind: str, message: str, subject: str, endpoint: str, **values: Any
) -> None:
    """Notify one user in the app and by e-mail; inactive or missing users are skipped."""
    if user is None or not user.active:
        return
    notify_user(user.id, kind, message, _path(endpoint, **values))
    link = external_url(endpoint, **values)
    body = f"Hello {user.display_name},\n\n{message}\n\nOpen it here:\n{link}\n"
    queue_email(user.email, subject, body)


def _short(title: str, limit: int = 80) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def tell_vendor(
    vendor: Vendor, invitation: Invitation, kind: str, message: str, subject: str
) -> None:
    """Notify a vendor's user about its lead."""
    tell(vendor.owner, kind, message, subject, "quotes.lead_detail", invitation_id=invitation.id)


def tell_buyer(
    request: QuoteRequest,
    kind: str,
    message: str,
    subject: str,
    endpoint: str = "quotes.request_detail",
    **values: Any,
) -> None:
    """Notify the request's buyer (a link to the request page unless told otherwise)."""
    values = values or {"request_id": request.id}
    tell(request.buyer, kind, message, subject, endpoint, **values)


def invited(request: QuoteRequest, invitation: Invitation) -> None:
    company = request.buyer.company or request.buyer.display_name
    title = _short(request.title)
    tell_vendor(
        invitation.vendor,
        invitation,
        "quote_invited",
        f'{company} invited you to quote on "{title}". Quotes are due '
        f"{format_datetime(request.quotes_due_at)}.",
        f"New quote request: {title}",
    )


def quote_received(request: QuoteRequest, vendor: Vendor, version: int) -> None:
    title = _short(request.title)
    if version == 1:
        tell_buyer(
            request,
            "quote_received",
            f'{vendor.name} sent a quote for "{title}".',
            f"New quote from {vendor.name}: {title}",
        )
    else:
        tell_buyer(
            request,
            "quote_revised",
            f'{vendor.name} revised its quote for "{title}" (version {version}).',
            f"Revised quote from {vendor.name}: {title}",
        )


def quote_withdrawn(request: QuoteRequest, vendor: Vendor) -> None:
    title = _short(request.title)
    tell_buyer(
        request,
        "quote_withdrawn",
        f'{vendor.name} withdrew its quote for "{title}".',
        f"Quote withdrawn: {title}",
    )


def declined(request: QuoteRequest, vendor: Vendor, reason: str) -> None:
    title = _short(request.title)
    tell_buyer(
        request,
        "invitation_declined",
        f'{vendor.name} declined to quote on "{title}": {_short(reason, 150)}',
        f"{vendor.name} declined: {title}",
    )


def awarded(request: QuoteRequest, winner: Invitation, others: list[Invitation]) -> None:
    title = _short(request.title)
    company = request.buyer.company or request.buyer.display_name
    tell_vendor(
        winner.vendor,
        winner,
        "quote_awarded",
        f'{company} accepted your quote for "{title}". Congratulations!',
        f"You won: {title}",
    )
    for invitation in others:
        tell_vendor(
            invitation.vendor,
            invitation,
            "quote_lost",
            f'{company} awarded "{title}" to another vendor. Thank you for quoting.',
            f"Request awarded to another vendor: {title}",
        )
    tell_buyer(
        request,
        "request_awarded",
        f'You awarded "{title}" to {winner.vendor.name}. Every vendor has been told.',
        f"Awarded: {title}",
    )


def cancelled(request: QuoteRequest, invitations: list[Invitation]) -> None:
    title = _short(request.title)
    for invitation in invitations:
        tell_vendor(
            invitation.vendor,
            invitation,
            "request_cancelled",
            f'The buyer cancelled "{title}". No quote is needed any more.',
            f"Request cancelled: {title}",
        )


def closed_by_buyer(request: QuoteRequest, invitations: list[Invitation]) -> None:
    title = _short(request.title)
    for invitation in invitations:
        tell_vendor(
            invitation.vendor,
            invitation,
            "request_closed",
            f'The buyer closed "{title}" for new quotes and is reviewing the answers.',
            f"Quoting closed: {title}",
        )


def closed_by_deadline(request: QuoteRequest, quote_count: int) -> None:
    title = _short(request.title)
    if quote_count:
        message = f'Quotes for "{title}" are in ({quote_count}). Compare them and award one.'
    else:
        message = (
            f'The deadline for "{title}" passed without quotes. '
            "Next time, invite more vendors or allow more time."
        )
    tell_buyer(request, "request_deadline_passed", message, f"Quotes are due: {title}")


def deadline_extended(request: QuoteRequest, invitations: list[Invitation]) -> None:
    title = _short(request.title)
    for invitation in invitations:
        tell_vendor(
            invitation.vendor,
            invitation,
            "deadline_extended",
            f'The buyer extended the deadline for "{title}" to '
            f"{format_datetime(request.quotes_due_at)}.",
            f"Deadline extended: {title}",
        )


def deadline_soon(request: QuoteRequest, invitation: Invitation) -> None:
    title = _short(request.title)
    tell_vendor(
        invitation.vendor,
        invitation,
        "deadline_soon",
        f'Quotes for "{title}" are due within 24 hours ({format_datetime(request.quotes_due_at)}).',
        f"Due within 24 hours: {title}",
    )


def quote_expired(request: QuoteRequest, invitation: Invitation) -> None:
    title = _short(request.title)
    tell_vendor(
        invitation.vendor,
        invitation,
        "quote_expired",
        f'Your quote for "{title}" passed its valid-until date and expired. '
        "Send a new version if the request is still open.",
        f"Quote expired: {title}",
    )


def message_posted(
    request: QuoteRequest, vendor: Vendor, to_user: User | None, author_name: str
) -> None:
    title = _short(request.title)
    tell(
        to_user,
        "message_received",
        f'{author_name} wrote about "{title}".',
        f"New message: {title}",
        "quotes.thread",
        request_id=request.id,
        vendor_id=vendor.id,
    )
