"""The quote workflow through HTTP: who may open or post to every route, and the journeys.

The access matrix runs once per kind of visitor over every quotes route, so a new route without a
rule fails here. Expected answers: "login" (anonymous: redirected to sign in), 403 (wrong role),
404 (right role, somebody else's object: it must not be revealed), 200 or 302 (allowed).

These tests are about routing, access and pages, not the database: they run on SQLite only
(``sqlite_app``). Every rule they reach is also a service test on both databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import Notification
from marketplace.quotes import services
from marketplace.quotes.models import Invitation, Message, Quote, QuoteRequest
from tests.conftest import login
from tests.fixtures.factories import (
    create_category,
    create_certification,
    create_user,
    create_vendor,
)
from tests.fixtures.quotes import make_request


@pytest.fixture
def app(sqlite_app):
    return sqlite_app


def keep(*users):
    """Detach users after the commit so tests can sign them in outside the app context."""
    for user in users:
        db.session.refresh(user)
        db.session.expunge(user)


@dataclass
class World:
    owner: object
    other_buyer: object
    invited_vendor: object  # user of vendors[0], who quoted
    other_vendor: object  # a published vendor's user, not invited
    admin: object
    request_id: int
    draft_id: int
    quote_id: int
    invitation_id: int
    vendor_id: int


def build_world(app) -> World:
    """An open request with one quote and a second invited vendor, plus a draft; committed."""
    with app.app_context():
        now = utcnow()
        s = make_request(now=now, vendors=2)
        quote = s.quote(0, now=now)
        draft = make_request(s.buyer, vendors=0, publish=False, now=now)
        # invited to the draft, so the vendor's 404 on it means "not published yet"
        services.invite_vendors(s.buyer, draft.request, [s.vendors[0].id], now)
        world = World(
            owner=s.buyer,
            other_buyer=create_user("buyer"),
            invited_vendor=s.vendor_users[0],
            other_vendor=create_vendor().owner,
            admin=create_user("admin"),
            request_id=s.request.id,
            draft_id=draft.request.id,
            quote_id=quote.id,
            invitation_id=s.invitation(0).id,
            vendor_id=s.vendors[0].id,
        )
        db.session.commit()
        keep(world.owner, world.other_buyer, world.invited_vendor, world.other_vendor, world.admin)
        return world


def routes(w: World) -> list[tuple[str, str, dict[str, object]]]:
    """(method, url, expected answer per visitor) for every quotes route."""
    r, d, q, i, v = w.request_id, w.draft_id, w.quote_id, w.invitation_id, w.vendor_id
    buyer_page = {
        "anonymous": "login",
        "owner": 200,
        "other_buyer": 404,
        "invited_vendor": 403,
        "other_vendor": 403,
        "admin": 403,
    }
    buyer_action = {**buyer_page, "owner": None}  # the owner's success is tested in journeys
    lead = {
        "anonymous": "login",
        "owner": 403,
        "other_buyer": 403,
        "invited_vendor": 200,
        "other_vendor": 404,
        "admin": 403,
    }
    lead_action = {**lead, "invited_vendor": None}
    thread = {
        "anonymous": "login",
        "owner": 200,
        "other_buyer": 404,
        "invited_vendor": 200,
        "other_vendor": 404,
        "admin": 200,
    }
    own_list = {
        "anonymous": "login",
        "owner": 200,
        "other_buyer": 200,
        "invited_vendor": 403,
        "other_vendor": 403,
        "admin": 403,
    }
    vendor_list = {
        "anonymous": "login",
        "owner": 403,
        "other_buyer": 403,
        "invited_vendor": 200,
        "other_vendor": 200,
        "admin": 403,
    }
    return [
        ("GET", "/requests", own_list),
        ("GET", "/requests/new", own_list),
        (
            "GET",
            f"/requests/{r}",
            {
                "anonymous": "login",
                "owner": 200,
                "other_buyer": 404,
                "invited_vendor": 302,
                "other_vendor": 404,
                "admin": 200,
            },
        ),
        (
            "GET",
            f"/requests/{d}",
            {
                "anonymous": "login",
                "owner": 200,
                "other_buyer": 404,
                "invited_vendor": 404,
                "other_vendor": 404,
                "admin": 200,
            },
        ),
        ("GET", f"/requests/{d}/edit", buyer_page),
        ("GET", f"/requests/{r}/match", buyer_page),
        ("GET", f"/requests/{r}/quotes/{q}/award", buyer_page),
        ("POST", f"/requests/{r}/quotes/{q}/award", buyer_action),
        ("POST", f"/requests/{d}/edit", buyer_action),
        ("POST", f"/requests/{d}/publish", buyer_action),
        ("POST", f"/requests/{r}/close", buyer_action),
        ("POST", f"/requests/{r}/cancel", buyer_action),
        ("POST", f"/requests/{r}/deadline", buyer_action),
        ("POST", f"/requests/{r}/invite", buyer_action),
        ("GET", f"/requests/{r}/messages/{v}", thread),
        (
            "POST",
            f"/requests/{r}/messages/{v}",
            {**thread, "owner": None, "invited_vendor": None, "admin": 403},
        ),
        ("GET", "/leads", vendor_list),
        ("GET", f"/leads/{i}", lead),
        ("POST", f"/leads/{i}/quote", lead_action),
        ("POST", f"/leads/{i}/decline", lead_action),
        ("POST", f"/leads/{i}/withdraw", lead_action),
    ]


def test_every_quotes_route_is_in_the_matrix(app):
    world_routes = {
        rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("quotes.")
    }
    covered = {
        re.sub(r"/\d+", "/<id>", url) for _, url, _ in routes(World(*([None] * 5), 1, 2, 3, 4, 5))
    }
    declared = {re.sub(r"<int:\w+>", "<id>", rule) for rule in world_routes}
    assert declared == covered


VISITORS = ("anonymous", "owner", "other_buyer", "invited_vendor", "other_vendor", "admin")


@pytest.mark.parametrize("visitor", VISITORS)
def test_route_access_by_visitor(app, visitor):
    w = build_world(app)
    client = app.test_client()
    if visitor != "anonymous":
        login(client, getattr(w, visitor))
    form = {
        "body": "hello",
        "reason": "no",
        "vendor_ids": "1",
        "quotes_due_at": "2030-01-01T10:00",
        "unit_price": "1",
        "pricing_model": "fixed_month",
        "currency": "USD",
    }
    for method, url, expected in routes(w):
        answer = expected[visitor]
        if answer is None:
            continue
        response = client.get(url) if method == "GET" else client.post(url, data=form)
        where = (method, url, visitor, response.status_code)
        if answer == "login":
            assert response.status_code == 302 and "/login" in response.location, where
        else:
            assert response.status_code == answer, where
    with app.app_context():  # nobody but the owner's journeys changed anything
        assert db.session.get(QuoteRequest, w.request_id).status == "open"
        assert db.session.get(QuoteRequest, w.draft_id).status == "draft"
        assert db.session.get(Quote, w.quote_id).status == "submitted"
        assert db.session.scalar(select(Message.id)) is None


# --------------------------------------------------------------------------------------------
# Journeys


def _field_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def test_buyer_posts_a_request_from_a_vendor_profile_and_publishes_it(app, client):
    with app.app_context():
        buyer = create_user("buyer")
        vendor = create_vendor(name="Acme Payroll")
        category_id = vendor.services[0].category_id
        create_certification("soc-2", "SOC 2")
        db.session.commit()
        vendor_id, vendor_user_id = vendor.id, vendor.owner_id
        keep(buyer)
    login(client, buyer)
    page = client.get(f"/requests/new?vendor={vendor_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Acme Payroll" in html and 'type="range"' in html
    assert re.search(
        rf'<option selected value="{category_id}"|<option value="{category_id}" '
        r"selected",
        html,
    )
    due = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "category_id": str(category_id),
        "title": "Payroll for 120 staff",
        "description": "Two sites",
        "quantity": "120",
        "unit": "employees paid per month",
        "contract_months": "24",
        "start_date": "",
        "budget_monthly": "2000",
        "currency": "USD",
        "in_house_monthly_cost": "5000",
        "quotes_due_at": due,
        "weight_price": "50",
        "weight_quality": "20",
        "weight_sla": "10",
        "weight_compliance": "10",
        "weight_responsiveness": "10",
        "vendor_ids": [str(vendor_id)],
        "action": "publish",
    }
    response = client.post("/requests/new", data=form)
    assert response.status_code == 302
    with app.app_context():
        request = db.session.scalar(select(QuoteRequest))
        assert response.location.endswith(f"/requests/{request.id}")
        assert request.status == "open" and request.weights["price"] == 50
        assert [i.vendor_id for i in request.invitations] == [vendor_id]
        assert (
            db.session.scalar(
                select(Notification).where(Notification.user_id == vendor_user_id)
            ).kind
            == "quote_invited"
        )
    page = client.get(response.location).get_data(as_text=True)
    assert "Acme Payroll" in page and "Open for quotes" in page


def test_request_form_errors_show_beside_the_fields_and_nothing_is_saved(app, client):
    with app.app_context():
        buyer = create_user("buyer")
        category = create_category("payroll")
        db.session.commit()
        category_id = category.id
        keep(buyer)
    login(client, buyer)
    response = client.post(
        "/requests/new",
        data={
            "category_id": str(category_id),
            "title": "Payroll",
            "quantity": "lots",
            "contract_months": "12",
            "currency": "USD",
            "quotes_due_at": "yesterday",
            "weight_price": "0",
            "weight_quality": "0",
            "weight_sla": "0",
            "weight_compliance": "0",
            "weight_responsiveness": "0",
            "action": "draft",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="quantity-error"' in html and 'id="quotes_due_at-error"' in html
    assert "at least one criterion" in html
    with app.app_context():
        assert db.session.scalar(select(QuoteRequest.id)) is None


def test_draft_edit_then_publish_then_get_matched_and_invite(app, client):
    with app.app_context():
        s = make_request(now=utcnow(), vendors=0, publish=False)
        good = create_vendor(name="Certified Co", certifications=("soc-2",))
        create_vendor(name="Other Category", categories=("data-entry",))
        db.session.commit()
        buyer, request_id, good_id = s.buyer, s.request.id, good.id
        keep(buyer)
    login(client, buyer)
    page = client.get(f"/requests/{request_id}/edit").get_data(as_text=True)
    assert _field_value(page, "title") == "Monthly payroll for 250 employees"
    assert client.post(f"/requests/{request_id}/publish").status_code == 302
    match = client.get(f"/requests/{request_id}/match").get_data(as_text=True)
    assert "Certified Co" in match and "Other Category" not in match
    assert "Serves Payroll" in match
    response = client.post(f"/requests/{request_id}/invite", data={"vendor_ids": [str(good_id)]})
    assert response.status_code == 302
    with app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.request_id == request_id)
        )
        assert invitation.vendor_id == good_id
    detail = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Certified Co" in detail and "Invited" in detail


def test_vendor_previews_sends_and_the_buyer_awards_after_confirming(app):
    with app.app_context():
        s = make_request(now=utcnow(), vendors=2)
        db.session.commit()
        buyer, vendor_user = s.buyer, s.vendor_users[0]
        request_id, invitation_id = s.request.id, s.invitation(0).id
        keep(buyer, vendor_user)
    vendor = app.test_client()
    login(vendor, vendor_user)
    lead = vendor.get(f"/leads/{invitation_id}").get_data(as_text=True)
    assert "Send a quote" in lead
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).status == "viewed"
    valid = (utcnow() + timedelta(days=60)).date().isoformat()
    form = {
        "pricing_model": "per_unit_month",
        "unit_price": "12.50",
        "setup_fee": "500",
        "minimum_monthly": "0",
        "currency": "USD",
        "turnaround_hours": "24",
        "accuracy_pct": "99.5",
        "valid_until": valid,
        "notes": "All in",
    }
    preview = vendor.post(f"/leads/{invitation_id}/quote", data={**form, "action": "preview"})
    text = preview.get_data(as_text=True)
    # 12.50 x 250 = 3,125 a month; 500 + 3,125 x 12 = 38,000 in total
    assert "$3,125.00" in text and "$38,000.00" in text
    with app.app_context():
        assert db.session.scalar(select(Quote.id)) is None  # a preview saves nothing
    sent = vendor.post(f"/leads/{invitation_id}/quote", data={**form, "action": "submit"})
    assert sent.status_code == 302
    with app.app_context():
        quote_id = db.session.scalar(select(Quote.id))

    client = app.test_client()
    login(client, buyer)
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "$3,125.00" in page and "$38,000.00" in page
    confirm = client.get(f"/requests/{request_id}/quotes/{quote_id}/award")
    assert "Yes, award" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(QuoteRequest, request_id).status == "open"  # GET changes nothing
    assert client.post(f"/requests/{request_id}/quotes/{quote_id}/award").status_code == 302
    with app.app_context():
        assert db.session.get(QuoteRequest, request_id).status == "awarded"
        assert db.session.get(Quote, quote_id).status == "accepted"
    assert "You won this request" in vendor.get(f"/leads/{invitation_id}").get_data(as_text=True)


def test_pages_check_the_clock_before_the_tick_runs(app):
    with app.app_context():
        s = make_request(now=utcnow(), vendors=1)
        s.request.quotes_due_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        vendor_user, invitation_id, buyer = s.vendor_users[0], s.invitation(0).id, s.buyer
        request_id = s.request.id
        keep(vendor_user, buyer)
    vendor = app.test_client()
    login(vendor, vendor_user)
    lead = vendor.get(f"/leads/{invitation_id}").get_data(as_text=True)
    assert "Quoting has closed" in lead and "Send a quote" not in lead
    response = vendor.post(
        f"/leads/{invitation_id}/quote",
        data={
            "pricing_model": "fixed_month",
            "unit_price": "100",
            "currency": "USD",
            "action": "submit",
        },
    )
    assert "Quoting on this request has closed" in response.get_data(as_text=True)
    buyer_client = app.test_client()
    login(buyer_client, buyer)
    assert "Closed for quotes" in buyer_client.get(f"/requests/{request_id}").get_data(as_text=True)


def test_exhausted_allowance_shows_a_clear_message(app):
    app.config["FREE_PLAN_MONTHLY_QUOTES"] = 0
    with app.app_context():
        s = make_request(now=utcnow(), vendors=1)
        db.session.commit()
        vendor_user, invitation_id = s.vendor_users[0], s.invitation(0).id
        keep(vendor_user)
    client = app.test_client()
    login(client, vendor_user)
    response = client.post(
        f"/leads/{invitation_id}/quote",
        data={
            "pricing_model": "fixed_month",
            "unit_price": "900",
            "currency": "USD",
            "action": "submit",
        },
    )
    assert "all 0 quotes included in the free plan" in response.get_data(as_text=True)
    assert "Upgrade to Pro" in response.get_data(as_text=True)


def test_decline_and_withdraw_through_the_lead_page(app):
    with app.app_context():
        s = make_request(now=utcnow(), vendors=2)
        s.quote(1, now=utcnow())
        db.session.commit()
        users = s.vendor_users
        ids = [s.invitation(0).id, s.invitation(1).id]
        keep(*users)
    first, second = app.test_client(), app.test_client()
    login(first, users[0])
    login(second, users[1])
    missing = first.post(f"/leads/{ids[0]}/decline", data={"reason": ""})
    assert 'id="reason-error"' in missing.get_data(as_text=True)
    assert first.post(f"/leads/{ids[0]}/decline", data={"reason": "Full"}).status_code == 302
    assert second.post(f"/leads/{ids[1]}/withdraw").status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, ids[0]).status == "declined"
        assert db.session.scalar(select(Quote.status)) == "withdrawn"


def test_threads_escape_text_link_safely_and_count_unread(app):
    with app.app_context():
        s = make_request(now=utcnow(), vendors=1)
        db.session.commit()
        buyer, vendor_user = s.buyer, s.vendor_users[0]
        request_id, vendor_id = s.request.id, s.vendors[0].id
        keep(buyer, vendor_user)
    buyer_client, vendor_client = app.test_client(), app.test_client()
    login(buyer_client, buyer)
    login(vendor_client, vendor_user)
    body = (
        "<script>alert(1)</script> see https://example.com/a?b=1&c=2. "
        'and javascript:alert(2) or http://x.test/"onmouseover="x'
    )
    url = f"/requests/{request_id}/messages/{vendor_id}"
    assert buyer_client.post(url, data={"body": body}).status_code == 302
    leads = vendor_client.get("/leads").get_data(as_text=True)
    assert "1 new" in leads
    html = vendor_client.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
        'target="_blank">'
    ) in html
    assert 'href="javascript' not in html and 'onmouseover="x' not in html
    assert "1 new" not in vendor_client.get("/leads").get_data(as_text=True)
    assert vendor_client.post(url, data={"body": "Thanks!"}).status_code == 302
    assert "1 new" in buyer_client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert buyer_client.post(url, data={"body": "   "}).status_code == 200  # error shown


def test_tick_cli_is_idempotent(app):
    with app.app_context():
        s = make_request(now=utcnow() - timedelta(days=8), vendors=1)
        db.session.commit()
        request_id = s.request.id
    runner = app.test_cli_runner()
    first = runner.invoke(args=["quotes", "tick"])
    assert first.exit_code == 0 and "closed 1 request(s)" in first.output
    second = runner.invoke(args=["quotes", "tick"])
    assert "closed 0 request(s)" in second.output
    with app.app_context():
        assert db.session.get(QuoteRequest, request_id).status == "closed"


def test_services_refuse_what_a_forged_form_tries(app):
    """Fields the forms do not name (status, plan, buyer) cannot be set through them."""
    with app.app_context():
        s = make_request(now=utcnow(), vendors=0, publish=False)
        db.session.commit()
        buyer, request_id = s.buyer, s.request.id
        category_id = s.request.category_id
        keep(buyer)
    client = app.test_client()
    login(client, buyer)
    due = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/requests/{request_id}/edit",
        data={
            "category_id": str(category_id),
            "title": "Edited title",
            "quantity": "10",
            "unit": "employees paid per month",
            "contract_months": "6",
            "currency": "USD",
            "quotes_due_at": due,
            "status": "awarded",
            "buyer_id": "999",
            "action": "draft",
            **{f"weight_{c}": "10" for c in services.CRITERIA},
        },
    )
    with app.app_context():
        request = db.session.get(QuoteRequest, request_id)
        assert (request.title, request.status, request.buyer_id) == (
            "Edited title",
            "draft",
            buyer.id,
        )


def _queries_for(app, client, url: str) -> int:
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_inbox_and_request_page_queries_do_not_grow_with_rows(app):
    """No N+1: the lead inbox and the request page cost the same with 1 or 4 vendors/leads."""
    with app.app_context():
        now = utcnow()
        vendor = create_vendor()
        small = make_request(now=now, vendors=1)
        big = make_request(now=now, vendors=4)
        for s in (small, big):
            for n in range(len(s.vendors)):
                s.quote(n, now=now)
        for _ in range(3):
            extra = make_request(now=now, vendors=0)
            services.invite_vendors(extra.buyer, extra.request, [vendor.id], now)
        db.session.commit()
        keep(small.buyer, big.buyer, vendor.owner, small.vendor_users[0])
        ids = (small.request.id, big.request.id)
        owners = (small.buyer, big.buyer)
        one_lead_user, many_leads_user = small.vendor_users[0], vendor.owner
    costs = []
    for owner, request_id in zip(owners, ids, strict=True):
        client = app.test_client()
        login(client, owner)
        costs.append(_queries_for(app, client, f"/requests/{request_id}"))
    assert costs[0] == costs[1], costs
    inbox = []
    for user in (one_lead_user, many_leads_user):
        client = app.test_client()
        login(client, user)
        inbox.append(_queries_for(app, client, "/leads"))
    assert inbox[0] == inbox[1], inbox
