"""Jinja filters and the context every page gets (navigation counts, role flags)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace.clock import as_utc, utcnow

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "PHP": "₱", "JPY": "¥"}


def format_money(amount: Decimal | None, currency: str = "USD", places: int = 2) -> str:
    """ "$38,000.00" / "PLN 1,200.00"; rounding half-up happens only here, for display."""
    if amount is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{value:,.{places}f}"
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def format_unit_price(amount: Decimal | None, currency: str = "USD") -> str:
    """Unit prices keep sub-cent precision when they have it ($0.035 per record)."""
    if amount is None:
        return "—"
    exponent = -Decimal(amount).normalize().as_tuple().exponent  # type: ignore[operator]
    return format_money(amount, currency, places=min(max(int(exponent), 2), 4))


UNIT_SINGULAR = {
    "employees paid per month": "employee",
    "records per month": "record",
    "users supported": "user",
    "FTE": "FTE",
    "hours per month": "hour",
    "transactions per month": "transaction",
}


def unit_singular(unit: str | None) -> str:
    """ "employees paid per month" -> "employee", for "$9.40 per employee per month"."""
    return UNIT_SINGULAR.get(unit or "", "unit")


def format_date(value: date | datetime | None) -> str:
    """Dates in words: "23 November 2026"."""
    if value is None:
        return "—"
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = as_utc(value)
    return f"{value.day} {value:%B %Y, %H:%M} UTC"


def time_ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    delta = (now or utcnow()) - as_utc(value)
    seconds = int(delta.total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "in under a minute" if future else "just now"


def nl2br(text: str | None) -> Markup:
    """Plain text with line breaks kept; everything escaped."""
    if not text:
        return Markup("")
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def _navigation() -> dict[str, Any]:
    # Templates link to a feature only when its endpoint exists (``url_endpoints``).
    context: dict[str, Any] = {
        "url_endpoints": current_app.view_functions,
        "unread_notifications": 0,
    }
    if current_user.is_authenticated:
        from marketplace.notify.services import unread_notification_count

        context["unread_notifications"] = unread_notification_count(current_user.id)
        if (
            current_user.role in ("buyer", "vendor")
            and "quotes.leads" in current_app.view_functions
        ):
            from marketplace.quotes.threads import unread_message_count

            context["unread_messages"] = unread_message_count(current_user)
    return context


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=format_money,
        unit_money=format_unit_price,
        unit_singular=unit_singular,
        date=format_date,
        datetime=format_datetime,
        ago=time_ago,
        nl2br=nl2br,
    )
    app.context_processor(_navigation)
