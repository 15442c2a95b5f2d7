"""Message threads (who writes, unread counts) and matching's database loader."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from marketplace.directory.models import VendorCertification
from marketplace.extensions import db
from marketplace.matching.loader import recommendations_for
from marketplace.parsing import FieldErrors
from marketplace.quotes import services
from marketplace.quotes.services import WorkflowError
from marketplace.quotes.threads import (
    mark_thread_read,
    post_message,
    thread_messages,
    unread_by_thread,
    unread_message_count,
)
from tests.fixtures.factories import create_certification, create_user, create_vendor
from tests.fixtures.quotes import NOW, make_request

MINUTE = timedelta(minutes=1)


def test_buyer_and_invited_vendor_talk_and_unread_counts_follow(ctx):
    s = make_request(vendors=2)
    vendor, vendor_user = s.vendors[0], s.vendor_users[0]
    post_message(s.buyer, s.request, vendor, "Do you cover Poland?", NOW)
    post_message(s.buyer, s.request, s.vendors[1], "And you?", NOW)
    assert unread_message_count(vendor_user) == 1
    assert unread_message_count(s.buyer) == 0  # your own messages are read
    post_message(vendor_user, s.request, vendor, "Yes, from Kraków.", NOW + MINUTE)
    assert unread_by_thread(s.buyer) == {(s.request.id, vendor.id): 1}
    assert unread_message_count(vendor_user) == 0  # writing marks the thread read
    mark_thread_read(s.buyer, s.request.id, vendor.id, NOW + 2 * MINUTE)
    assert unread_message_count(s.buyer) == 0
    assert [m.body for m in thread_messages(s.request.id, vendor.id)] == [
        "Do you cover Poland?",
        "Yes, from Kraków.",
    ]
    assert unread_message_count(create_user("admin")) == 0


def test_only_the_buyer_and_that_vendor_write(ctx):
    s = make_request(vendors=2)
    vendor = s.vendors[0]
    for stranger in (
        create_user("buyer"),
        s.vendor_users[1],
        create_vendor().owner,
        create_user("admin"),
    ):
        with pytest.raises(WorkflowError):
            post_message(stranger, s.request, vendor, "hello", NOW)
    with pytest.raises(WorkflowError):  # no thread with an uninvited vendor
        post_message(s.buyer, s.request, create_vendor(), "hello", NOW)
    with pytest.raises(FieldErrors):
        post_message(s.buyer, s.request, vendor, " \x00 ", NOW)
    with pytest.raises(FieldErrors):
        post_message(s.buyer, s.request, vendor, "x" * 5001, NOW)


def test_no_threads_on_drafts_or_cancelled_requests_but_after_the_award(ctx):
    draft = make_request(publish=False)
    with pytest.raises(WorkflowError):
        post_message(draft.buyer, draft.request, draft.vendors[0], "hi", NOW)
    s = make_request()
    services.award_quote(s.buyer, s.quote(0), NOW)
    post_message(s.vendor_users[0], s.request, s.vendors[0], "When do we start?", NOW)
    services.cancel_request(draft.buyer, draft.request, NOW)
    with pytest.raises(WorkflowError, match="cancelled"):
        post_message(draft.buyer, draft.request, draft.vendors[0], "hi", NOW)


def test_matching_ranks_published_vendors_of_the_category_in_two_queries(ctx):
    soc2 = create_certification("soc-2", "SOC 2")
    s = make_request(vendors=0, required_certification_ids=(str(soc2.id),))
    good = create_vendor(
        name="Certified",
        certifications=("soc-2",),
        rating_avg=Decimal("4.8"),
        review_count=20,
        median_response_hours=Decimal("2"),
    )
    plain = create_vendor(name="Plain")
    expired = create_vendor(name="Expired cert", certifications=("soc-2",))
    db.session.get(VendorCertification, (expired.id, soc2.id)).expires_on = NOW.date() - timedelta(
        1
    )
    create_vendor(name="Suspended", status="suspended", certifications=("soc-2",))
    create_vendor(name="Data entry", categories=("data-entry",))
    db.session.flush()

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        recs = recommendations_for(s.request, NOW.date())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert recs[0].name == "Certified"
    assert {r.name for r in recs} == {"Certified", "Plain", "Expired cert"}
    assert "lacks SOC 2" in next(r for r in recs if r.name == "Expired cert").reason
    vendor_queries = [q for q in statements if "vendors" in q]
    assert len(vendor_queries) == 2, statements
    del plain

    order = [r.vendor_id for r in recs]
    good.plan = "pro"
    for r in recs:
        if r.vendor_id != good.id:
            db.session.get(type(good), r.vendor_id).plan = "pro" if r.rank % 2 else "free"
    db.session.flush()
    assert [r.vendor_id for r in recommendations_for(s.request, NOW.date())] == order
