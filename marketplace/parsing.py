"""The one set of input parsers every feature uses (DESIGN section 11).

Pure Python, no Flask: forms, the JSON API, CLI commands and the comparison engine's schema all
call these, so "what counts as money" or "how long a title may be" is decided in one place.
Every parser raises :class:`ParseError` with a message written for the person who typed the value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ASCII digits only, optional single dot, at most 2 fraction digits for money we store,
# up to 8 for exchange rates and unit prices (e.g. $0.035 per transaction); ``places`` decides.
_MONEY_RE = re.compile(r"^(?P<int>[0-9]{1,13})(?:\.(?P<frac>[0-9]{1,8}))?$")
_INT_RE = re.compile(r"^-?[0-9]{1,19}$")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MONEY_MAX = Decimal("1000000000000")  # 10^12 in any currency is beyond any BPO contract
INT32_MAX = 2_147_483_647


class ParseError(ValueError):
    """A value the user typed cannot be accepted; ``str(err)`` is safe to show them."""


@dataclass(frozen=True)
class FieldErrors(Exception):
    """Several fields failed at once; maps field name (dotted path for JSON) to message."""

    errors: dict[str, str]

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def parse_money(
    value: object,
    *,
    max_value: Decimal = MONEY_MAX,
    allow_zero: bool = True,
    places: int = 2,
) -> Decimal:
    """Parse a non-negative amount written with ASCII digits and one optional dot.

    Accepts ``str``, ``int`` and ``Decimal`` (never ``bool`` or ``float``: a float has already lost
    the exact value). Refuses signs, exponents, NaN/Infinity, thousands separators, full-width or
    other-script digits, more than ``places`` fraction digits, and values above ``max_value``.
    """
    if isinstance(value, bool) or value is None:
        raise ParseError("Enter an amount, e.g. 1250.00.")
    if isinstance(value, float):
        raise ParseError('Send amounts as strings, e.g. "12.50", not as floating-point numbers.')
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ParseError("Enter a finite amount.")
        text = format(value, "f")
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ParseError("Enter an amount, e.g. 1250.00.")
    if text.startswith("-"):
        raise ParseError("Amounts cannot be negative.")
    match = _MONEY_RE.match(text)
    if not match:
        raise ParseError("Use digits and at most one dot, e.g. 1250.00.")
    frac = match.group("frac") or ""
    if len(frac) > places:
        raise ParseError(f"Use at most {places} digits after the dot.")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ParseError("Enter a valid amount.") from exc
    if amount > max_value:
        raise ParseError(f"That amount is too large (at most {max_value:,}).")
    if not allow_zero and amount == 0:
        raise ParseError("Enter an amount greater than zero.")
    return amount


def parse_int(
    value: object,
    *,
    min_value: int = 0,
    max_value: int = INT32_MAX,
    label: str = "number",
) -> int:
    """Parse a whole number within bounds; booleans and floats are not numbers here."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ParseError(f"Enter a whole {label}.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _INT_RE.match(text):
            raise ParseError(f"Enter a whole {label} using digits only.")
        number = int(text)
    else:
        raise ParseError(f"Enter a whole {label}.")
    if number < min_value:
        raise ParseError(f"Must be at least {min_value}.")
    if number > max_value:
        raise ParseError(f"Must be at most {max_value:,}.")
    return number


def clean_text(value: object, *, max_length: int, multiline: bool = False) -> str:
    """NFC-normalise, drop NUL/control characters and lone surrogates, strip, bound the length.

    Single-line text also loses CR/LF/tab (they never belong in a name or a mail header).
    Raises when the cleaned text is longer than ``max_length``: silently cutting what someone typed
    loses their input.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError("Enter text.")
    text = _SURROGATES.sub("", value)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = re.sub(r"[\r\n\t]+", " ", text)
    text = text.strip()
    if len(text) > max_length:
        raise ParseError(f"Keep this under {max_length:,} characters (it has {len(text):,}).")
    return text


def parse_currency(value: object, known: set[str] | frozenset[str]) -> str:
    """An ISO 4217 code that the rates table knows (case-insensitive in, upper-case out)."""
    if not isinstance(value, str):
        raise ParseError("Choose a currency, e.g. USD.")
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ParseError("Use a three-letter currency code, e.g. USD.")
    if code not in known:
        raise ParseError(f"We have no exchange rate for {code}.")
    return code


def parse_email(value: object) -> str:
    """A syntactically valid address, normalised; never contains CR/LF (header injection)."""
    from email_validator import EmailNotValidError, validate_email

    if not isinstance(value, str) or not value.strip():
        raise ParseError("Enter your e-mail address.")
    if any(ch in value for ch in "\r\n\x00") or len(value) > 254:
        raise ParseError("Enter a valid e-mail address.")
    try:
        info = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ParseError(str(exc)) from exc
    return info.normalized


def safe_url(value: object, *, max_length: int = 300) -> str:
    """An http(s) URL or empty; anything else (javascript:, data:, relative) is refused."""
    text = clean_text(value, max_length=max_length)
    if not text:
        return ""
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        raise ParseError("Enter a full web address starting with https://")
    return text
