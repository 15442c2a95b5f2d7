"""Review rules: who may review, moderation of reviews, the vendor's reply and the aggregates.

A review exists only for an awarded request, written by that request's buyer about the vendor
whose quote was accepted, once per request. It starts pending; an admin publishes or rejects it
(or the site publishes it at once when ``AUTO_PUBLISH_VERIFIED_REVIEWS`` is on). Whenever the
set of published reviews of a vendor changes, its ``rating_avg`` and ``review_count`` are
recomputed in the same transaction and the vendor is queued for re-indexing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.admin.audit import record
from marketplace.directory.models import Vendor
from marketplace.extensions import db
from marketplace.notify.services import notify_user
from marketplace.parsing import FieldErrors, ParseError, clean_text, parse_int
from marketplace.quotes.models import Invitation, Quote, QuoteRequest
from marketplace.reviews.models import SUB_RATINGS, Review
from marketplace.search.services import enqueue_vendor
from marketplace.urls import external_url

BODY_MIN, BODY_MAX = 50, 5000
TITLE_MAX = 120
REPLY_MIN, REPLY_MAX = 2, 3000
NOTE_MAX = 1000
PER_PAGE = 10
RATING_FIELDS = ("overall", *SUB_RATINGS)


class ReviewError(Exception):
    """A review action that is not allowed now; ``str(err)`` is safe to show."""


class NotEligible(ReviewError):
    """This buyer may not review this request (not awarded, already reviewed, ...)."""


class StateConflict(ReviewError):
    """The review is no longer in the state the action expects (someone else acted first)."""


@dataclass(frozen=True)
class ReviewInput:
    """What the buyer typed, as typed; ``submit_review`` parses and checks it."""

    overall: object
    quality: object
    communication: object
    value: object
    timeliness: object
    body: object
    title: object = ""


def link(endpoint: str, **values: Any) -> str:
    """A site-relative link inside a request, an absolute one from a CLI command."""
    if has_request_context():
        return url_for(endpoint, **values)
    return external_url(endpoint, **values)


# --- eligibility -----------------------------------------------------------------------------


def winning_vendor(request: QuoteRequest) -> Vendor | None:
    """The vendor whose quote was accepted on an awarded request (None before the award)."""
    if request.status != "awarded":
        return None
    return db.session.execute(
        select(Vendor)
        .join(Invitation, Invitation.vendor_id == Vendor.id)
        .join(Quote, Quote.invitation_id == Invitation.id)
        .where(Quote.request_id == request.id, Quote.status == "accepted")
    ).scalar_one_or_none()


def check_eligibility(buyer: User, request: QuoteRequest) -> Vendor:
    """The vendor ``buyer`` may review for ``request``; raises :class:`NotEligible` otherwise."""
    if buyer.role != "buyer" or request.buyer_id != buyer.id:
        raise NotEligible("Only the buyer who posted this request can review it.")
    if request.status != "awarded":
        raise NotEligible("You can review a vendor once you have awarded this request to it.")
    vendor = winning_vendor(request)
    if vendor is None:  # awarded without an accepted quote: data we must not trust
        raise NotEligible("This request has no accepted quote to review.")
    if existing_review(request) is not None:
        raise NotEligible("You have already reviewed this request: one review per request.")
    return vendor


def existing_review(request: QuoteRequest) -> Review | None:
    """The review written for ``request``, whatever its status."""
    return db.session.execute(
        select(Review).where(Review.request_id == request.id)
    ).scalar_one_or_none()


def parse_review(data: ReviewInput) -> dict[str, Any]:
    """Ratings 1-5 and a text of 50-5,000 characters; every failure collected at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in RATING_FIELDS:
        raw = getattr(data, name)
        try:
            values[name] = parse_int(
                raw if raw not in (None, "") else None, min_value=1, max_value=5, label="rating"
            )
        except ParseError:
            errors[name] = "Choose a rating from 1 to 5 stars."
    try:
        values["title"] = clean_text(data.title, max_length=TITLE_MAX)
    except ParseError as exc:
        errors["title"] = str(exc)
    try:
        body = clean_text(data.body, max_length=BODY_MAX, multiline=True)
    except ParseError as exc:
        errors["body"] = str(exc)
    else:
        if len(body) < BODY_MIN:
            errors["body"] = (
                f"Write at least {BODY_MIN} characters (you have {len(body)}): what went well, "
                "what did not, and would you hire them again?"
            )
        values["body"] = body
    if errors:
        raise FieldErrors(errors)
    return values


def submit_review(
    buyer: User,
    request: QuoteRequest,
    data: ReviewInput,
    now: datetime,
    *,
    auto_publish: bool = False,
) -> Review:
    """The buyer reviews the winner of an awarded request; pending unless ``auto_publish``."""
    vendor = check_eligibility(buyer, request)
    values = parse_review(data)
    review = Review(
        vendor_id=vendor.id,
        buyer_id=buyer.id,
        request_id=request.id,
        verified=True,
        status="pending",
        created_at=now,
        **values,
    )
    db.session.add(review)
    db.session.flush()  # the unique request_id refuses a second review from a racing submit
    if auto_publish:
        _publish(None, review, now, action="review.auto_publish")
    return review


# --- moderation (admin) ------------------------------------------------------------------------


def _transition(review: Review, expected: tuple[str, ...], **values: Any) -> str:
    """Conditional UPDATE from an expected status; returns the status it left."""
    before = review.status
    result = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.status.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(review)
        raise StateConflict(
            f"This review is {review.status} now; someone may have moderated it already."
        )
    db.session.refresh(review)
    return before


def _require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise PermissionError("admin only")


def _note(value: object, *, required: bool, field_name: str = "reason") -> str:
    try:
        text = clean_text(value, max_length=NOTE_MAX, multiline=True)
    except ParseError as exc:
        raise FieldErrors({field_name: str(exc)}) from exc
    if required and len(text) < 5:
        raise FieldErrors({field_name: "Give a reason of at least 5 characters."})
    return text


def _publish(admin: User | None, review: Review, now: datetime, *, action: str) -> Review:
    before = _transition(review, ("pending",), status="published", published_at=now)
    recompute_vendor_rating(review.vendor_id)
    record(
        admin,
        action,
        "review",
        review.id,
        before={"status": before},
        after={"status": "published"},
        vendor_id=review.vendor_id,
    )
    vendor = db.session.get(Vendor, review.vendor_id)
    if vendor is not None and vendor.owner_id is not None:
        notify_user(
            vendor.owner_id,
            "review.published",
            f"A new {review.overall}-star review of {vendor.name} is published.",
            link("reviews.vendor_reviews"),
        )
    if review.buyer_id is not None:
        notify_user(
            review.buyer_id,
            "review.published",
            "Your review is published. Thank you for helping other buyers.",
        )
    db.session.flush()
    return review


def publish_review(admin: User, review: Review, now: datetime) -> Review:
    """Admin publishes a pending review; the vendor's rating follows in the same transaction."""
    _require_admin(admin)
    return _publish(admin, review, now, action="review.publish")


def reject_review(admin: User, review: Review, reason: object, now: datetime) -> Review:
    """Admin rejects a pending review with a reason the buyer is told."""
    _require_admin(admin)
    note = _note(reason, required=True)
    before = _transition(review, ("pending",), status="rejected", moderation_note=note)
    recompute_vendor_rating(review.vendor_id)
    record(
        admin,
        "review.reject",
        "review",
        review.id,
        before={"status": before},
        after={"status": "rejected"},
        reason=note,
        vendor_id=review.vendor_id,
    )
    if review.buyer_id is not None:
        notify_user(review.buyer_id, "review.rejected", f"Your review was not published: {note}")
    db.session.flush()
    return review


def hide_review(admin: User, review: Review, reason: object, now: datetime) -> Review:
    """Admin hides a published (or pending) review; it leaves the profile and the rating."""
    _require_admin(admin)
    note = _note(reason, required=True)
    before = _transition(review, ("published", "pending"), status="hidden", moderation_note=note)
    recompute_vendor_rating(review.vendor_id)
    record(
        admin,
        "review.hide",
        "review",
        review.id,
        before={"status": before},
        after={"status": "hidden"},
        reason=note,
        vendor_id=review.vendor_id,
    )
    db.session.flush()
    return review


def recompute_vendor_rating(vendor_id: int) -> None:
    """Set the vendor's average overall rating and count from its published reviews."""
    db.session.flush()
    count, total = db.session.execute(
        select(func.count(Review.id), func.coalesce(func.sum(Review.overall), 0)).where(
            Review.vendor_id == vendor_id, Review.status == "published"
        )
    ).one()
    average = (
        (Decimal(int(total)) / Decimal(int(count))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if count
        else None
    )
    db.session.execute(
        update(Vendor)
        .where(Vendor.id == vendor_id)
        .values(rating_avg=average, review_count=int(count))
        .execution_options(synchronize_session=False)
    )
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is not None:
        db.session.refresh(vendor, ["rating_avg", "review_count"])
    enqueue_vendor(vendor_id)


# --- the vendor's reply ----------------------------------------------------------------------


def reply_to_review(vendor_user: User, review: Review, text: object, now: datetime) -> Review:
    """The reviewed vendor answers a published review publicly, once."""
    vendor = db.session.get(Vendor, review.vendor_id)
    if vendor is None or vendor_user.role != "vendor" or vendor.owner_id != vendor_user.id:
        raise PermissionError("only the reviewed vendor may reply")
    if review.status != "published":
        raise ReviewError("You can reply once the review is published.")
    try:
        body = clean_text(text, max_length=REPLY_MAX, multiline=True)
    except ParseError as exc:
        raise FieldErrors({"body": str(exc)}) from exc
    if len(body) < REPLY_MIN:
        raise FieldErrors({"body": "Write your reply."})
    result = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.vendor_reply == "")
        .values(vendor_reply=body, vendor_replied_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(review)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError("You have already replied to this review: one reply per review.")
    return review


# --- what the profile shows --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSummary:
    """A vendor's published reviews for its profile: figures plus one page, newest first."""

    count: int
    average: Decimal | None
    distribution: dict[int, int]  # stars (5..1) -> number of reviews
    sub_averages: dict[str, Decimal | None]  # quality, communication, value, timeliness
    reviews: list[Review] = field(default_factory=list)
    page: int = 1
    pages: int = 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def share(self, stars: int) -> int:
        """Percentage of reviews with ``stars`` (whole number, for the bars)."""
        return round(100 * self.distribution.get(stars, 0) / self.count) if self.count else 0


def page_number(value: object) -> int:
    """A page number from a query argument; anything odd is page 1."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 1)
    text = str(value or "").strip()
    return max(int(text), 1) if text.isascii() and text.isdigit() and len(text) < 7 else 1


def profile_reviews(vendor: Vendor, page: object = 1, per_page: int = PER_PAGE) -> ReviewSummary:
    """Rating distribution, sub-rating averages and one page of published reviews, newest first.

    ``page`` may be the raw query argument (``request.args.get("reviews_page")``); a page past
    the end shows the last one.
    """
    published = (Review.vendor_id == vendor.id, Review.status == "published")
    distribution = {stars: 0 for stars in range(5, 0, -1)}
    for stars, n in db.session.execute(
        select(Review.overall, func.count()).where(*published).group_by(Review.overall)
    ):
        distribution[int(stars)] = int(n)
    count = sum(distribution.values())
    sums = db.session.execute(
        select(
            *(func.coalesce(func.sum(getattr(Review, name)), 0) for name in RATING_FIELDS)
        ).where(*published)
    ).one()
    averages = {
        name: (Decimal(int(total)) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if count
        else None
        for name, total in zip(RATING_FIELDS, sums, strict=True)
    }
    pages = max(1, -(-count // per_page))
    page = min(page_number(page), pages)
    reviews = list(
        db.session.scalars(
            select(Review)
            .where(*published)
            .options(selectinload(Review.buyer))
            .order_by(Review.published_at.desc(), Review.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    overall = averages.pop("overall")
    return ReviewSummary(
        count=count,
        average=overall,
        distribution=distribution,
        sub_averages=averages,
        reviews=reviews,
        page=page,
        pages=pages,
    )


def reviewable_requests(buyer: User) -> dict[int, Review | None]:
    """For each awarded request of ``buyer``: its review, or None when it may still write one."""
    rows = db.session.execute(
        select(QuoteRequest.id, Review)
        .outerjoin(Review, Review.request_id == QuoteRequest.id)
        .where(QuoteRequest.buyer_id == buyer.id, QuoteRequest.status == "awarded")
    ).all()
    return {request_id: review for request_id, review in rows}
