"""Review rules, tested on the services: eligibility, text rules, moderation, aggregates, reply."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.admin.models import AuditLog
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from marketplace.reviews import services
from marketplace.reviews.models import Review
from marketplace.search.models import SearchPending
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import BODY, create_awarded_request, create_request, create_review

GOOD = services.ReviewInput(
    overall="4",
    quality="5",
    communication="4",
    value="3",
    timeliness="4",
    body=BODY,
    title="Reliable payroll partner",
)


@pytest.fixture
def scene(ctx):
    buyer = create_user("buyer")
    winner = create_vendor("Winner Payroll")
    loser = create_vendor("Loser Payroll")
    request = create_awarded_request(buyer, winner, [loser])
    admin = create_user("admin")
    return {"buyer": buyer, "winner": winner, "loser": loser, "request": request, "admin": admin}


def test_buyer_reviews_the_winning_vendor_after_the_award(scene):
    review = services.submit_review(scene["buyer"], scene["request"], GOOD, utcnow())

    assert review.vendor_id == scene["winner"].id  # the winner, never a losing bidder
    assert review.status == "pending"
    assert review.verified is True
    assert (review.overall, review.quality, review.value) == (4, 5, 3)
    assert scene["winner"].review_count == 0  # pending reviews do not count yet


def test_cannot_review_before_the_award(ctx):
    buyer = create_user("buyer")
    request = create_request(buyer, status="open")
    with pytest.raises(services.NotEligible, match="once you have awarded"):
        services.submit_review(buyer, request, GOOD, utcnow())
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_cannot_review_a_request_that_was_not_awarded(ctx):
    buyer = create_user("buyer")
    for status in ("draft", "closed", "cancelled"):
        with pytest.raises(services.NotEligible):
            services.check_eligibility(buyer, create_request(buyer, status=status))


def test_cannot_review_twice(scene):
    services.submit_review(scene["buyer"], scene["request"], GOOD, utcnow())
    with pytest.raises(services.NotEligible, match="already reviewed"):
        services.submit_review(scene["buyer"], scene["request"], GOOD, utcnow())
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_database_refuses_a_second_review_of_one_request(scene):
    """The guard behind the check: two racing submits cannot both insert."""
    create_review(scene["request"])
    db.session.add(
        Review(
            vendor_id=scene["winner"].id,
            buyer_id=scene["buyer"].id,
            request_id=scene["request"].id,
            overall=1,
            quality=1,
            communication=1,
            value=1,
            timeliness=1,
            body=BODY,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_another_buyer_cannot_review_the_request(scene):
    other = create_user("buyer")
    with pytest.raises(services.NotEligible, match="Only the buyer"):
        services.submit_review(other, scene["request"], GOOD, utcnow())


def test_a_vendor_cannot_review(scene):
    with pytest.raises(services.NotEligible):
        services.submit_review(scene["winner"].owner, scene["request"], GOOD, utcnow())


def test_an_award_without_accepted_quote_is_not_reviewable(ctx):
    buyer = create_user("buyer")
    request = create_request(buyer, status="awarded")
    with pytest.raises(services.NotEligible, match="no accepted quote"):
        services.check_eligibility(buyer, request)


def test_submit_refuses_bad_input_and_writes_nothing(scene):
    """The text and rating rules themselves are in tests/unit/test_reviews_rules.py."""
    data = services.ReviewInput(
        overall="9", quality=5, communication=5, value=5, timeliness=5, body="x" * 49
    )
    with pytest.raises(FieldErrors) as err:
        services.submit_review(scene["buyer"], scene["request"], data, utcnow())
    assert set(err.value.errors) == {"overall", "body"}
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_auto_publish_publishes_at_once_and_updates_the_aggregate(scene):
    review = services.submit_review(
        scene["buyer"], scene["request"], GOOD, utcnow(), auto_publish=True
    )

    assert review.status == "published"
    assert review.published_at is not None
    assert scene["winner"].review_count == 1
    assert scene["winner"].rating_avg == Decimal("4.00")
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "review.auto_publish",
        None,
        review.id,
    )


def test_publish_hide_and_reject_keep_the_aggregate_in_step(ctx):
    admin = create_user("admin")
    vendor = create_vendor()
    requests = [create_awarded_request(create_user("buyer"), vendor) for _ in range(3)]
    five = create_review(requests[0], overall=5)
    four = create_review(requests[1], overall=4)
    two = create_review(requests[2], overall=2)
    now = utcnow()

    services.publish_review(admin, five, now)
    assert (vendor.rating_avg, vendor.review_count) == (Decimal("5.00"), 1)
    services.publish_review(admin, four, now)
    assert (vendor.rating_avg, vendor.review_count) == (Decimal("4.50"), 2)
    services.reject_review(admin, two, "Not about the work done.", now)
    assert (vendor.rating_avg, vendor.review_count) == (Decimal("4.50"), 2)
    services.hide_review(admin, five, "Written by the vendor's relative.", now)
    assert (vendor.rating_avg, vendor.review_count) == (Decimal("4.00"), 1)
    services.hide_review(admin, four, "Duplicate.", now)
    assert (vendor.rating_avg, vendor.review_count) == (None, 0)

    # Re-read from the database: the same transaction wrote it, not just the identity map.
    db.session.expire_all()
    assert db.session.get(type(vendor), vendor.id).review_count == 0
    assert (
        db.session.scalar(
            select(func.count(SearchPending.id)).where(SearchPending.vendor_id == vendor.id)
        )
        >= 4
    )  # rating is in the index: re-indexed on every change


def test_average_is_rounded_half_up_to_cents(ctx):
    admin = create_user("admin")
    vendor = create_vendor()
    for overall in (5, 4, 4):
        review = create_review(
            create_awarded_request(create_user("buyer"), vendor), overall=overall
        )
        services.publish_review(admin, review, utcnow())
    assert vendor.rating_avg == Decimal("4.33")


def test_a_review_is_moderated_once(scene):
    review = create_review(scene["request"])
    services.publish_review(scene["admin"], review, utcnow())
    with pytest.raises(services.StateConflict):
        services.publish_review(scene["admin"], review, utcnow())
    with pytest.raises(services.StateConflict):
        services.reject_review(scene["admin"], review, "Too late for this.", utcnow())


def test_only_admins_moderate_reviews(scene):
    review = create_review(scene["request"])
    with pytest.raises(PermissionError):
        services.publish_review(scene["buyer"], review, utcnow())
    assert review.status == "pending"


def test_rejecting_needs_a_reason(scene):
    review = create_review(scene["request"])
    with pytest.raises(FieldErrors) as err:
        services.reject_review(scene["admin"], review, "  ", utcnow())
    assert "reason" in err.value.errors


def test_vendor_replies_once_to_a_published_review(scene):
    review = create_review(scene["request"], status="published")
    owner = scene["winner"].owner

    services.reply_to_review(owner, review, "Thank you, it was a pleasure.", utcnow())
    assert review.vendor_reply == "Thank you, it was a pleasure."
    assert review.vendor_replied_at is not None
    with pytest.raises(services.ReviewError, match="already replied"):
        services.reply_to_review(owner, review, "A second thought.", utcnow())
    assert review.vendor_reply == "Thank you, it was a pleasure."


def test_only_the_reviewed_vendor_replies(scene):
    review = create_review(scene["request"], status="published")
    with pytest.raises(PermissionError):
        services.reply_to_review(scene["loser"].owner, review, "Not ours to answer.", utcnow())


def test_no_reply_before_publication(scene):
    review = create_review(scene["request"], status="pending")
    with pytest.raises(services.ReviewError, match="published"):
        services.reply_to_review(scene["winner"].owner, review, "Early reply.", utcnow())


def test_profile_summary_has_distribution_averages_and_newest_first_pages(ctx):
    vendor = create_vendor()
    start = utcnow() - timedelta(days=30)
    for i, overall in enumerate([5, 5, 4, 3, 5, 1, 4, 5, 5, 4, 2, 5]):
        create_review(
            create_awarded_request(create_user("buyer"), vendor),
            status="published",
            overall=overall,
            ratings=(overall, 4, 3, 5),
            published_at=start + timedelta(days=i),
        )
    hidden = create_review(
        create_awarded_request(create_user("buyer"), vendor), status="hidden", overall=1
    )

    summary = services.profile_reviews(vendor, 1, per_page=5)

    assert summary.count == 12
    assert summary.distribution == {5: 6, 4: 3, 3: 1, 2: 1, 1: 1}
    assert summary.average == Decimal("4.0")  # 48 / 12
    assert summary.sub_averages == {
        "quality": Decimal("4.0"),
        "communication": Decimal("4.0"),
        "value": Decimal("3.0"),
        "timeliness": Decimal("5.0"),
    }
    assert summary.pages == 3
    dates = [r.published_at for r in summary.reviews]
    assert dates == sorted(dates, reverse=True)
    assert hidden.id not in {r.id for r in summary.reviews}
    last = services.profile_reviews(vendor, "99", per_page=5)
    assert (last.page, len(last.reviews), last.has_next, last.has_prev) == (3, 2, False, True)
    assert services.profile_reviews(vendor, "abc").page == 1


def test_profile_summary_of_a_vendor_without_reviews(ctx):
    summary = services.profile_reviews(create_vendor(), 1)
    assert (summary.count, summary.average, summary.reviews, summary.pages) == (0, None, [], 1)
    assert summary.share(5) == 0
