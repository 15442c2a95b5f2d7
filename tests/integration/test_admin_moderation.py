"""Moderation services: each action's effect, its audit row, and who may call it."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.admin import services
from marketplace.admin.models import AuditLog, Flag
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor, VendorCertification
from marketplace.extensions import db
from marketplace.notify.models import Notification, OutboxEmail
from marketplace.parsing import FieldErrors
from marketplace.reviews import services as review_services
from marketplace.reviews.models import Review
from marketplace.search.models import SearchPending
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import create_awarded_request, create_request, create_review, ref


def enqueued(vendor_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(SearchPending.id)).where(SearchPending.vendor_id == vendor_id)
        )
        or 0
    )


def mails_to(address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)))


def notes_for(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


@pytest.fixture
def admin(ctx):
    return create_user("admin")


# --- vendor profiles -----------------------------------------------------------------------------


def test_approve_publishes_a_pending_profile_and_tells_the_vendor(admin):
    vendor = create_vendor(status="pending")
    services.approve_vendor(admin, vendor, utcnow())

    assert vendor.status == "published"
    assert vendor.published_at is not None
    assert enqueued(vendor.id) == 1
    assert [m.subject for m in mails_to(vendor.owner.email)] == ["Your profile is published"]
    assert [n.kind for n in notes_for(vendor.owner_id)] == ["vendor.published"]


def test_reject_needs_a_reason_the_vendor_sees(admin):
    vendor = create_vendor(status="pending")
    with pytest.raises(FieldErrors) as err:
        services.reject_vendor(admin, vendor, "", utcnow())
    assert "reason" in err.value.errors
    assert vendor.status == "pending"

    services.reject_vendor(admin, vendor, "The company registration could not be found.", utcnow())
    assert (vendor.status, vendor.status_reason) == (
        "rejected",
        "The company registration could not be found.",
    )
    assert "registration could not be found" in mails_to(vendor.owner.email)[0].body_text


def test_asking_for_changes_sends_the_profile_back_to_draft(admin):
    vendor = create_vendor(status="pending")
    services.request_vendor_changes(
        admin, vendor, "Add at least one service with a price.", utcnow()
    )
    assert (vendor.status, vendor.status_reason) == (
        "draft",
        "Add at least one service with a price.",
    )
    assert mails_to(vendor.owner.email)[0].subject.startswith("Changes needed")


def test_moderating_a_profile_that_is_not_pending_is_refused(admin):
    vendor = create_vendor(status="published")
    for action in (
        lambda: services.approve_vendor(admin, vendor, utcnow()),
        lambda: services.reject_vendor(admin, vendor, "Some valid reason", utcnow()),
        lambda: services.reinstate_vendor(admin, vendor, "Some valid reason", utcnow()),
    ):
        with pytest.raises(services.ModerationError):
            action()
    assert vendor.status == "published"
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0


def test_suspend_hides_the_vendor_and_queues_its_removal_from_search(app, admin):
    vendor = create_vendor("Shady Payroll", status="published", slug="shady-payroll")
    db.session.commit()
    client = app.test_client()
    assert client.get("/v/shady-payroll").status_code == 200

    services.suspend_vendor(admin, vendor, "Invoices to buyers did not match quotes.", utcnow())
    db.session.commit()

    assert (vendor.status, vendor.status_reason) == (
        "suspended",
        "Invoices to buyers did not match quotes.",
    )
    assert enqueued(vendor.id) == 1  # applied to the index after the commit
    assert client.get("/v/shady-payroll").status_code == 404
    assert b"Shady Payroll" not in client.get("/").data
    assert mails_to(vendor.owner.email)[0].subject == "Your profile is suspended"
    assert "did not match quotes" in notes_for(vendor.owner_id)[0].message


def test_a_suspended_vendor_cannot_be_invited_until_reinstated(admin):
    from marketplace.quotes.services import invite_vendors

    vendor = create_vendor(status="published")
    buyer = create_user("buyer")
    request = create_request(buyer, status="draft")
    services.suspend_vendor(admin, vendor, "Under investigation.", utcnow())
    with pytest.raises(FieldErrors):
        invite_vendors(buyer, request, [vendor.id], utcnow())
    services.reinstate_vendor(admin, vendor, "Investigation closed.", utcnow())
    assert [i.vendor_id for i in invite_vendors(buyer, request, [vendor.id], utcnow())] == [
        vendor.id
    ]


def test_reinstate_makes_the_vendor_public_again(app, admin):
    vendor = create_vendor(status="suspended", slug="back-again", status_reason="Spam")
    db.session.commit()
    services.reinstate_vendor(admin, vendor, "The vendor explained the invoices.", utcnow())
    db.session.commit()

    assert (vendor.status, vendor.status_reason) == ("published", "")
    assert enqueued(vendor.id) == 1
    assert app.test_client().get("/v/back-again").status_code == 200
    entry = db.session.scalars(select(AuditLog)).one()
    assert entry.details["reason"] == "The vendor explained the invoices."


def test_suspended_vendor_keeps_reviews_but_they_are_not_public(admin):
    vendor = create_vendor()
    review = create_review(create_awarded_request(create_user("buyer"), vendor), status="published")
    services.suspend_vendor(admin, vendor, "Under investigation.", utcnow())
    assert review.status == "published"  # reinstating restores the profile as it was


# --- certifications -----------------------------------------------------------------------------


def test_verify_a_claimed_certification_with_evidence_and_expiry(admin):
    vendor = create_vendor(certifications=("soc-2",))
    link = vendor.certifications[0]
    expiry = date.today() + timedelta(days=365)

    services.verify_certification(
        admin, link, "Report by Deloitte, Nov 2026", expiry.isoformat(), utcnow()
    )

    assert (link.status, link.evidence_note, link.expires_on) == (
        "verified",
        "Report by Deloitte, Nov 2026",
        expiry,
    )
    assert link.verified_by_id == admin.id and link.verified_at is not None
    assert services.certification_state(link, date.today()) == "verified"
    assert services.certification_state(link, expiry + timedelta(days=1)) == "expired"
    assert enqueued(vendor.id) == 1


def test_verification_refuses_a_past_expiry_or_a_bad_date(admin):
    link = create_vendor(certifications=("iso-27001",)).certifications[0]
    for bad in ("2001-01-01", "31/12/2030"):
        with pytest.raises(FieldErrors) as err:
            services.verify_certification(admin, link, "", bad, utcnow())
        assert "expires_on" in err.value.errors
    assert link.status == "claimed"


def test_revoke_puts_a_certification_back_to_claimed(admin):
    link = create_vendor(certifications=("hipaa",)).certifications[0]
    services.verify_certification(admin, link, "", None, utcnow())
    services.revoke_certification(admin, link, "The certificate was withdrawn.", utcnow())
    assert (link.status, link.verified_at, link.verified_by_id) == ("claimed", None, None)
    with pytest.raises(services.ModerationError):
        services.revoke_certification(admin, link, "Again, by mistake.", utcnow())


# --- flags ----------------------------------------------------------------------------------------


def _flag(reporter, target, reason="This looks like a fake listing to me."):
    return services.flag_target(reporter, target, reason, utcnow())


def test_resolve_by_dismissing_leaves_the_target_alone(admin):
    vendor = create_vendor()
    flag = _flag(create_user("buyer"), vendor)
    services.resolve_flag(admin, flag, "dismiss", "", utcnow())
    db.session.refresh(flag)
    assert (flag.status, flag.resolution, flag.resolved_by_id) == ("resolved", "dismiss", admin.id)
    assert vendor.status == "published"


def test_resolve_by_hiding_the_review(admin):
    vendor = create_vendor()
    review = create_review(create_awarded_request(create_user("buyer"), vendor), status="published")
    review_services.recompute_vendor_rating(vendor.id)
    assert vendor.review_count == 1
    first = _flag(create_user("buyer"), review)
    second = _flag(create_user("vendor"), review, "Reads like the vendor wrote it.")

    result = services.resolve_flag(admin, first, "hide_review", "Not a genuine customer.", utcnow())

    assert review.status == "hidden"
    assert vendor.review_count == 0
    assert {f.id for f in result.flags} == {first.id, second.id}  # duplicates closed together
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.status == "open")) == 0
    actions = sorted(db.session.scalars(select(AuditLog.action)))
    assert actions == ["flag.resolve", "flag.resolve", "review.hide"]


def test_resolve_by_suspending_the_vendor(admin):
    vendor = create_vendor()
    flag = _flag(create_user("buyer"), vendor)
    services.resolve_flag(admin, flag, "suspend_vendor", "Copied another firm's profile.", utcnow())
    assert vendor.status == "suspended"
    assert enqueued(vendor.id) == 1
    suspend = db.session.scalars(select(AuditLog).where(AuditLog.action == "vendor.suspend")).one()
    assert suspend.details["flag_id"] == flag.id


def test_resolution_must_fit_the_target_and_state(admin):
    vendor = create_vendor()
    flag = _flag(create_user("buyer"), vendor)
    with pytest.raises(FieldErrors):
        services.resolve_flag(admin, flag, "hide_review", "It is not a review.", utcnow())
    with pytest.raises(FieldErrors):
        services.resolve_flag(admin, flag, "delete_everything", "", utcnow())
    with pytest.raises(FieldErrors):
        services.resolve_flag(admin, flag, "suspend_vendor", "", utcnow())  # needs a note
    services.resolve_flag(admin, flag, "dismiss", "", utcnow())
    with pytest.raises(services.ModerationError):
        services.resolve_flag(admin, flag, "dismiss", "", utcnow())


def test_a_user_flags_a_target_once_and_only_public_ones(ctx):
    reporter = create_user("buyer")
    vendor = create_vendor()
    _flag(reporter, vendor)
    with pytest.raises(services.ModerationError, match="already reported"):
        _flag(reporter, vendor)
    with pytest.raises(services.ModerationError):
        _flag(reporter, create_vendor(status="pending"))
    with pytest.raises(FieldErrors):
        _flag(reporter, create_vendor(), "bad")


# --- every admin service writes its audit row ---------------------------------------------------


def _setup_vendor(status: str = "pending", **fields: Any) -> Vendor:
    return create_vendor(status=status, **fields)


def _setup_review(status: str = "pending") -> Review:
    vendor = create_vendor()
    return create_review(create_awarded_request(create_user("buyer"), vendor), status=status)


def _setup_cert(status: str = "claimed") -> VendorCertification:
    link = create_vendor(certifications=("soc-2",)).certifications[0]
    link.status = status
    db.session.flush()
    return link


def _setup_flag() -> Flag:
    return _flag(create_user("buyer"), create_vendor())


REASON = "A reason of enough length."

# name -> (build the target, call the service, expected (action, target_type, target id of))
AUDITED: dict[str, tuple[Callable[[], Any], Callable[[Any, Any], Any], str, str]] = {
    "approve_vendor": (
        _setup_vendor,
        lambda a, v: services.approve_vendor(a, v, utcnow()),
        "vendor.approve",
        "vendor",
    ),
    "reject_vendor": (
        _setup_vendor,
        lambda a, v: services.reject_vendor(a, v, REASON, utcnow()),
        "vendor.reject",
        "vendor",
    ),
    "request_vendor_changes": (
        _setup_vendor,
        lambda a, v: services.request_vendor_changes(a, v, REASON, utcnow()),
        "vendor.request_changes",
        "vendor",
    ),
    "suspend_vendor": (
        lambda: _setup_vendor("published"),
        lambda a, v: services.suspend_vendor(a, v, REASON, utcnow()),
        "vendor.suspend",
        "vendor",
    ),
    "reinstate_vendor": (
        lambda: _setup_vendor("suspended"),
        lambda a, v: services.reinstate_vendor(a, v, REASON, utcnow()),
        "vendor.reinstate",
        "vendor",
    ),
    "set_vendor_verified": (
        lambda: _setup_vendor("published"),
        lambda a, v: services.set_vendor_verified(a, v, True, "Company registry checked", utcnow()),
        "vendor.verify",
        "vendor",
    ),
    "verify_certification": (
        _setup_cert,
        lambda a, c: services.verify_certification(a, c, "Seen", None, utcnow()),
        "certification.verify",
        "vendor",
    ),
    "revoke_certification": (
        lambda: _setup_cert("verified"),
        lambda a, c: services.revoke_certification(a, c, REASON, utcnow()),
        "certification.revoke",
        "vendor",
    ),
    "resolve_flag": (
        _setup_flag,
        lambda a, f: services.resolve_flag(a, f, "dismiss", "", utcnow()),
        "flag.resolve",
        "flag",
    ),
    "publish_review": (
        _setup_review,
        lambda a, r: review_services.publish_review(a, r, utcnow()),
        "review.publish",
        "review",
    ),
    "reject_review": (
        _setup_review,
        lambda a, r: review_services.reject_review(a, r, REASON, utcnow()),
        "review.reject",
        "review",
    ),
    "hide_review": (
        lambda: _setup_review("published"),
        lambda a, r: review_services.hide_review(a, r, REASON, utcnow()),
        "review.hide",
        "review",
    ),
}


def _target_id(target: Any) -> int:
    return target.vendor_id if isinstance(target, VendorCertification) else target.id


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_every_admin_service_writes_its_audit_row(admin, name):
    setup, call, action, target_type = AUDITED[name]
    target = setup()
    db.session.flush()
    before = db.session.scalar(select(func.count(AuditLog.id)))

    call(admin, target)

    entry = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert db.session.scalar(select(func.count(AuditLog.id))) == before + 1
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        admin.id,
        action,
        target_type,
        _target_id(target),
    )
    assert "before" in entry.details and "after" in entry.details
    assert entry.details["before"] != entry.details["after"]


def test_admin_services_refuse_other_roles_and_write_nothing(ctx):
    buyer, vendor_user = create_user("buyer"), create_user("vendor")
    for setup, call, _, _ in AUDITED.values():
        target = setup()
        for user in (buyer, vendor_user):
            with pytest.raises(PermissionError):
                call(user, target)
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0


def test_the_audit_table_lists_every_admin_service():
    """A new admin service (first argument ``admin``) must be added to AUDITED above."""
    found = set()
    for module in (services, review_services):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if (
                fn.__module__ == module.__name__
                and params[:1] == ["admin"]
                and not name.startswith("_")
            ):
                found.add(name)
    assert found == set(AUDITED)


def test_a_failed_action_leaves_no_audit_row(admin):
    vendor = create_vendor(status="published")
    with pytest.raises(FieldErrors):
        services.suspend_vendor(admin, vendor, "", utcnow())
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0
    assert enqueued(vendor.id) == 0


def test_audit_rows_survive_only_with_their_action(app):
    """The audit row and the change commit together: a rollback drops both."""
    with app.app_context():
        admin = create_user("admin")
        vendor = create_vendor(status="pending")
        db.session.commit()
        services.approve_vendor(admin, vendor, utcnow())
        db.session.rollback()
        assert vendor.status == "pending"
        assert db.session.scalar(select(func.count(AuditLog.id))) == 0


def test_admin_http_actions_reach_the_services(app):
    client = app.test_client()
    with app.app_context():
        admin = ref(create_user("admin"))
        vendor = create_vendor(status="pending")
        vendor_id = vendor.id
        db.session.commit()
    login(client, admin)
    assert client.post(f"/admin/vendors/{vendor_id}/approve").status_code == 302
    missing = client.post(f"/admin/vendors/{vendor_id}/suspend", data={"reason": ""})
    assert missing.status_code == 422 and b"at least 5 characters" in missing.data
    ok = client.post(f"/admin/vendors/{vendor_id}/suspend", data={"reason": "Fake reviews."})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Vendor, vendor_id).status == "suspended"
        assert sorted(db.session.scalars(select(AuditLog.action))) == [
            "vendor.approve",
            "vendor.suspend",
        ]


def test_admin_grants_and_removes_the_verified_badge_with_a_note(app, client):
    from tests.conftest import login

    with app.app_context():
        admin_user = create_user("admin")
        vendor = create_vendor(status="published")
        db.session.commit()
        vendor_id, token = vendor.id, admin_user.session_token
    login(client, token)
    url = f"/admin/vendors/{vendor_id}/verified"
    missing_note = client.post(url, data={"verified": "1", "reason": ""})
    assert missing_note.status_code == 422
    assert (
        client.post(url, data={"verified": "1", "reason": "Registry entry 12345 seen"}).status_code
        == 302
    )
    again = client.post(url, data={"verified": "1", "reason": "Registry entry 12345 seen"})
    assert again.status_code == 422 and b"already verified" in again.data
    with app.app_context():
        from marketplace.directory.models import Vendor

        assert db.session.get(Vendor, vendor_id).verified is True
        actions = db.session.scalars(
            select(AuditLog.action).where(AuditLog.target_id == vendor_id)
        ).all()
        assert "vendor.verify" in actions
    assert (
        client.post(url, data={"verified": "0", "reason": "Registration lapsed"}).status_code == 302
    )
    with app.app_context():
        from marketplace.directory.models import Vendor

        assert db.session.get(Vendor, vendor_id).verified is False


def test_non_admins_cannot_touch_the_verified_badge(app, client):
    from tests.conftest import login

    with app.app_context():
        vendor = create_vendor(status="published")
        db.session.commit()
        vendor_id, token = vendor.id, vendor.owner.session_token
    login(client, token)
    response = client.post(
        f"/admin/vendors/{vendor_id}/verified", data={"verified": "1", "reason": "Trust me"}
    )
    assert response.status_code == 403
    with app.app_context():
        from marketplace.directory.models import Vendor

        assert db.session.get(Vendor, vendor_id).verified is False
