"""Reviews and reports over HTTP: who reaches which page, and what a submit leaves behind."""

from __future__ import annotations

import pytest
from flask import render_template
from sqlalchemy import func, select

from marketplace.admin.models import Flag
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.reviews.services import profile_reviews
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import (
    BODY,
    create_awarded_request,
    create_request,
    create_review,
    ref,
)

FORM = {
    "overall": "5",
    "quality": "5",
    "communication": "4",
    "value": "4",
    "timeliness": "5",
    "title": "Smooth switch",
    "body": BODY,
}


def _count(model) -> int:
    return int(db.session.scalar(select(func.count(model.id))) or 0)


@pytest.fixture
def app(sqlite_app):
    """HTTP behaviour, not database behaviour: SQLite is enough (services run on both)."""
    return sqlite_app


@pytest.fixture
def scene(app):
    with app.app_context():
        buyer = create_user("buyer")
        winner = create_vendor("Winner Payroll", slug="winner-payroll")
        loser = create_vendor("Loser Payroll")
        awarded = create_awarded_request(buyer, winner, [loser])
        open_request = create_request(buyer, status="open")
        scene = {
            "buyer": ref(buyer),
            "winner": ref(winner),
            "loser": ref(loser),
            "awarded": awarded.id,
            "open": open_request.id,
        }
        db.session.commit()
        return scene


def test_buyer_writes_one_review_after_the_award(app, client, scene):
    login(client, scene["buyer"])
    url = f"/reviews/new/{scene['awarded']}"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Review Winner Payroll" in page.data

    response = client.post(url, data=FORM)
    assert response.status_code == 302
    again = client.post(url, data=FORM)
    assert again.status_code == 409
    assert b"already reviewed" in again.data
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert (review.vendor_id, review.status, review.title) == (
            scene["winner"].id,
            "pending",
            "Smooth switch",
        )


def test_dashboard_links_the_awarded_request_to_its_review(client, scene):
    login(client, scene["buyer"])
    page = client.get("/dashboard")
    assert f"/reviews/new/{scene['awarded']}".encode() in page.data
    assert f"/reviews/new/{scene['open']}".encode() not in page.data


def test_review_form_errors_show_beside_the_fields(app, client, scene):
    login(client, scene["buyer"])
    response = client.post(f"/reviews/new/{scene['awarded']}", data={**FORM, "body": "Short."})
    assert response.status_code == 200
    assert b"Write at least 50 characters" in response.data
    with app.app_context():
        assert _count(Review) == 0


def test_no_review_before_the_award(app, client, scene):
    login(client, scene["buyer"])
    response = client.post(f"/reviews/new/{scene['open']}", data=FORM)
    assert response.status_code == 409
    assert b"once you have awarded" in response.data
    with app.app_context():
        assert _count(Review) == 0


def test_another_buyer_gets_404(app, client, scene):
    with app.app_context():
        other = ref(create_user("buyer"))
        db.session.commit()
    login(client, other)
    assert client.post(f"/reviews/new/{scene['awarded']}", data=FORM).status_code == 404
    with app.app_context():
        assert _count(Review) == 0


def test_vendor_gets_403_and_anonymous_is_sent_to_sign_in(app, client, scene):
    assert "/login" in client.get(f"/reviews/new/{scene['awarded']}").location
    login(client, scene["winner"].owner)
    assert client.post(f"/reviews/new/{scene['awarded']}", data=FORM).status_code == 403
    with app.app_context():
        assert _count(Review) == 0


def test_auto_publish_setting_publishes_on_submit(app, client, scene):
    app.config["AUTO_PUBLISH_VERIFIED_REVIEWS"] = True
    login(client, scene["buyer"])
    client.post(f"/reviews/new/{scene['awarded']}", data=FORM)
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert review.status == "published"
        assert review.vendor.review_count == 1


def test_vendor_replies_once_from_its_reviews_page(app, client, scene):
    with app.app_context():
        review_id = create_review(_awarded(scene), status="published").id
        db.session.commit()
    login(client, scene["winner"].owner)
    page = client.get("/reviews/received")
    assert page.status_code == 200
    assert BODY[:40].encode() in page.data

    ok = client.post(f"/reviews/{review_id}/reply", data={"body": "Thank you for the trust."})
    assert ok.status_code == 302
    again = client.post(f"/reviews/{review_id}/reply", data={"body": "And again."})
    assert again.status_code == 409
    after = client.get("/reviews/received")
    assert b"Thank you for the trust." in after.data
    with app.app_context():
        assert db.session.get(Review, review_id).vendor_reply == "Thank you for the trust."


def test_another_vendor_cannot_reply(app, client, scene):
    with app.app_context():
        review_id = create_review(_awarded(scene), status="published").id
        db.session.commit()
    login(client, scene["loser"].owner)
    assert client.post(f"/reviews/{review_id}/reply", data={"body": "Ha."}).status_code == 404
    with app.app_context():
        assert db.session.get(Review, review_id).vendor_reply == ""


def _awarded(scene):
    from marketplace.quotes.models import QuoteRequest

    return db.session.get(QuoteRequest, scene["awarded"])


def test_signed_in_user_reports_a_vendor_once(app, client, scene):
    reporter = scene["buyer"]
    login(client, reporter)
    assert client.get("/report/vendor/winner-payroll").status_code == 200
    response = client.post(
        "/report/vendor/winner-payroll",
        data={"reason": "The SOC 2 badge is not real, their report expired."},
    )
    assert response.status_code == 302
    client.post("/report/vendor/winner-payroll", data={"reason": "Reporting it a second time."})
    with app.app_context():
        flag = db.session.scalars(select(Flag)).one()
        assert (flag.target_type, flag.target_id, flag.reporter_id, flag.status) == (
            "vendor",
            scene["winner"].id,
            reporter.id,
            "open",
        )


def test_signed_in_user_reports_a_review(app, client, scene):
    with app.app_context():
        review_id = create_review(_awarded(scene), status="published").id
        db.session.commit()
    login(client, scene["loser"].owner)
    short = client.post(f"/report/review/{review_id}", data={"reason": "fake"})
    assert short.status_code == 200 and b"at least 10 characters" in short.data
    client.post(
        f"/report/review/{review_id}", data={"reason": "This reviewer never worked with them."}
    )
    with app.app_context():
        flag = db.session.scalars(select(Flag)).one()
        assert (flag.target_type, flag.target_id) == ("review", review_id)


def test_reports_need_a_signed_in_user_and_a_public_target(app, client, scene):
    with app.app_context():
        pending_id = create_review(_awarded(scene), status="pending").id
        create_vendor("Hidden", status="suspended", slug="hidden-vendor")
        db.session.commit()
    assert (
        "/login" in client.post("/report/vendor/winner-payroll", data={"reason": "x" * 20}).location
    )
    login(client, scene["buyer"])
    assert client.get(f"/report/review/{pending_id}").status_code == 404
    assert client.get("/report/vendor/hidden-vendor").status_code == 404
    with app.app_context():
        assert _count(Flag) == 0


def test_profile_partial_shows_distribution_sub_ratings_and_reply(app, scene):
    with app.app_context():
        review = create_review(_awarded(scene), status="published", overall=4, ratings=(4, 5, 3, 4))
        review.vendor_reply = "Glad it worked <out>."
        db.session.commit()
        vendor = review.vendor
        with app.test_request_context(f"/v/{vendor.slug}"):
            html = render_template(
                "reviews/_profile_reviews.html",
                vendor=vendor,
                review_summary=profile_reviews(vendor, 1),
            )
    assert "from 1 verified review" in html
    assert 'aria-label="4 out of 5 stars"' in html
    assert "Verified engagement" in html
    assert "Value for money" in html and "3.0 / 5" in html
    assert "Glad it worked &lt;out&gt;." in html  # escaped
    assert "style=" not in html
