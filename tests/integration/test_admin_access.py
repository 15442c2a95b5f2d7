"""Who may use the admin routes: admins act; buyers and vendors get 403 and change nothing;
anonymous visitors are sent to sign in. Also: the admin pages render with real items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.admin import services
from marketplace.admin.models import AuditLog, Flag
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor, VendorCertification
from marketplace.extensions import db
from marketplace.reviews.models import Review
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import create_awarded_request, create_review, ref

REASON = {
    "reason": "Breaks the listing rules.",
    "message": "Add prices to your services.",
    "note": "Checked and acted on.",
    "action": "dismiss",
    "evidence_note": "Seen.",
}


@pytest.fixture
def app(sqlite_app):
    """HTTP behaviour, not database behaviour: SQLite is enough (services run on both)."""
    return sqlite_app


@pytest.fixture
def world(app):
    """One object in every state an admin action expects, committed for the HTTP client."""
    with app.app_context():
        pending = create_vendor("Pending Co", status="pending")
        published = create_vendor("Live Co", status="published", certifications=("soc-2",))
        suspended = create_vendor("Paused Co", status="suspended")
        review = create_review(create_awarded_request(create_user("buyer"), published))
        shown = create_review(
            create_awarded_request(create_user("buyer"), published), status="published"
        )
        flag = services.flag_target(
            create_user("buyer"), published, "Their certificate is fake.", utcnow()
        )
        cert_id = published.certifications[0].certification_id
        world = {
            "admin": ref(create_user("admin")),
            "buyer": ref(create_user("buyer")),
            "vendor": ref(published.owner),
            "pending": pending.id,
            "published": published.id,
            "suspended": suspended.id,
            "review": review.id,
            "shown": shown.id,
            "flag": flag.id,
            "cert": cert_id,
        }
        db.session.commit()
        return world


def _posts(w):
    v, p, s = w["pending"], w["published"], w["suspended"]
    return [
        f"/admin/vendors/{v}/approve",
        f"/admin/vendors/{v}/reject",
        f"/admin/vendors/{v}/request-changes",
        f"/admin/vendors/{p}/suspend",
        f"/admin/vendors/{s}/reinstate",
        f"/admin/vendors/{p}/certifications/{w['cert']}/verify",
        f"/admin/vendors/{p}/certifications/{w['cert']}/revoke",
        f"/admin/reviews/{w['review']}/publish",
        f"/admin/reviews/{w['review']}/reject",
        f"/admin/reviews/{w['shown']}/hide",
        f"/admin/flags/{w['flag']}/resolve",
    ]


def _gets(w):
    return [
        "/admin/queue",
        "/admin/queue?tab=flags",
        "/admin/vendors",
        f"/admin/vendors/{w['published']}",
        "/admin/audit",
        "/admin/audit.csv",
    ]


def _state(app):
    with app.app_context():
        return (
            sorted(db.session.execute(select(Vendor.id, Vendor.status)).all()),
            sorted(db.session.execute(select(Review.id, Review.status)).all()),
            sorted(db.session.execute(select(Flag.id, Flag.status)).all()),
            sorted(
                db.session.execute(
                    select(VendorCertification.vendor_id, VendorCertification.status)
                ).all()
            ),
            db.session.scalar(select(func.count(AuditLog.id))),
        )


@pytest.mark.parametrize("role", ["buyer", "vendor"])
def test_buyers_and_vendors_get_403_and_change_nothing(app, world, role):
    client = app.test_client()
    login(client, world[role])
    before = _state(app)
    for url in _posts(world):
        assert client.post(url, data=REASON).status_code == 403, url
    for url in _gets(world):
        assert client.get(url).status_code == 403, url
    assert _state(app) == before


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    client = app.test_client()
    before = _state(app)
    for url in _posts(world) + _gets(world):
        response = client.post(url, data=REASON) if url in _posts(world) else client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.location, url
    assert _state(app) == before


def test_admin_performs_the_actions_over_http(app, world):
    client = app.test_client()
    login(client, world["admin"])
    skipped = ("/reject", "/request-changes")  # conflicts once the first action has run
    for url in _posts(world):
        if url.endswith(skipped):
            continue
        response = client.post(url, data=REASON)
        assert response.status_code == 302, (url, response.status_code)
    with app.app_context():
        assert db.session.get(Vendor, world["pending"]).status == "published"
        # suspended, then (the flag dismissed) left suspended; the paused one is reinstated
        assert db.session.get(Vendor, world["published"]).status == "suspended"
        assert db.session.get(Vendor, world["suspended"]).status == "published"
        assert db.session.get(Review, world["review"]).status == "published"
        assert db.session.get(Review, world["shown"]).status == "hidden"
        assert db.session.get(Flag, world["flag"]).status == "resolved"
        link = db.session.get(VendorCertification, (world["published"], world["cert"]))
        assert link.status == "claimed"  # verified, then revoked
        assert db.session.scalar(select(func.count(AuditLog.id))) == 8


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("reject", {"reason": "No such company in the registry."}),
        ("request-changes", {"message": "Add at least one priced service."}),
    ],
)
def test_admin_rejects_or_asks_for_changes_over_http(app, world, path, data):
    client = app.test_client()
    login(client, world["admin"])
    assert client.post(f"/admin/vendors/{world['pending']}/{path}", data=data).status_code == 302
    with app.app_context():
        vendor = db.session.get(Vendor, world["pending"])
        assert vendor.status == ("rejected" if path == "reject" else "draft")
        assert vendor.status_reason == next(iter(data.values()))


def test_conflicting_action_is_shown_not_applied(app, world):
    client = app.test_client()
    login(client, world["admin"])
    response = client.post(f"/admin/vendors/{world['published']}/approve")
    assert response.status_code == 422
    assert b"cannot be changed this way" in response.data
    again = client.post(f"/admin/reviews/{world['shown']}/publish")
    assert again.status_code == 422
    assert b"This review is published now" in again.data  # flashed: not on the queue page


def test_review_rejection_without_reason_keeps_the_review_pending(app, world):
    client = app.test_client()
    login(client, world["admin"])
    response = client.post(f"/admin/reviews/{world['review']}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert b"at least 5 characters" in response.data
    with app.app_context():
        assert db.session.get(Review, world["review"]).status == "pending"


def test_admin_pages_render_their_items(app, world):
    client = app.test_client()
    login(client, world["admin"])
    vendors = client.get("/admin/queue?tab=vendors")
    assert vendors.status_code == 200 and b"Pending Co" in vendors.data
    reviews = client.get("/admin/queue?tab=reviews")
    assert b"They took over our payroll" in reviews.data
    flags = client.get("/admin/queue?tab=flags")
    assert b"Their certificate is fake." in flags.data
    certs = client.get("/admin/queue?tab=certifications")
    assert b"SOC-2" in certs.data
    detail = client.get(f"/admin/vendors/{world['published']}")
    assert detail.status_code == 200 and b"Suspend" in detail.data
    assert b"Hide the review" in detail.data and b"Moderate it in the queue" in detail.data
    found = client.get("/admin/vendors?q=paused&status=suspended")
    assert b"Paused Co" in found.data and b"Live Co" not in found.data
    assert client.get("/admin/vendors/999999").status_code == 404
    assert client.get("/admin/queue?tab=nonsense&page=-3").status_code == 200


def test_certification_expiry_errors_show_on_the_vendor_page(app, world):
    client = app.test_client()
    login(client, world["admin"])
    past = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/admin/vendors/{world['published']}/certifications/{world['cert']}/verify",
        data={"evidence_note": "", "expires_on": past},
    )
    assert response.status_code == 422
    assert b"That date has passed" in response.data
