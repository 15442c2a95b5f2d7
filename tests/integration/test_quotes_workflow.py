"""The quote workflow as services (DESIGN 4): every transition, for actor, state and clock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.notify.models import Notification, OutboxEmail
from marketplace.parsing import FieldErrors
from marketplace.quotes import services
from marketplace.quotes.models import Invitation, Quote, QuoteAllowanceUsage, QuoteRequest
from marketplace.quotes.services import WorkflowError
from marketplace.search.models import SearchPending
from tests.fixtures.factories import (
    create_category,
    create_certification,
    create_user,
    create_vendor,
)
from tests.fixtures.quotes import DUE, NOW, add_rate, make_request, quote_input, request_input

HOUR = timedelta(hours=1)


def notes_for(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def mails_to(user):
    return db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == user.email)).all()


# --------------------------------------------------------------------------------------------
# Requests: create, draft, publish, edit, close, cancel, extend


def test_buyer_creates_a_draft_that_vendors_cannot_see_yet(ctx):
    s = make_request(publish=False)
    assert s.request.status == "draft"
    assert s.request.quantity == 250 and s.request.budget_monthly == Decimal("4000.00")
    assert s.request.weights["price"] == 40
    assert len(s.request.invitations) == 2
    assert notes_for(s.vendor_users[0]) == []  # told only on publishing


def test_publishing_opens_the_request_and_tells_invited_vendors(ctx):
    s = make_request(publish=False)
    later = NOW + HOUR
    services.publish_request(s.buyer, s.request, later)
    assert s.request.status == "open" and s.request.published_at == later
    assert all(i.invited_at == later for i in s.request.invitations)
    for user in s.vendor_users:
        assert len(notes_for(user, "quote_invited")) == 1
        assert len(mails_to(user)) == 1


def test_request_input_errors_are_collected_per_field(ctx):
    category = create_category("payroll")
    bad = request_input(
        category.id,
        title="x",
        quantity="\uff1012",  # a full-width digit
        contract_months="0",
        budget_monthly="1e3",
        currency="XYZ",
        quotes_due_at=NOW - HOUR,
        preferred_countries=("ZZ",),
        weights={"price": 0, "quality": 0, "sla": 0, "compliance": 0, "responsiveness": 0},
    )
    with pytest.raises(FieldErrors) as info:
        services.create_request(create_user("buyer"), bad, NOW)
    assert set(info.value.errors) == {
        "title",
        "quantity",
        "contract_months",
        "budget_monthly",
        "currency",
        "quotes_due_at",
        "preferred_countries",
        "weights",
    }


def test_required_certifications_and_other_currencies_are_accepted(ctx):
    add_rate("EUR", "1.08")
    category = create_category("payroll")
    soc2 = create_certification("soc-2", "SOC 2")
    data = request_input(
        category.id,
        currency="eur",
        required_certification_ids=(str(soc2.id),),
        preferred_countries=("ph", "PL"),
    )
    request = services.create_request(create_user("buyer"), data, NOW)
    assert request.currency == "EUR"
    assert [c.slug for c in request.required_certifications] == ["soc-2"]
    assert request.preferred_countries == ["PH", "PL"]


def test_only_buyers_post_requests(ctx):
    category = create_category("payroll")
    for role in ("vendor", "admin"):
        with pytest.raises(WorkflowError):
            services.create_request(create_user(role), request_input(category.id), NOW)


def test_only_drafts_are_edited_and_only_by_their_buyer(ctx):
    s = make_request(publish=False)
    category = s.request.category
    services.update_draft(
        s.buyer,
        s.request,
        request_input(category.id, title="Payroll, 300 staff", quantity="300"),
        NOW,
    )
    assert s.request.title == "Payroll, 300 staff" and s.request.quantity == 300
    with pytest.raises(WorkflowError):
        services.update_draft(create_user("buyer"), s.request, request_input(category.id), NOW)
    services.publish_request(s.buyer, s.request, NOW)
    with pytest.raises(WorkflowError):
        services.update_draft(s.buyer, s.request, request_input(category.id), NOW)


def test_publishing_leaves_out_vendors_suspended_since_they_were_added(ctx):
    s = make_request(publish=False)
    s.vendors[1].status = "suspended"
    services.publish_request(s.buyer, s.request, NOW)
    assert [i.vendor_id for i in s.request.invitations] == [s.vendors[0].id]
    assert notes_for(s.vendor_users[1]) == []


def test_a_draft_with_invited_vendors_keeps_its_service(ctx):
    s = make_request(publish=False)
    other = create_category("data-entry", unit="records per month")
    with pytest.raises(FieldErrors, match="Remove the invited vendors"):
        services.update_draft(s.buyer, s.request, request_input(other.id), NOW)


def test_a_draft_past_its_deadline_cannot_be_published(ctx):
    s = make_request(publish=False)
    with pytest.raises(WorkflowError, match="quotes-due date"):
        services.publish_request(s.buyer, s.request, DUE)
    with pytest.raises(WorkflowError):
        services.publish_request(create_user("buyer"), s.request, NOW)


def test_publishing_twice_is_refused(ctx):
    s = make_request()
    with pytest.raises(WorkflowError, match="already published"):
        services.publish_request(s.buyer, s.request, NOW)


def test_buyer_closes_early_and_can_still_award(ctx):
    s = make_request()
    quote = s.quote(0)
    services.close_request(s.buyer, s.request, NOW + HOUR)
    assert s.request.status == "closed"
    assert notes_for(s.vendor_users[1], "request_closed")
    with pytest.raises(WorkflowError, match="closed"):
        s.quote(1, now=NOW + 2 * HOUR)
    with pytest.raises(WorkflowError):
        services.close_request(s.buyer, s.request, NOW + 2 * HOUR)
    services.award_quote(s.buyer, quote, NOW + 3 * HOUR)
    assert s.request.status == "awarded"


def test_cancel_tells_vendors_and_blocks_everything(ctx):
    s = make_request()
    services.cancel_request(s.buyer, s.request, NOW + HOUR)
    assert s.request.status == "cancelled" and s.request.cancelled_at == NOW + HOUR
    assert notes_for(s.vendor_users[0], "request_cancelled")
    for action in (services.cancel_request, services.close_request, services.publish_request):
        with pytest.raises(WorkflowError):
            action(s.buyer, s.request, NOW + 2 * HOUR)
    with pytest.raises(WorkflowError, match="cancelled"):
        s.quote(0, now=NOW + 2 * HOUR)


def test_another_buyer_cannot_close_cancel_extend_or_invite(ctx):
    s = make_request()
    other = create_user("buyer")
    vendor = create_vendor()
    with pytest.raises(WorkflowError):
        services.close_request(other, s.request, NOW)
    with pytest.raises(WorkflowError):
        services.cancel_request(other, s.request, NOW)
    with pytest.raises(WorkflowError):
        services.extend_deadline(other, s.request, DUE + HOUR, NOW)
    with pytest.raises(WorkflowError):
        services.invite_vendors(other, s.request, [vendor.id], NOW)
    with pytest.raises(WorkflowError):
        services.cancel_request(s.vendor_users[0], s.request, NOW)
    assert s.request.status == "open"


def test_extending_the_deadline_moves_it_later_and_resets_the_reminder(ctx):
    s = make_request()
    services.tick(DUE - 2 * HOUR)  # sends the 24-hour reminder
    assert s.request.reminder_sent_at is not None
    services.extend_deadline(s.buyer, s.request, DUE + timedelta(days=3), DUE - HOUR)
    assert s.request.quotes_due_at == DUE + timedelta(days=3)
    assert s.request.reminder_sent_at is None
    assert notes_for(s.vendor_users[0], "deadline_extended")
    with pytest.raises(FieldErrors):
        services.extend_deadline(s.buyer, s.request, DUE, DUE - HOUR)  # earlier than current


def test_the_deadline_cannot_be_extended_once_it_passed(ctx):
    s = make_request()
    with pytest.raises(WorkflowError, match="closed"):
        services.extend_deadline(s.buyer, s.request, DUE + timedelta(days=2), DUE + HOUR)


# --------------------------------------------------------------------------------------------
# Invitations


def test_invite_up_to_five_published_vendors_serving_the_category(ctx):
    s = make_request(vendors=2)
    more = [create_vendor() for _ in range(4)]
    created = services.invite_vendors(s.buyer, s.request, [v.id for v in more[:3]], NOW + HOUR)
    assert len(created) == 3 and all(i.invited_at == NOW + HOUR for i in created)
    assert notes_for(more[0].owner, "quote_invited")
    with pytest.raises(FieldErrors, match="up to 5"):
        services.invite_vendors(s.buyer, s.request, [more[3].id], NOW + HOUR)


def test_invitations_refuse_duplicates_and_ineligible_vendors(ctx):
    s = make_request(vendors=1)
    with pytest.raises(FieldErrors, match="already invited"):
        services.invite_vendors(s.buyer, s.request, [s.vendors[0].id], NOW)
    for vendor in (
        create_vendor(status="suspended"),
        create_vendor(status="draft"),
        create_vendor(categories=("data-entry",)),
    ):
        with pytest.raises(FieldErrors, match="Only published vendors"):
            services.invite_vendors(s.buyer, s.request, [vendor.id], NOW)
    with pytest.raises(FieldErrors, match="at least one"):
        services.invite_vendors(s.buyer, s.request, [], NOW)
    with pytest.raises(FieldErrors):
        services.invite_vendors(s.buyer, s.request, ["1; DROP TABLE"], NOW)


def test_no_invitations_after_the_deadline_or_award(ctx):
    s = make_request()
    vendor = create_vendor()
    with pytest.raises(WorkflowError, match="closed"):
        services.invite_vendors(s.buyer, s.request, [vendor.id], DUE)
    services.award_quote(s.buyer, s.quote(0), NOW)
    with pytest.raises(WorkflowError, match="awarded"):
        services.invite_vendors(s.buyer, s.request, [vendor.id], NOW)


def test_opening_a_lead_marks_it_viewed_once(ctx):
    s = make_request()
    invitation = s.invitation(0)
    assert services.mark_viewed(s.vendor_users[0], invitation, NOW + HOUR) is True
    assert invitation.status == "viewed" and invitation.viewed_at == NOW + HOUR
    assert services.mark_viewed(s.vendor_users[0], invitation, NOW + 2 * HOUR) is False
    assert invitation.viewed_at == NOW + HOUR


def test_another_vendor_cannot_view_decline_or_quote_a_lead(ctx):
    s = make_request()
    stranger = create_vendor().owner
    invitation = s.invitation(0)
    with pytest.raises(WorkflowError):
        services.mark_viewed(stranger, invitation, NOW)
    with pytest.raises(WorkflowError):
        services.decline_invitation(stranger, invitation, "no", NOW)
    with pytest.raises(WorkflowError):
        services.submit_quote(stranger, invitation, quote_input(), NOW)
    with pytest.raises(WorkflowError):  # the other invited vendor is a stranger to this lead too
        services.submit_quote(s.vendor_users[1], invitation, quote_input(), NOW)
    with pytest.raises(WorkflowError):  # a buyer is no vendor
        services.submit_quote(s.buyer, invitation, quote_input(), NOW)


def test_vendors_cannot_act_on_a_draft(ctx):
    s = make_request(publish=False)
    with pytest.raises(WorkflowError, match="not been published"):
        s.quote(0)
    with pytest.raises(WorkflowError):
        services.mark_viewed(s.vendor_users[0], s.invitation(0), NOW)


def test_decline_needs_a_reason_and_tells_the_buyer(ctx):
    s = make_request()
    invitation = s.invitation(0)
    with pytest.raises(FieldErrors):
        services.decline_invitation(s.vendor_users[0], invitation, "   ", NOW)
    services.decline_invitation(
        s.vendor_users[0], invitation, "We don't cover Germany.", NOW + 2 * HOUR
    )
    assert invitation.status == "declined" and invitation.responded_at == NOW + 2 * HOUR
    assert invitation.decline_reason == "We don't cover Germany."
    assert notes_for(s.buyer, "invitation_declined")
    with pytest.raises(WorkflowError, match="declined"):
        s.quote(0, now=NOW + 3 * HOUR)
    with pytest.raises(WorkflowError, match="already declined"):
        services.decline_invitation(s.vendor_users[0], invitation, "again", NOW + 3 * HOUR)


def test_a_vendor_that_quoted_withdraws_instead_of_declining(ctx):
    s = make_request()
    s.quote(0)
    with pytest.raises(WorkflowError, match="withdraw"):
        services.decline_invitation(s.vendor_users[0], s.invitation(0), "changed mind", NOW)


def test_no_decline_after_the_deadline(ctx):
    s = make_request()
    with pytest.raises(WorkflowError, match="closed"):
        services.decline_invitation(s.vendor_users[0], s.invitation(0), "late", DUE)


# --------------------------------------------------------------------------------------------
# Quotes: submit, revise, withdraw, the clock, the allowance


def test_an_invited_vendor_quotes_and_the_buyer_is_told(ctx):
    s = make_request()
    quote = s.quote(0, now=NOW + 3 * HOUR)
    assert (quote.version, quote.status, quote.request_id) == (1, "submitted", s.request.id)
    assert quote.unit_price == Decimal("12.5000") and quote.accuracy_pct == Decimal("99.50")
    assert s.invitation(0).status == "quoted"
    assert s.invitation(0).responded_at == NOW + 3 * HOUR
    assert notes_for(s.buyer, "quote_received")


def test_revising_creates_a_new_version_and_supersedes_the_old(ctx):
    s = make_request()
    first = s.quote(0)
    second = s.quote(0, now=NOW + HOUR, unit_price="11.00")
    assert (first.status, second.status, second.version) == ("superseded", "submitted", 2)
    assert notes_for(s.buyer, "quote_revised")
    assert s.invitation(0).responded_at == NOW  # the first response counts


def test_quote_input_errors_are_collected(ctx):
    s = make_request()
    bad = quote_input(
        pricing_model="per_minute",
        unit_price="-1",
        setup_fee="NaN",
        currency="ABC",
        accuracy_pct="101",
        turnaround_hours="0",
        valid_until="2020-01-01",
    )
    with pytest.raises(FieldErrors) as info:
        s.quote(0, **{k: getattr(bad, k) for k in bad.__dataclass_fields__})
    assert {
        "pricing_model",
        "unit_price",
        "setup_fee",
        "currency",
        "accuracy_pct",
        "turnaround_hours",
        "valid_until",
    } <= set(info.value.errors)
    with pytest.raises(FieldErrors, match="hours per month"):
        s.quote(0, pricing_model="per_hour", hours_per_month="")
    hourly = s.quote(0, pricing_model="per_hour", hours_per_month="160")
    assert hourly.hours_per_month == 160


def test_vendor_cannot_quote_after_the_deadline_even_before_the_tick(ctx):
    s = make_request()
    with pytest.raises(WorkflowError, match="closed"):
        s.quote(0, now=DUE)
    assert s.request.status == "open"  # the tick has not run; the clock decided


def test_vendor_cannot_revise_after_the_award(ctx):
    s = make_request()
    services.award_quote(s.buyer, s.quote(0), NOW)
    with pytest.raises(WorkflowError, match="awarded"):
        s.quote(0, now=NOW + HOUR)
    with pytest.raises(WorkflowError, match="awarded"):
        s.quote(1, now=NOW + HOUR)


def test_withdraw_then_requote_as_a_new_version(ctx):
    s = make_request()
    quote = s.quote(0)
    services.withdraw_quote(s.vendor_users[0], quote, NOW + HOUR)
    assert quote.status == "withdrawn" and notes_for(s.buyer, "quote_withdrawn")
    with pytest.raises(WorkflowError):
        services.withdraw_quote(s.vendor_users[0], quote, NOW + HOUR)
    with pytest.raises(WorkflowError):
        services.award_quote(s.buyer, quote, NOW + HOUR)
    again = s.quote(0, now=NOW + 2 * HOUR)
    assert again.version == 2


def test_only_the_quoting_vendor_withdraws(ctx):
    s = make_request()
    quote = s.quote(0)
    with pytest.raises(WorkflowError):
        services.withdraw_quote(s.vendor_users[1], quote, NOW)
    with pytest.raises(WorkflowError):
        services.withdraw_quote(s.buyer, quote, NOW)


def test_free_plan_allowance_counts_first_versions_only(ctx):
    ctx.config["FREE_PLAN_MONTHLY_QUOTES"] = 2
    buyer = create_user("buyer")
    vendor = create_vendor()
    due = NOW + timedelta(days=20)
    scenarios = [make_request(buyer, vendors=0, quotes_due_at=due) for _ in range(3)]
    for s in scenarios:
        services.invite_vendors(buyer, s.request, [vendor.id], NOW)
        s.vendors.append(vendor)
    scenarios[0].quote(0)
    scenarios[0].quote(0, unit_price="11.00")  # a revision is free
    scenarios[1].quote(0)
    with pytest.raises(WorkflowError, match="free plan") as info:
        scenarios[2].quote(0)
    assert info.value.upgrade is True
    usage = db.session.get(QuoteAllowanceUsage, (vendor.id, "2026-11"))
    assert usage.used == 2
    scenarios[2].quote(0, now=NOW + timedelta(days=10))  # December: a new month
    assert db.session.get(QuoteAllowanceUsage, (vendor.id, "2026-12")).used == 1


def test_pro_vendors_have_no_allowance(ctx):
    ctx.config["FREE_PLAN_MONTHLY_QUOTES"] = 1
    buyer = create_user("buyer")
    vendor = create_vendor(plan="pro")
    for _ in range(3):
        s = make_request(buyer, vendors=0)
        services.invite_vendors(buyer, s.request, [vendor.id], NOW)
        s.vendors.append(vendor)
        s.quote(0)
    assert db.session.scalar(select(func.count()).select_from(QuoteAllowanceUsage)) == 0
    assert services.allowance(vendor, NOW) is None


def test_a_refused_quote_leaves_the_allowance_untouched(ctx):
    ctx.config["FREE_PLAN_MONTHLY_QUOTES"] = 1
    s = make_request()
    with pytest.raises(FieldErrors):
        s.quote(0, unit_price="abc")
    db.session.rollback()  # what the view does
    assert db.session.scalar(select(func.count()).select_from(QuoteAllowanceUsage)) == 0


def test_a_suspended_vendor_cannot_quote(ctx):
    s = make_request()
    s.vendors[0].status = "suspended"
    with pytest.raises(WorkflowError, match="not published"):
        s.quote(0)


# --------------------------------------------------------------------------------------------
# Award


def test_award_accepts_one_rejects_the_rest_and_tells_everyone(ctx):
    s = make_request(vendors=3)
    winner = s.quote(0)
    loser = s.quote(1)
    services.decline_invitation(s.vendor_users[2], s.invitation(2), "Too small for us", NOW)
    services.award_quote(s.buyer, winner, NOW + HOUR)
    assert s.request.status == "awarded" and s.request.awarded_at == NOW + HOUR
    assert (winner.status, loser.status) == ("accepted", "rejected")
    assert [i.status for i in s.request.invitations] == ["won", "lost", "declined"]
    assert notes_for(s.vendor_users[0], "quote_awarded")
    assert notes_for(s.vendor_users[1], "quote_lost")
    assert notes_for(s.buyer, "request_awarded")
    assert not notes_for(s.vendor_users[2], "quote_lost")


def test_award_is_exactly_once(ctx):
    s = make_request()
    first, second = s.quote(0), s.quote(1)
    services.award_quote(s.buyer, first, NOW)
    with pytest.raises(WorkflowError):
        services.award_quote(s.buyer, second, NOW)
    with pytest.raises(WorkflowError):
        services.award_quote(s.buyer, first, NOW)
    accepted = db.session.scalar(
        select(func.count()).select_from(Quote).where(Quote.status == "accepted")
    )
    assert accepted == 1


def test_only_the_owner_awards(ctx):
    s = make_request()
    quote = s.quote(0)
    for actor in (create_user("buyer"), s.vendor_users[0], create_user("admin")):
        with pytest.raises(WorkflowError):
            services.award_quote(actor, quote, NOW)
    assert quote.status == "submitted"


def test_award_after_the_deadline_is_allowed_but_not_of_a_superseded_or_expired_quote(ctx):
    s = make_request()
    old = s.quote(0)
    new = s.quote(0, valid_until="2026-12-05")
    with pytest.raises(WorkflowError, match="newer"):
        services.award_quote(s.buyer, old, DUE + HOUR)
    with pytest.raises(WorkflowError, match="valid-until"):
        services.award_quote(s.buyer, new, NOW + timedelta(days=13))  # past 5 December
    services.award_quote(s.buyer, new, DUE + HOUR)  # deadline passed, quote still valid
    assert new.status == "accepted"


def test_no_award_on_a_cancelled_request(ctx):
    s = make_request()
    quote = s.quote(0)
    services.cancel_request(s.buyer, s.request, NOW)
    with pytest.raises(WorkflowError, match="cancelled"):
        services.award_quote(s.buyer, quote, NOW)


def test_the_partial_unique_index_refuses_a_second_accepted_quote(ctx):
    from sqlalchemy.exc import IntegrityError

    s = make_request()
    a, b = s.quote(0), s.quote(1)
    a.status = "accepted"
    db.session.flush()
    b.status = "accepted"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --------------------------------------------------------------------------------------------
# Response times


def test_median_first_response_hours_follow_real_responses(ctx):
    buyer = create_user("buyer")
    vendor = create_vendor()
    hours = [2, 10, 4]
    for h in hours:
        s = make_request(buyer, vendors=0)
        services.invite_vendors(buyer, s.request, [vendor.id], NOW)
        s.vendors.append(vendor)
        s.quote(0, now=NOW + timedelta(hours=h))
        s.quote(0, now=NOW + timedelta(hours=h + 50))  # revisions don't count
    assert vendor.median_response_hours == Decimal("4.00")
    s = make_request(buyer, vendors=0)
    services.invite_vendors(buyer, s.request, [vendor.id], NOW)
    services.decline_invitation(vendor.owner, s.request.invitations[0], "busy", NOW + 5 * HOUR)
    assert vendor.median_response_hours == Decimal("4.50")  # declines count as responses
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SearchPending)
            .where(SearchPending.vendor_id == vendor.id)
        )
        == 4
    )


# --------------------------------------------------------------------------------------------
# The tick


def test_tick_closes_past_deadline_requests_once(ctx):
    s = make_request()
    s.quote(0)
    assert services.tick(DUE - HOUR).closed == 0
    report = services.tick(DUE)
    assert report.closed == 1 and s.request.status == "closed" and s.request.closed_at == DUE
    assert len(notes_for(s.buyer, "request_deadline_passed")) == 1
    again = services.tick(DUE + HOUR)
    assert again.closed == 0
    assert len(notes_for(s.buyer, "request_deadline_passed")) == 1


def test_tick_leaves_awarded_drafts_and_cancelled_requests_alone(ctx):
    awarded = make_request()
    services.award_quote(awarded.buyer, awarded.quote(0), NOW)
    draft = make_request(publish=False)
    cancelled = make_request()
    services.cancel_request(cancelled.buyer, cancelled.request, NOW)
    assert services.tick(DUE + timedelta(days=1)).closed == 0
    statuses = [awarded.request.status, draft.request.status, cancelled.request.status]
    assert statuses == ["awarded", "draft", "cancelled"]


def test_tick_expires_quotes_past_valid_until(ctx):
    s = make_request()
    quote = s.quote(0, valid_until="2026-11-25")
    keep = s.quote(1, valid_until="2026-11-30")
    assert services.tick(NOW + timedelta(days=2)).expired == 0  # valid through the 25th
    report = services.tick(NOW + timedelta(days=3))
    assert report.expired == 1 and quote.status == "expired" and keep.status == "submitted"
    assert notes_for(s.vendor_users[0], "quote_expired")
    assert services.tick(NOW + timedelta(days=3)).expired == 0


def test_tick_sends_the_24_hour_reminder_once_to_vendors_yet_to_answer(ctx):
    s = make_request(vendors=3)
    s.quote(0)
    services.decline_invitation(s.vendor_users[1], s.invitation(1), "busy", NOW)
    assert services.tick(DUE - timedelta(hours=25)).reminded == 0
    report = services.tick(DUE - timedelta(hours=23))
    assert report.reminded == 1
    assert notes_for(s.vendor_users[2], "deadline_soon")
    assert not notes_for(s.vendor_users[0], "deadline_soon")
    assert services.tick(DUE - timedelta(hours=22)).reminded == 0
    assert len(notes_for(s.vendor_users[2], "deadline_soon")) == 1


def test_tick_twice_with_the_same_clock_changes_nothing_more(ctx):
    s = make_request()
    s.quote(0, valid_until="2026-11-24")
    db.session.commit()
    first = services.tick(DUE)
    db.session.commit()
    second = services.tick(DUE)
    db.session.commit()
    assert (first.closed, first.expired) == (1, 1)
    assert (second.closed, second.expired, second.reminded) == (0, 0, 0)
    emails = db.session.scalar(select(func.count()).select_from(OutboxEmail))
    services.tick(DUE)
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == emails


def test_an_open_request_past_its_deadline_reads_as_closed(ctx):
    s = make_request()
    assert services.effective_status(s.request, DUE - HOUR) == "open"
    assert services.effective_status(s.request, DUE) == "closed"
    assert services.accepting_quotes(s.request, DUE) is False
    assert db.session.get(QuoteRequest, s.request.id).status == "open"


def test_invitations_keep_their_vendor_and_request(ctx):
    s = make_request()
    rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [i.vendor_id for i in rows] == [v.id for v in s.vendors]
