"""The quote workflow (DESIGN section 4): every transition is one function here.

Each function takes the actor and ``now`` explicitly (tests inject the clock), checks who acts,
the state and the clock, changes rows, writes the notifications and outbox mails, and flushes;
the caller commits once. Bad input raises :class:`~marketplace.parsing.FieldErrors` (every
problem at once); a forbidden transition raises :class:`WorkflowError`, whose message is safe to
show. State changes that can race use a conditional ``UPDATE ... WHERE status = <expected>`` with
a rowcount check (SQLite has no ``SELECT ... FOR UPDATE``).

Decisions the design leaves open, made here:
- "closed" means closed for quoting (deadline passed or the buyer closed it early), not given up:
  the buyer can still award a submitted quote of a closed request, because buyers compare after
  the deadline. ``cancel_request`` is how a buyer gives up. An open request past its deadline
  behaves as closed everywhere, whether or not ``tick`` has run.
- Invitations may be added to a draft; vendors see them (and are told) only when it is published,
  and response times count from then.
- A free-plan vendor's allowance counts first versions only; revising or re-quoting after a
  withdrawal is free. Pro has no allowance.
- Declining needs a reason (the buyer plans with it); a vendor that quoted withdraws instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.clock import as_utc
from marketplace.directory.models import (
    PRICING_MODELS,
    Certification,
    ServiceCategory,
    Vendor,
    VendorService,
)
from marketplace.directory.services import is_country, vendor_for_user
from marketplace.extensions import db
from marketplace.parsing import (
    FieldErrors,
    ParseError,
    clean_text,
    parse_currency,
    parse_int,
    parse_money,
)
from marketplace.quotes import notices
from marketplace.quotes.models import (
    DEFAULT_WEIGHTS,
    UNITS,
    Invitation,
    Quote,
    QuoteAllowanceUsage,
    QuoteRequest,
)
from marketplace.rates.services import current_rates
from marketplace.search.services import enqueue_vendor

MAX_INVITATIONS = 5
TITLE_MIN = 5
TITLE_MAX = 160
DESCRIPTION_MAX = 5000
QUANTITY_MAX = 10_000_000
CONTRACT_MONTHS_MAX = 120
MAX_REQUIRED_CERTIFICATIONS = 20
MAX_PREFERRED_COUNTRIES = 20
WEIGHT_MAX = 100
DEADLINE_MIN = timedelta(hours=1)
DEADLINE_MAX = timedelta(days=180)
START_DATE_MAX = timedelta(days=730)
REASON_MAX = 1000
NOTES_MAX = 5000
UNIT_PRICE_MAX = Decimal("1000000")
FEE_MAX = Decimal("100000000")
HOURS_PER_MONTH_MAX = 1_000_000
TURNAROUND_MAX = 8760  # a year, in hours
VALID_UNTIL_MAX = timedelta(days=730)
REMINDER_BEFORE = timedelta(hours=24)

CRITERIA = tuple(DEFAULT_WEIGHTS)
OPEN_FOR_AWARD = ("open", "closed")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?$")


class WorkflowError(Exception):
    """A transition the actor may not make now; ``message`` is safe to show to them.

    ``upgrade`` marks the free-plan allowance, so pages can offer the upgrade link.
    """

    def __init__(self, message: str, *, upgrade: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.upgrade = upgrade


# ---------------------------------------------------------------------------------------------
# The clock


def accepting_quotes(request: QuoteRequest, now: datetime) -> bool:
    """Open and before the deadline: the only time a vendor may quote, revise or decline."""
    return request.status == "open" and now < as_utc(request.quotes_due_at)


def effective_status(request: QuoteRequest, now: datetime) -> str:
    """The status as people should see it: an open request past its deadline is closed."""
    if request.status == "open" and now >= as_utc(request.quotes_due_at):
        return "closed"
    return request.status


def quote_is_expired(quote: Quote, now: datetime) -> bool:
    """Past its valid-until date (or already marked expired)."""
    if quote.status == "expired":
        return True
    return quote.valid_until is not None and now.date() > quote.valid_until


# ---------------------------------------------------------------------------------------------
# Small helpers


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _conditional_update(
    model: type, row_id: int, expected: Iterable[str], **values: object
) -> bool:
    """UPDATE one row only if it is still in an expected status; True when it was."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status.in_(tuple(expected)))  # type: ignore[attr-defined]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def _insert(model: type) -> object:
    """A dialect-specific INSERT that supports ON CONFLICT on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def _require_owner(buyer: User, request: QuoteRequest) -> None:
    if not buyer.is_authenticated or buyer.role != "buyer" or request.buyer_id != buyer.id:
        raise WorkflowError("Only the buyer who posted this request can do that.")


def _require_buyer(user: User) -> None:
    if not user.is_authenticated or user.role != "buyer":
        raise WorkflowError("Only buyer accounts can post quote requests.")


def _own_vendor(vendor_user: User, invitation: Invitation) -> Vendor:
    vendor = vendor_for_user(vendor_user)
    if vendor is None or invitation.vendor_id != vendor.id:
        raise WorkflowError("This lead belongs to another vendor.")
    if invitation.request.status == "draft":
        raise WorkflowError("This request has not been published.")
    return vendor


def _closed_reason(request: QuoteRequest, now: datetime) -> str:
    status = effective_status(request, now)
    return {
        "draft": "This request has not been published yet.",
        "closed": "Quoting on this request has closed: the deadline passed or the buyer closed it.",
        "awarded": "This request has already been awarded.",
        "cancelled": "The buyer cancelled this request.",
    }.get(status, "This request is not open for quotes.")


def _hold_open_request(
    request: QuoteRequest, now: datetime, statuses: tuple[str, ...] = ("open",)
) -> None:
    """Touch the request row only if it still accepts quotes (or is in ``statuses``).

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before anything else is
    written, so a quote, a decline or an invitation serialises with a racing award, close or
    cancel instead of slipping in after it.
    """
    conditions = [QuoteRequest.id == request.id, QuoteRequest.status.in_(statuses)]
    if statuses == ("open",):
        conditions.append(QuoteRequest.quotes_due_at > now)
    result = db.session.execute(
        update(QuoteRequest)
        .where(*conditions)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        db.session.expire(request, ["status", "quotes_due_at"])
        raise WorkflowError(_closed_reason(request, now))


def _active_invitations(request: QuoteRequest) -> list[Invitation]:
    """Invitations still in play (not declined): the vendors to tell about a change."""
    return [i for i in request.invitations if i.status != "declined"]


def _parse_deadline(value: object, now: datetime) -> datetime:
    """A future deadline in UTC: an aware datetime, ``YYYY-MM-DDTHH:MM`` (UTC) or a date (23:59)."""
    if isinstance(value, datetime):
        due = as_utc(value)
    elif isinstance(value, date):
        due = datetime.combine(value, time(23, 59), tzinfo=UTC)
    elif isinstance(value, str) and _DATETIME_RE.match(value.strip()):
        try:
            due = datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
        except ValueError as exc:
            raise ParseError("Enter a real date and time.") from exc
    elif isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            due = datetime.combine(date.fromisoformat(value.strip()), time(23, 59), tzinfo=UTC)
        except ValueError as exc:
            raise ParseError("Enter a real date.") from exc
    elif value is None or (isinstance(value, str) and not value.strip()):
        raise ParseError("Choose when quotes are due.")
    else:
        raise ParseError("Enter a date and time like 2026-12-01 17:00.")
    if due < now + DEADLINE_MIN:
        raise ParseError("Give vendors at least an hour: choose a later date and time.")
    if due > now + DEADLINE_MAX:
        raise ParseError("Choose a date within the next 180 days.")
    return due


def _parse_date(value: object, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise ParseError(f"Enter the {what} as a date, e.g. 2026-12-01.")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ParseError("Enter a real date.") from exc


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------
# Requests


@dataclass(frozen=True)
class RequestInput:
    """A request as typed into the form (or sent to the API): raw values, parsed by the service."""

    category_id: object = None
    title: object = ""
    description: object = ""
    quantity: object = None
    unit: object = ""
    contract_months: object = None
    start_date: object = None
    budget_monthly: object = None
    currency: object = "USD"
    required_certification_ids: tuple[object, ...] = ()
    preferred_countries: tuple[object, ...] = ()
    in_house_monthly_cost: object = None
    quotes_due_at: object = None
    weights: Mapping[str, object] | None = None
    vendor_ids: tuple[object, ...] = ()  # to invite (from a profile or the shortlist)


@dataclass
class _RequestValues:
    category: ServiceCategory
    title: str
    description: str
    quantity: int
    unit: str
    contract_months: int
    start_date: date | None
    budget_monthly: Decimal | None
    currency: str
    certifications: list[Certification]
    preferred_countries: list[str]
    in_house_monthly_cost: Decimal | None
    quotes_due_at: datetime
    weights: dict[str, int]
    vendors: list[Vendor] = field(default_factory=list)


def _parse_request(data: RequestInput, now: datetime, *, with_vendors: bool) -> _RequestValues:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def attempt(key: str, fn: object) -> None:
        try:
            values[key] = fn()  # type: ignore[operator]
        except ParseError as exc:
            errors[key] = str(exc)

    def category() -> ServiceCategory:
        if _blank(data.category_id):
            raise ParseError("Choose the service you need.")
        cat = db.session.get(ServiceCategory, parse_int(data.category_id, min_value=1))
        if cat is None:
            raise ParseError("Choose one of the listed services.")
        return cat

    def title() -> str:
        text = clean_text(data.title, max_length=TITLE_MAX)
        if len(text) < TITLE_MIN:
            raise ParseError("Give the request a short title, e.g. “Payroll for 250 employees”.")
        return text

    attempt("category_id", category)
    attempt("title", title)
    attempt(
        "description",
        lambda: clean_text(data.description, max_length=DESCRIPTION_MAX, multiline=True),
    )
    attempt(
        "quantity",
        lambda: parse_int(data.quantity, min_value=1, max_value=QUANTITY_MAX, label="quantity"),
    )
    attempt(
        "contract_months",
        lambda: parse_int(
            data.contract_months,
            min_value=1,
            max_value=CONTRACT_MONTHS_MAX,
            label="number of months",
        ),
    )

    def unit() -> str:
        text = clean_text(data.unit, max_length=40)
        cat = values.get("category_id")
        allowed = set(UNITS) | ({cat.default_unit} if isinstance(cat, ServiceCategory) else set())
        if not text and isinstance(cat, ServiceCategory):
            return cat.default_unit
        if text not in allowed:
            raise ParseError("Choose one of the listed units.")
        return text

    attempt("unit", unit)

    def start_date() -> date | None:
        day = _parse_date(data.start_date, "start date")
        if day is not None and day < now.date():
            raise ParseError("The start date has passed: choose today or later.")
        if day is not None and day > (now + START_DATE_MAX).date():
            raise ParseError("Choose a start date within the next two years.")
        return day

    attempt("start_date", start_date)
    attempt(
        "budget_monthly",
        lambda: None if _blank(data.budget_monthly) else parse_money(data.budget_monthly),
    )
    attempt(
        "in_house_monthly_cost",
        lambda: (
            None if _blank(data.in_house_monthly_cost) else parse_money(data.in_house_monthly_cost)
        ),
    )
    attempt("currency", lambda: parse_currency(data.currency, current_rates().currencies))
    attempt("quotes_due_at", lambda: _parse_deadline(data.quotes_due_at, now))

    def certifications() -> list[Certification]:
        ids = {parse_int(v, min_value=1) for v in data.required_certification_ids if not _blank(v)}
        if len(ids) > MAX_REQUIRED_CERTIFICATIONS:
            raise ParseError(f"Choose at most {MAX_REQUIRED_CERTIFICATIONS} certifications.")
        if not ids:
            return []
        found = list(db.session.scalars(select(Certification).where(Certification.id.in_(ids))))
        if len(found) != len(ids):
            raise ParseError("Choose certifications from the list.")
        return sorted(found, key=lambda c: c.name)

    attempt("required_certification_ids", certifications)

    def countries() -> list[str]:
        codes: list[str] = []
        for raw in data.preferred_countries:
            if _blank(raw):
                continue
            if not isinstance(raw, str):
                raise ParseError("Choose countries from the list.")
            code = raw.strip().upper()
            if not is_country(code):
                raise ParseError("Choose countries from the list.")
            if code not in codes:
                codes.append(code)
        if len(codes) > MAX_PREFERRED_COUNTRIES:
            raise ParseError(f"Choose at most {MAX_PREFERRED_COUNTRIES} countries.")
        return codes

    attempt("preferred_countries", countries)

    raw_weights = dict(data.weights) if data.weights is not None else dict(DEFAULT_WEIGHTS)
    weights: dict[str, int] = {}
    for criterion in CRITERIA:
        raw = raw_weights.get(criterion, DEFAULT_WEIGHTS[criterion])
        try:
            weights[criterion] = parse_int(raw, min_value=0, max_value=WEIGHT_MAX, label="weight")
        except ParseError as exc:
            errors[f"weight_{criterion}"] = str(exc)
    unknown = set(raw_weights) - set(CRITERIA)
    if unknown:
        errors["weights"] = f"Unknown criteria: {', '.join(sorted(map(str, unknown)))}."
    elif len(weights) == len(CRITERIA) and not any(weights.values()):
        errors["weights"] = "Give at least one criterion a weight above zero."

    vendors: list[Vendor] = []
    if with_vendors and data.vendor_ids and isinstance(values.get("category_id"), ServiceCategory):
        try:
            vendors = _eligible_vendors(values["category_id"], data.vendor_ids, already=set())  # type: ignore[arg-type]
        except FieldErrors as exc:
            errors.update(exc.errors)

    if errors:
        raise FieldErrors(errors)
    return _RequestValues(
        category=values["category_id"],  # type: ignore[arg-type]
        title=values["title"],  # type: ignore[arg-type]
        description=values["description"],  # type: ignore[arg-type]
        quantity=values["quantity"],  # type: ignore[arg-type]
        unit=values["unit"],  # type: ignore[arg-type]
        contract_months=values["contract_months"],  # type: ignore[arg-type]
        start_date=values["start_date"],  # type: ignore[arg-type]
        budget_monthly=values["budget_monthly"],  # type: ignore[arg-type]
        currency=values["currency"],  # type: ignore[arg-type]
        certifications=values["required_certification_ids"],  # type: ignore[arg-type]
        preferred_countries=values["preferred_countries"],  # type: ignore[arg-type]
        in_house_monthly_cost=values["in_house_monthly_cost"],  # type: ignore[arg-type]
        quotes_due_at=values["quotes_due_at"],  # type: ignore[arg-type]
        weights=weights,
        vendors=vendors,
    )


def _apply(request: QuoteRequest, values: _RequestValues) -> None:
    request.category = values.category
    request.title = values.title
    request.description = values.description
    request.quantity = values.quantity
    request.unit = values.unit
    request.contract_months = values.contract_months
    request.start_date = values.start_date
    request.budget_monthly = values.budget_monthly
    request.currency = values.currency
    request.required_certifications = values.certifications
    request.preferred_countries = values.preferred_countries
    request.in_house_monthly_cost = values.in_house_monthly_cost
    request.quotes_due_at = values.quotes_due_at
    request.weights = values.weights


def create_request(
    buyer: User, data: RequestInput, now: datetime, publish: bool = False
) -> QuoteRequest:
    """Save a new request as a draft, or publish it (open) straight away; invites ``vendor_ids``."""
    _require_buyer(buyer)
    values = _parse_request(data, now, with_vendors=True)
    request = QuoteRequest(buyer=buyer, status="draft", created_at=now)
    _apply(request, values)
    db.session.add(request)
    db.session.flush()
    for vendor in values.vendors:
        request.invitations.append(Invitation(vendor=vendor, status="invited", invited_at=now))
    db.session.flush()
    if publish:
        publish_request(buyer, request, now)
    return request


def update_draft(
    buyer: User, request: QuoteRequest, data: RequestInput, now: datetime
) -> QuoteRequest:
    """Edit a draft; a published request can only have its deadline extended."""
    _require_owner(buyer, request)
    if request.status != "draft":
        raise WorkflowError("Only drafts can be edited. You can still extend the deadline.")
    values = _parse_request(data, now, with_vendors=False)
    if values.category.id != request.category_id and request.invitations:
        raise FieldErrors(
            {
                "category_id": "Remove the invited vendors before changing the service: "
                "they were chosen for the current one."
            }
        )
    _apply(request, values)
    db.session.flush()
    return request


def publish_request(buyer: User, request: QuoteRequest, now: datetime) -> QuoteRequest:
    """draft -> open: vendors invited so far are told now."""
    _require_owner(buyer, request)
    if request.status != "draft":
        raise WorkflowError("This request is already published.")
    if as_utc(request.quotes_due_at) < now + DEADLINE_MIN:
        raise WorkflowError(
            "The quotes-due date has passed or is less than an hour away: "
            "edit the draft and choose a later one."
        )
    if not _conditional_update(
        QuoteRequest, request.id, ("draft",), status="open", published_at=now
    ):
        raise WorkflowError("This request is already published.")
    db.session.expire(request, ["status", "published_at"])
    for invitation in list(request.invitations):
        if invitation.vendor.status != "published":  # suspended or hidden since it was added
            request.invitations.remove(invitation)
    for invitation in request.invitations:
        invitation.invited_at = now
        notices.invited(request, invitation)
    db.session.flush()
    return request


def cancel_request(buyer: User, request: QuoteRequest, now: datetime) -> QuoteRequest:
    """draft, open or closed -> cancelled; invited vendors are told."""
    _require_owner(buyer, request)
    was = request.status
    if was in ("awarded", "cancelled"):
        raise WorkflowError(f"This request is already {was}.")
    if not _conditional_update(
        QuoteRequest, request.id, ("draft", "open", "closed"), status="cancelled", cancelled_at=now
    ):
        raise WorkflowError("This request changed meanwhile; reload the page.")
    db.session.expire(request, ["status", "cancelled_at"])
    if was != "draft":
        notices.cancelled(request, _active_invitations(request))
    db.session.flush()
    return request


def close_request(buyer: User, request: QuoteRequest, now: datetime) -> QuoteRequest:
    """open -> closed early: no new quotes; the buyer can still award a submitted one."""
    _require_owner(buyer, request)
    if request.status != "open":
        raise WorkflowError(
            _closed_reason(request, now)
            if request.status != "closed"
            else "This request is already closed."
        )
    if not _conditional_update(QuoteRequest, request.id, ("open",), status="closed", closed_at=now):
        raise WorkflowError("This request changed meanwhile; reload the page.")
    db.session.expire(request, ["status", "closed_at"])
    notices.closed_by_buyer(request, _active_invitations(request))
    db.session.flush()
    return request


def extend_deadline(
    buyer: User, request: QuoteRequest, new_due: object, now: datetime
) -> QuoteRequest:
    """Move the quotes-due date later while the request is open; invited vendors are told."""
    _require_owner(buyer, request)
    if not accepting_quotes(request, now):
        raise WorkflowError(_closed_reason(request, now))
    try:
        due = _parse_deadline(new_due, now)
    except ParseError as exc:
        raise FieldErrors({"quotes_due_at": str(exc)}) from exc
    if due <= as_utc(request.quotes_due_at):
        raise FieldErrors({"quotes_due_at": "Choose a date after the current deadline."})
    values: dict[str, object] = {"quotes_due_at": due}
    if due - now > REMINDER_BEFORE:
        values["reminder_sent_at"] = None  # a new 24-hour reminder will be due
    result = db.session.execute(
        update(QuoteRequest)
        .where(
            QuoteRequest.id == request.id,
            QuoteRequest.status == "open",
            QuoteRequest.quotes_due_at > now,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise WorkflowError("Quoting on this request has just closed.")
    db.session.expire(request, ["quotes_due_at", "reminder_sent_at"])
    notices.deadline_extended(request, _active_invitations(request))
    db.session.flush()
    return request


# ---------------------------------------------------------------------------------------------
# Invitations


def _eligible_vendors(
    category: ServiceCategory, vendor_ids: Iterable[object], already: set[int]
) -> list[Vendor]:
    ids: list[int] = []
    try:
        for raw in vendor_ids:
            if _blank(raw):
                continue
            vid = parse_int(raw, min_value=1)
            if vid not in ids:
                ids.append(vid)
    except ParseError as exc:
        raise FieldErrors({"vendor_ids": "Choose vendors from the list."}) from exc
    if not ids:
        raise FieldErrors({"vendor_ids": "Choose at least one vendor to invite."})
    duplicates = [v for v in ids if v in already]
    if duplicates:
        raise FieldErrors({"vendor_ids": "Some of these vendors are already invited."})
    room = MAX_INVITATIONS - len(already)
    if len(ids) > room:
        raise FieldErrors(
            {
                "vendor_ids": f"A request can invite up to {MAX_INVITATIONS} vendors; "
                f"you can add {max(room, 0)} more."
            }
        )
    vendors = list(
        db.session.scalars(
            select(Vendor)
            .join(
                VendorService,
                and_(
                    VendorService.vendor_id == Vendor.id, VendorService.category_id == category.id
                ),
            )
            .where(Vendor.id.in_(ids), Vendor.status == "published")
        )
    )
    if len(vendors) != len(ids):
        raise FieldErrors(
            {
                "vendor_ids": f"Only published vendors that offer {category.name} can "
                "be invited; some of your choices do not."
            }
        )
    order = {vid: n for n, vid in enumerate(ids)}
    return sorted(vendors, key=lambda v: order[v.id])


def invite_vendors(
    buyer: User, request: QuoteRequest, vendor_ids: Iterable[object], now: datetime
) -> list[Invitation]:
    """Invite published vendors serving the category: 1 to 5 in all, no one twice."""
    _require_owner(buyer, request)
    if request.status != "draft" and not accepting_quotes(request, now):
        raise WorkflowError(_closed_reason(request, now))
    _hold_open_request(request, now, ("draft",) if request.status == "draft" else ("open",))
    already = set(
        db.session.scalars(select(Invitation.vendor_id).where(Invitation.request_id == request.id))
    )
    vendors = _eligible_vendors(request.category, vendor_ids, already)
    created = []
    for vendor in vendors:
        invitation = Invitation(vendor=vendor, status="invited", invited_at=now)
        request.invitations.append(invitation)
        created.append(invitation)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same vendor invited by a concurrent submission
        raise WorkflowError(
            "Some of these vendors were invited meanwhile; reload the page."
        ) from exc
    if request.status == "open":
        for invitation in created:
            notices.invited(request, invitation)
    db.session.flush()
    return created


def mark_viewed(vendor_user: User, invitation: Invitation, now: datetime) -> bool:
    """invited -> viewed, the first time the vendor opens the lead (the buyer sees it)."""
    _own_vendor(vendor_user, invitation)
    if invitation.status != "invited":
        return False
    if not _conditional_update(
        Invitation, invitation.id, ("invited",), status="viewed", viewed_at=now
    ):
        return False
    db.session.expire(invitation, ["status", "viewed_at"])
    return True


def _record_first_response(vendor: Vendor, invitation: Invitation, now: datetime) -> None:
    """Stamp the first response and recompute the vendor's median first-response hours."""
    if invitation.responded_at is not None:
        return
    invitation.responded_at = now
    db.session.flush()
    rows = db.session.execute(
        select(Invitation.invited_at, Invitation.responded_at)
        .join(QuoteRequest, QuoteRequest.id == Invitation.request_id)
        .where(
            Invitation.vendor_id == vendor.id,
            Invitation.responded_at.is_not(None),
            QuoteRequest.status != "draft",
        )
    ).all()
    hours = sorted(
        max(Decimal(int((as_utc(done) - as_utc(start)).total_seconds())), Decimal(0)) / 3600
        for start, done in rows
    )
    if not hours:
        return
    middle = len(hours) // 2
    median = hours[middle] if len(hours) % 2 else (hours[middle - 1] + hours[middle]) / 2
    vendor.median_response_hours = median.quantize(Decimal("0.01"))
    enqueue_vendor(vendor.id)


def decline_invitation(
    vendor_user: User, invitation: Invitation, reason: object, now: datetime
) -> Invitation:
    """invited/viewed -> declined, with a reason the buyer reads."""
    vendor = _own_vendor(vendor_user, invitation)
    request = invitation.request
    if invitation.status == "declined":
        raise WorkflowError("You have already declined this request.")
    if invitation.status == "quoted":
        raise WorkflowError("You have sent a quote: withdraw it instead of declining.")
    if invitation.status not in ("invited", "viewed") or not accepting_quotes(request, now):
        raise WorkflowError(_closed_reason(request, now))
    try:
        text = clean_text(reason, max_length=REASON_MAX, multiline=True)
    except ParseError as exc:
        raise FieldErrors({"reason": str(exc)}) from exc
    if not text:
        raise FieldErrors({"reason": "Tell the buyer briefly why, e.g. “not our region”."})
    _hold_open_request(request, now)
    if not _conditional_update(
        Invitation, invitation.id, ("invited", "viewed"), status="declined", decline_reason=text
    ):
        raise WorkflowError("This lead changed meanwhile; reload the page.")
    db.session.expire(invitation, ["status", "decline_reason"])
    _record_first_response(vendor, invitation, now)
    notices.declined(request, vendor, text)
    db.session.flush()
    return invitation


# ---------------------------------------------------------------------------------------------
# Quotes


@dataclass(frozen=True)
class QuoteInput:
    """A quote as typed into the form: raw values, parsed by :func:`parse_quote_input`."""

    pricing_model: object = ""
    unit_price: object = None
    hours_per_month: object = None
    setup_fee: object = None
    minimum_monthly: object = None
    currency: object = "USD"
    turnaround_hours: object = None
    accuracy_pct: object = None
    valid_until: object = None
    notes: object = ""


@dataclass(frozen=True)
class QuoteValues:
    """A parsed, valid quote."""

    pricing_model: str
    unit_price: Decimal
    hours_per_month: int | None
    setup_fee: Decimal
    minimum_monthly: Decimal
    currency: str
    turnaround_hours: int | None
    accuracy_pct: Decimal | None
    valid_until: date | None
    notes: str


def parse_quote_input(data: QuoteInput, now: datetime) -> QuoteValues:
    """Check every field of a quote; raises one FieldErrors naming each bad field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def attempt(key: str, fn: object) -> None:
        try:
            values[key] = fn()  # type: ignore[operator]
        except ParseError as exc:
            errors[key] = str(exc)

    def model() -> str:
        if data.pricing_model not in PRICING_MODELS:
            raise ParseError("Choose how you price this work.")
        return str(data.pricing_model)

    attempt("pricing_model", model)
    attempt(
        "unit_price",
        lambda: parse_money(data.unit_price, places=4, max_value=UNIT_PRICE_MAX, allow_zero=False),
    )

    def hours() -> int | None:
        if values.get("pricing_model") != "per_hour":
            return None
        if _blank(data.hours_per_month):
            raise ParseError("Hourly pricing needs the hours per month you expect.")
        return parse_int(
            data.hours_per_month,
            min_value=1,
            max_value=HOURS_PER_MONTH_MAX,
            label="number of hours",
        )

    attempt("hours_per_month", hours)
    attempt(
        "setup_fee",
        lambda: (
            Decimal(0) if _blank(data.setup_fee) else parse_money(data.setup_fee, max_value=FEE_MAX)
        ),
    )
    attempt(
        "minimum_monthly",
        lambda: (
            Decimal(0)
            if _blank(data.minimum_monthly)
            else parse_money(data.minimum_monthly, max_value=FEE_MAX)
        ),
    )
    attempt("currency", lambda: parse_currency(data.currency, current_rates().currencies))
    attempt(
        "turnaround_hours",
        lambda: (
            None
            if _blank(data.turnaround_hours)
            else parse_int(
                data.turnaround_hours,
                min_value=1,
                max_value=TURNAROUND_MAX,
                label="number of hours",
            )
        ),
    )

    def accuracy() -> Decimal | None:
        if _blank(data.accuracy_pct):
            return None
        pct = parse_money(data.accuracy_pct, max_value=Decimal(100))
        return pct

    attempt("accuracy_pct", accuracy)

    def valid_until() -> date | None:
        day = _parse_date(data.valid_until, "valid-until date")
        if day is not None and day < now.date():
            raise ParseError("That date has passed: a quote must be valid at least until today.")
        if day is not None and day > (now + VALID_UNTIL_MAX).date():
            raise ParseError("Choose a date within the next two years.")
        return day

    attempt("valid_until", valid_until)
    attempt("notes", lambda: clean_text(data.notes, max_length=NOTES_MAX, multiline=True))
    if errors:
        raise FieldErrors(errors)
    return QuoteValues(**values)  # type: ignore[arg-type]


def allowance(vendor: Vendor, now: datetime) -> tuple[int, int] | None:
    """(used, limit) of the free-plan monthly allowance; None for Pro (no allowance)."""
    if vendor.plan == "pro":
        return None
    limit = int(current_app.config.get("FREE_PLAN_MONTHLY_QUOTES", 5))
    used = db.session.scalar(
        select(QuoteAllowanceUsage.used).where(
            QuoteAllowanceUsage.vendor_id == vendor.id,
            QuoteAllowanceUsage.month == now.strftime("%Y-%m"),
        )
    )
    return int(used or 0), limit


def _consume_allowance(vendor: Vendor, now: datetime) -> None:
    """Take one quote from a free-plan vendor's month, or refuse (conditional UPDATE)."""
    limit = int(current_app.config.get("FREE_PLAN_MONTHLY_QUOTES", 5))
    month = now.strftime("%Y-%m")
    insert = _insert(QuoteAllowanceUsage)
    db.session.execute(
        insert.values(vendor_id=vendor.id, month=month, used=0).on_conflict_do_nothing(  # type: ignore[attr-defined]
            index_elements=["vendor_id", "month"]
        )
    )
    result = db.session.execute(
        update(QuoteAllowanceUsage)
        .where(
            QuoteAllowanceUsage.vendor_id == vendor.id,
            QuoteAllowanceUsage.month == month,
            QuoteAllowanceUsage.used < limit,
        )
        .values(used=QuoteAllowanceUsage.used + 1)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise WorkflowError(
            f"You have sent all {limit} quotes included in the free plan this month. "
            "Upgrade to Pro to quote without a limit, or revise a quote you have already sent.",
            upgrade=True,
        )


def current_quote(invitation: Invitation) -> Quote | None:
    """The latest version of the vendor's quote, whatever its status."""
    return invitation.quotes[-1] if invitation.quotes else None


def submit_quote(
    vendor_user: User, invitation: Invitation, data: QuoteInput, now: datetime
) -> Quote:
    """Send a quote, or revise it (a new version supersedes the old one) while quoting is open."""
    vendor = _own_vendor(vendor_user, invitation)
    request = invitation.request
    if vendor.status != "published":
        raise WorkflowError("Your profile is not published, so you cannot quote right now.")
    if invitation.status == "declined":
        raise WorkflowError("You declined this request.")
    if invitation.status not in ("invited", "viewed", "quoted") or not accepting_quotes(
        request, now
    ):
        raise WorkflowError(_closed_reason(request, now))
    values = parse_quote_input(data, now)
    _hold_open_request(request, now)

    latest_version = (
        db.session.scalar(
            select(func.max(Quote.version)).where(Quote.invitation_id == invitation.id)
        )
        or 0
    )
    version = latest_version + 1
    if version == 1 and vendor.plan != "pro":
        _consume_allowance(vendor, now)
    previous = current_quote(invitation)
    if previous is not None and previous.status == "submitted":
        if not _conditional_update(
            Quote, previous.id, ("submitted",), status="superseded", decided_at=now
        ):
            raise WorkflowError("Your quote changed meanwhile; reload the page.")
        db.session.expire(previous, ["status", "decided_at"])
    quote = Quote(
        invitation=invitation,
        request_id=request.id,
        version=version,
        pricing_model=values.pricing_model,
        unit_price=values.unit_price,
        hours_per_month=values.hours_per_month,
        setup_fee=values.setup_fee,
        minimum_monthly=values.minimum_monthly,
        currency=values.currency,
        turnaround_hours=values.turnaround_hours,
        accuracy_pct=values.accuracy_pct,
        valid_until=values.valid_until,
        notes=values.notes,
        status="submitted",
        created_at=now,
    )
    db.session.add(quote)
    if invitation.status != "quoted":
        invitation.status = "quoted"
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent revision took this version number
        raise WorkflowError("Your quote changed meanwhile; reload the page.") from exc
    _record_first_response(vendor, invitation, now)
    notices.quote_received(request, vendor, version)
    db.session.flush()
    return quote


def withdraw_quote(vendor_user: User, quote: Quote, now: datetime) -> Quote:
    """submitted -> withdrawn, any time before the award."""
    invitation = quote.invitation
    vendor = _own_vendor(vendor_user, invitation)
    request = invitation.request
    if quote.status != "submitted":
        raise WorkflowError(
            "Only a quote that is waiting for the buyer's decision can be withdrawn."
        )
    if request.status not in OPEN_FOR_AWARD:
        raise WorkflowError(_closed_reason(request, now))
    if not _conditional_update(Quote, quote.id, ("submitted",), status="withdrawn", decided_at=now):
        raise WorkflowError("The buyer has just decided on this quote; reload the page.")
    db.session.expire(quote, ["status", "decided_at"])
    notices.quote_withdrawn(request, vendor)
    db.session.flush()
    return quote


def award_quote(buyer: User, quote: Quote, now: datetime) -> Quote:
    """Accept one quote, atomically and exactly once; the rest are rejected, everyone told.

    The request moves open/closed -> awarded with a conditional UPDATE (only one of two racing
    accepts sees rowcount 1), and the partial unique index on accepted quotes backs it up.
    """
    request = db.session.get(QuoteRequest, quote.request_id)
    assert request is not None
    _require_owner(buyer, request)
    if request.status not in OPEN_FOR_AWARD:
        raise WorkflowError(_closed_reason(request, now))
    if quote.status != "submitted":
        raise WorkflowError(
            {
                "superseded": "This version was replaced by a newer one; award the latest version.",
                "withdrawn": "The vendor withdrew this quote.",
                "expired": "This quote has expired.",
                "accepted": "This quote has already been accepted.",
                "rejected": "This quote was rejected.",
            }.get(quote.status, "This quote cannot be accepted.")
        )
    if quote_is_expired(quote, now):
        raise WorkflowError(
            "This quote has passed its valid-until date. Ask the vendor to revise it."
        )

    if not _conditional_update(
        QuoteRequest, request.id, OPEN_FOR_AWARD, status="awarded", awarded_at=now
    ):
        raise WorkflowError("This request has already been awarded or is no longer open.")
    try:
        accepted = _conditional_update(
            Quote, quote.id, ("submitted",), status="accepted", decided_at=now
        )
    except IntegrityError as exc:  # uq_quotes_one_accepted_per_request: another accept won
        raise WorkflowError("This request has already been awarded.") from exc
    if not accepted:
        raise WorkflowError("The vendor changed this quote meanwhile; reload the page.")
    db.session.execute(
        update(Quote)
        .where(Quote.request_id == request.id, Quote.status == "submitted", Quote.id != quote.id)
        .values(status="rejected", decided_at=now)
        .execution_options(synchronize_session=False)
    )
    winner_id = quote.invitation_id
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == winner_id)
        .values(status="won")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.request_id == request.id,
            Invitation.id != winner_id,
            Invitation.status != "declined",
        )
        .values(status="lost")
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    winner = db.session.get(Invitation, winner_id)
    assert winner is not None
    losers = [i for i in request.invitations if i.status == "lost"]
    notices.awarded(request, winner, losers)
    db.session.flush()
    return quote


# ---------------------------------------------------------------------------------------------
# The tick: deadlines, expiry, reminders


@dataclass(frozen=True)
class TickReport:
    closed: int
    expired: int
    reminded: int

    def __str__(self) -> str:
        return (
            f"closed {self.closed} request(s), expired {self.expired} quote(s), "
            f"sent {self.reminded} deadline reminder(s)"
        )


def tick(now: datetime) -> TickReport:
    """Close requests past their deadline, expire quotes past valid_until, send 24-hour reminders.

    Idempotent and safe to run concurrently: each change is a conditional UPDATE and only the run
    that made it (rowcount 1) sends the notification.
    """
    closed = 0
    due_ids = db.session.scalars(
        select(QuoteRequest.id).where(
            QuoteRequest.status == "open", QuoteRequest.quotes_due_at <= now
        )
    ).all()
    for request_id in due_ids:
        result = db.session.execute(
            update(QuoteRequest)
            .where(
                QuoteRequest.id == request_id,
                QuoteRequest.status == "open",
                QuoteRequest.quotes_due_at <= now,
            )
            .values(status="closed", closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) == 1:
            closed += 1
            request = db.session.get(QuoteRequest, request_id)
            assert request is not None
            db.session.refresh(request)
            count = (
                db.session.scalar(
                    select(func.count(Quote.id)).where(
                        Quote.request_id == request_id, Quote.status == "submitted"
                    )
                )
                or 0
            )
            notices.closed_by_deadline(request, int(count))

    expired = 0
    stale = db.session.scalars(
        select(Quote.id).where(Quote.status == "submitted", Quote.valid_until < now.date())
    ).all()
    for quote_id in stale:
        if _conditional_update(Quote, quote_id, ("submitted",), status="expired", decided_at=now):
            expired += 1
            quote = db.session.get(Quote, quote_id)
            assert quote is not None
            db.session.refresh(quote)
            notices.quote_expired(quote.invitation.request, quote.invitation)

    reminded = 0
    soon = db.session.scalars(
        select(QuoteRequest.id).where(
            QuoteRequest.status == "open",
            QuoteRequest.reminder_sent_at.is_(None),
            QuoteRequest.quotes_due_at > now,
            QuoteRequest.quotes_due_at <= now + REMINDER_BEFORE,
        )
    ).all()
    for request_id in soon:
        result = db.session.execute(
            update(QuoteRequest)
            .where(
                QuoteRequest.id == request_id,
                QuoteRequest.reminder_sent_at.is_(None),
                QuoteRequest.status == "open",
            )
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            continue
        request = db.session.get(QuoteRequest, request_id)
        assert request is not None
        db.session.refresh(request)
        for invitation in request.invitations:
            if invitation.status in ("invited", "viewed"):
                notices.deadline_soon(request, invitation)
                reminded += 1
    db.session.flush()
    return TickReport(closed=closed, expired=expired, reminded=reminded)
