"""Moderation: vendor profiles, certifications and flags. Every admin action is one function here
(reviews: ``marketplace.reviews.services``) that checks the actor and the state, changes the rows
with a conditional UPDATE, writes its ``AuditLog`` row and the vendor's mail and notification in
the same transaction, and flushes; the request commits once.

Every vendor status change queues the vendor for the search index (``enqueue_vendor``), which the
after-commit hook applies: a suspended vendor leaves search as soon as the suspension commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.admin.audit import record
from marketplace.admin.models import Flag
from marketplace.directory.models import Vendor, VendorCertification
from marketplace.extensions import db
from marketplace.notify.services import notify_user, queue_email
from marketplace.parsing import FieldErrors, ParseError, clean_text
from marketplace.reviews import services as reviews
from marketplace.reviews.models import Review
from marketplace.search.services import enqueue_vendor
from marketplace.urls import external_url

REASON_MIN, REASON_MAX = 5, 1000
FLAG_REASON_MIN, FLAG_REASON_MAX = 10, 2000
FLAG_ACTIONS = {
    "dismiss": "Dismiss (no action needed)",
    "hide_review": "Hide the review",
    "suspend_vendor": "Suspend the vendor",
}


class ModerationError(Exception):
    """The action does not fit the current state; ``str(err)`` is safe to show."""


def _require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise PermissionError("admin only")


def _reason(
    value: object,
    *,
    required: bool = True,
    name: str = "reason",
    minimum: int = REASON_MIN,
    maximum: int = REASON_MAX,
) -> str:
    try:
        text = clean_text(value, max_length=maximum, multiline=True)
    except ParseError as exc:
        raise FieldErrors({name: str(exc)}) from exc
    if required and len(text) < minimum:
        raise FieldErrors({name: f"Give a reason of at least {minimum} characters."})
    return text


# --- vendor profiles -------------------------------------------------------------------------

_VENDOR_MAIL = {
    "published": (
        "Your profile is published",
        "Good news: {name} is now listed on Sourcewise and buyers can invite you to quote.",
    ),
    "rejected": (
        "Your profile was not approved",
        "We could not publish {name}. The reason:\n\n{reason}",
    ),
    "draft": (
        "Changes needed before we publish your profile",
        "Please update {name} and submit it again. What to change:\n\n{reason}",
    ),
    "suspended": (
        "Your profile is suspended",
        "{name} is suspended: it is hidden from buyers and search, and cannot receive new "
        "invitations. The reason:\n\n{reason}\n\n"
        "Reply to this mail if you think this is a mistake.",
    ),
    "reinstated": (
        "Your profile is reinstated",
        "{name} is listed again: buyers can find it and invite you to quote.\n\n{reason}",
    ),
}


def _change_vendor_status(
    admin: User,
    vendor: Vendor,
    *,
    expected: tuple[str, ...],
    status: str,
    action: str,
    reason: str,
    mail_key: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> Vendor:
    """Conditional UPDATE of the status, audit row, search queue, mail and notification."""
    _require_admin(admin)
    before = {"status": vendor.status, "status_reason": vendor.status_reason}
    values: dict[str, Any] = {"status": status, "status_reason": reason, "updated_at": now}
    if status == "published" and vendor.published_at is None:
        values["published_at"] = now
    result = db.session.execute(
        update(Vendor)
        .where(Vendor.id == vendor.id, Vendor.status.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(vendor)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ModerationError(
            f"{vendor.name} is {vendor.status} now, so it cannot be changed this way; "
            "someone may have acted on it already."
        )
    record(
        admin,
        action,
        "vendor",
        vendor.id,
        before=before,
        after={"status": status, "status_reason": reason},
        **(extra or {}),
    )
    enqueue_vendor(vendor.id)
    _tell_vendor(vendor, mail_key, reason)
    db.session.flush()
    return vendor


def _tell_vendor(vendor: Vendor, key: str, reason: str) -> None:
    owner = db.session.get(User, vendor.owner_id) if vendor.owner_id else None
    if owner is None:
        return
    subject, body = _VENDOR_MAIL[key]
    text = body.format(name=vendor.name, reason=reason or "")
    dashboard = external_url("accounts.dashboard")
    queue_email(owner.email, subject, f"Hello {owner.display_name},\n\n{text}\n\n{dashboard}\n")
    notify_user(
        owner.id,
        f"vendor.{key}",
        f"{subject}." + (f" {reason}" if reason else ""),
        reviews.link("accounts.dashboard"),
    )


def approve_vendor(admin: User, vendor: Vendor, now: datetime) -> Vendor:
    """Publish a profile waiting for review."""
    return _change_vendor_status(
        admin,
        vendor,
        expected=("pending",),
        status="published",
        action="vendor.approve",
        reason="",
        mail_key="published",
        now=now,
    )


def reject_vendor(admin: User, vendor: Vendor, reason: object, now: datetime) -> Vendor:
    """Refuse a profile waiting for review; the vendor sees the reason."""
    return _change_vendor_status(
        admin,
        vendor,
        expected=("pending",),
        status="rejected",
        action="vendor.reject",
        reason=_reason(reason),
        mail_key="rejected",
        now=now,
    )


def request_vendor_changes(admin: User, vendor: Vendor, message: object, now: datetime) -> Vendor:
    """Send a pending profile back to draft with what to change; the vendor resubmits it."""
    return _change_vendor_status(
        admin,
        vendor,
        expected=("pending",),
        status="draft",
        action="vendor.request_changes",
        reason=_reason(message, name="message"),
        mail_key="draft",
        now=now,
    )


def suspend_vendor(
    admin: User, vendor: Vendor, reason: object, now: datetime, *, flag_id: int | None = None
) -> Vendor:
    """Hide a published vendor from the public and search, stop new invitations, tell it why."""
    extra = {"flag_id": flag_id} if flag_id is not None else None
    return _change_vendor_status(
        admin,
        vendor,
        expected=("published",),
        status="suspended",
        action="vendor.suspend",
        reason=_reason(reason),
        mail_key="suspended",
        now=now,
        extra=extra,
    )


def reinstate_vendor(admin: User, vendor: Vendor, reason: object, now: datetime) -> Vendor:
    """Undo a suspension: the vendor is public, searchable and invitable again."""
    note = _reason(reason)
    vendor = _change_vendor_status(
        admin,
        vendor,
        expected=("suspended",),
        status="published",
        action="vendor.reinstate",
        reason="",
        mail_key="reinstated",
        now=now,
        extra={"reason": note},
    )
    return vendor


def set_vendor_verified(
    admin: User, vendor: Vendor, verified: bool, note: object, now: datetime
) -> Vendor:
    """Grant or remove the "Verified" badge (the company's identity and registration were checked).

    The note says what was checked (company registry entry, call with a director, ...); it is
    required, because a badge buyers rely on must be explainable from the audit log.
    """
    _require_admin(admin)
    reason = _reason(note)
    result = db.session.execute(
        update(Vendor)
        .where(Vendor.id == vendor.id, Vendor.verified.is_(not verified))
        .values(verified=verified, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(vendor)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        state = "verified" if vendor.verified else "not verified"
        raise ModerationError(f"{vendor.name} is already {state}.")
    record(
        admin,
        "vendor.verify" if verified else "vendor.unverify",
        "vendor",
        vendor.id,
        before={"verified": not verified},
        after={"verified": verified},
        note=reason,
    )
    enqueue_vendor(vendor.id)
    db.session.flush()
    return vendor


# --- certifications ----------------------------------------------------------------------------


def certification_state(link: VendorCertification, today: date) -> str:
    """ "verified", "expired" (verified, past its expiry date) or "claimed", for badges."""
    if link.status != "verified":
        return "claimed"
    if link.expires_on is not None and link.expires_on < today:
        return "expired"
    return "verified"


def _cert_snapshot(link: VendorCertification) -> dict[str, Any]:
    return {
        "status": link.status,
        "evidence_note": link.evidence_note,
        "expires_on": link.expires_on.isoformat() if link.expires_on else None,
    }


def _cert_details(link: VendorCertification) -> dict[str, Any]:
    return {"certification_id": link.certification_id, "certification": link.certification.slug}


def _expiry(value: object, today: date) -> date | None:
    if value is None or isinstance(value, date):
        expires_on = value
    else:
        text = str(value).strip()
        try:
            expires_on = date.fromisoformat(text) if text else None
        except ValueError:
            raise FieldErrors({"expires_on": "Use a date like 2027-06-30."}) from None
    if expires_on is not None and expires_on < today:
        raise FieldErrors({"expires_on": "That date has passed: the certificate has expired."})
    return expires_on


def verify_certification(
    admin: User,
    link: VendorCertification,
    evidence_note: object,
    expires_on: object,
    now: datetime,
) -> VendorCertification:
    """Mark a claimed certification verified (or renew a verified one's evidence and expiry).

    ``expires_on`` is a ``date``, an ISO date string as typed, or empty for "does not expire".
    """
    _require_admin(admin)
    errors: dict[str, str] = {}
    note = expiry = None
    try:
        note = _reason(evidence_note, required=False, name="evidence_note")
    except FieldErrors as exc:
        errors.update(exc.errors)
    try:
        expiry = _expiry(expires_on, now.date())
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    before = _cert_snapshot(link)
    link.status = "verified"
    link.evidence_note = note or ""
    link.expires_on = expiry
    link.verified_at = now
    link.verified_by_id = admin.id
    # The link has a composite key: the audit row targets the vendor (so it shows in the
    # vendor's history) and names the certification in its details.
    record(
        admin,
        "certification.verify",
        "vendor",
        link.vendor_id,
        before=before,
        after=_cert_snapshot(link),
        **_cert_details(link),
    )
    enqueue_vendor(link.vendor_id)
    db.session.flush()
    return link


def revoke_certification(
    admin: User, link: VendorCertification, reason: object, now: datetime
) -> VendorCertification:
    """Take a verification back: the certification shows as claimed again."""
    _require_admin(admin)
    note = _reason(reason)
    if link.status != "verified":
        raise ModerationError("That certification is not verified.")
    before = _cert_snapshot(link)
    link.status = "claimed"
    link.verified_at = None
    link.verified_by_id = None
    record(
        admin,
        "certification.revoke",
        "vendor",
        link.vendor_id,
        before=before,
        after=_cert_snapshot(link),
        reason=note,
        **_cert_details(link),
    )
    enqueue_vendor(link.vendor_id)
    db.session.flush()
    return link


# --- flags ---------------------------------------------------------------------------------------


def flag_target(reporter: User, target: Vendor | Review, reason: object, now: datetime) -> Flag:
    """Any signed-in user reports a public vendor or review; one open flag per person and target."""
    if isinstance(target, Vendor):
        target_type, visible = "vendor", target.status == "published"
    else:
        target_type, visible = "review", target.status == "published"
    if not visible:
        raise ModerationError("Only public profiles and reviews can be reported.")
    text = _reason(reason, minimum=FLAG_REASON_MIN, maximum=FLAG_REASON_MAX)
    duplicate = db.session.scalar(
        select(func.count(Flag.id)).where(
            Flag.reporter_id == reporter.id,
            Flag.target_type == target_type,
            Flag.target_id == target.id,
            Flag.status == "open",
        )
    )
    if duplicate:
        raise ModerationError("You have already reported this; an admin will look at it.")
    flag = Flag(
        reporter_id=reporter.id,
        target_type=target_type,
        target_id=target.id,
        reason=text,
        status="open",
        created_at=now,
    )
    db.session.add(flag)
    db.session.flush()
    return flag


def flag_target_object(flag: Flag) -> Vendor | Review | None:
    """The vendor or review a flag is about (None when it was deleted)."""
    if flag.target_type == "vendor":
        return db.session.get(Vendor, flag.target_id)
    return db.session.get(Review, flag.target_id)


@dataclass(frozen=True)
class FlagResolution:
    """What resolving a flag did: the flags it closed (duplicates too) and the object acted on."""

    flags: list[Flag]
    action: str


def resolve_flag(
    admin: User, flag: Flag, action: str, note: object, now: datetime
) -> FlagResolution:
    """Close an open flag by dismissing it, hiding the review or suspending the vendor.

    Other open flags on the same target are closed with it (the admin has judged the target);
    each closed flag gets its own audit row, and the hide or suspension writes its own too.
    """
    _require_admin(admin)
    if action not in FLAG_ACTIONS:
        raise FieldErrors({"action": "Choose what to do about this report."})
    text = _reason(note, required=action != "dismiss", name="note")
    if flag.status != "open":
        raise ModerationError("This flag is already resolved.")
    target = flag_target_object(flag)
    if action == "hide_review":
        if not isinstance(target, Review):
            raise FieldErrors({"action": "Only a flagged review can be hidden."})
        if target.status not in ("hidden",):
            reviews.hide_review(admin, target, text, now)
    elif action == "suspend_vendor":
        vendor = (
            target
            if isinstance(target, Vendor)
            else (db.session.get(Vendor, target.vendor_id) if target is not None else None)
        )
        if vendor is None:
            raise FieldErrors({"action": "The flagged vendor no longer exists."})
        if vendor.status != "suspended":
            suspend_vendor(admin, vendor, text, now, flag_id=flag.id)
    open_ids = list(
        db.session.scalars(
            select(Flag.id)
            .where(
                Flag.target_type == flag.target_type,
                Flag.target_id == flag.target_id,
                Flag.status == "open",
            )
            .order_by(Flag.id)
        )
    )
    result = db.session.execute(
        update(Flag)
        .where(Flag.id.in_(open_ids), Flag.status == "open")
        .values(
            status="resolved",
            resolution=action,
            resolution_note=text,
            resolved_by_id=admin.id,
            resolved_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if flag.id not in open_ids or result.rowcount != len(open_ids):  # type: ignore[attr-defined]
        raise ModerationError("Someone resolved this flag at the same time; reload the queue.")
    closed = list(db.session.scalars(select(Flag).where(Flag.id.in_(open_ids))))
    for item in closed:
        db.session.refresh(item)
        record(
            admin,
            "flag.resolve",
            "flag",
            item.id,
            before={"status": "open"},
            after={"status": "resolved", "resolution": action},
            note=text,
            flagged_type=item.target_type,
            flagged_id=item.target_id,
        )
    db.session.flush()
    return FlagResolution(flags=closed, action=action)


# --- the queue -----------------------------------------------------------------------------------

QUEUE_TABS = {
    "vendors": "Profiles",
    "reviews": "Reviews",
    "flags": "Flags",
    "certifications": "Certifications",
}


def queue_counts() -> dict[str, int]:
    """How many items wait in each tab of the moderation queue."""

    def count(stmt: Any) -> int:
        return int(db.session.scalar(stmt) or 0)

    return {
        "vendors": count(select(func.count(Vendor.id)).where(Vendor.status == "pending")),
        "reviews": count(select(func.count(Review.id)).where(Review.status == "pending")),
        "flags": count(select(func.count(Flag.id)).where(Flag.status == "open")),
        "certifications": count(
            select(func.count())
            .select_from(VendorCertification)
            .join(Vendor, Vendor.id == VendorCertification.vendor_id)
            .where(
                VendorCertification.status == "claimed", Vendor.status.in_(("pending", "published"))
            )
        ),
    }


def queue_items(tab: str, page: int, per_page: int = 20) -> tuple[list[Any], int]:
    """One page of a queue tab, oldest first (first come, first served), and the page count."""
    options: tuple[Any, ...]
    if tab == "vendors":
        stmt: Any = (
            select(Vendor).where(Vendor.status == "pending").order_by(Vendor.updated_at, Vendor.id)
        )
        options = (selectinload(Vendor.services), selectinload(Vendor.certifications))
    elif tab == "reviews":
        stmt = (
            select(Review).where(Review.status == "pending").order_by(Review.created_at, Review.id)
        )
        options = (selectinload(Review.vendor), selectinload(Review.buyer))
    elif tab == "flags":
        stmt = select(Flag).where(Flag.status == "open").order_by(Flag.created_at, Flag.id)
        options = (selectinload(Flag.reporter),)
    elif tab == "certifications":
        options = (
            selectinload(VendorCertification.vendor),
            selectinload(VendorCertification.certification),
        )
        stmt = (
            select(VendorCertification)
            .join(Vendor, Vendor.id == VendorCertification.vendor_id)
            .where(
                VendorCertification.status == "claimed", Vendor.status.in_(("pending", "published"))
            )
            .order_by(Vendor.name, VendorCertification.certification_id)
        )
    else:
        raise ValueError(tab)
    total = int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(stmt.options(*options).limit(per_page).offset((page - 1) * per_page))
    )
    return items, pages
