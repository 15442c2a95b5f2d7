"""The demo directory: deterministic, in every workflow state, and internally consistent."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.accounts.services import authenticate
from marketplace.demo.digest import dataset_digest
from marketplace.demo.generator import (
    DEMO_ACCOUNTS,
    REFERENCE_NOW,
    DemoDataError,
    ensure_reference_data,
    load_demo,
)
from marketplace.directory.models import (
    Certification,
    ServiceCategory,
    Vendor,
    VendorService,
)
from marketplace.extensions import db
from marketplace.quotes.models import (
    INVITATION_STATUSES,
    QUOTE_STATUSES,
    REQUEST_STATUSES,
    Invitation,
    Quote,
    QuoteRequest,
)
from marketplace.rates.models import ExchangeRate
from marketplace.reviews.models import Review
from marketplace.search.models import SearchPending
from tests.conftest import base_config

VENDORS = 60
SEED = 1


@pytest.fixture
def demo(app: Flask) -> Iterator[Flask]:
    """The ``app`` database with the demo data loaded, inside an application context."""
    with app.app_context():
        load_demo(vendors=VENDORS, seed=SEED)
        yield app


def fresh_sqlite_app(sqlite_template: Path, folder: Path) -> Flask:
    folder.mkdir()
    db_path = folder / "demo.db"
    shutil.copyfile(sqlite_template, db_path)
    return create_app(base_config(folder, f"sqlite:///{db_path}"))


def load_elsewhere(sqlite_template: Path, folder: Path, seed: int) -> tuple[str, list[tuple]]:
    """Load the demo into a second, fresh SQLite database; its digest and vendor names."""
    other = fresh_sqlite_app(sqlite_template, folder)
    with other.app_context():
        load_demo(vendors=VENDORS, seed=seed)
        result = dataset_digest(), vendor_names()
        db.session.remove()
        db.engine.dispose()
    return result


def vendor_names() -> list[tuple]:
    return list(db.session.execute(select(Vendor.id, Vendor.name, Vendor.slug).order_by(Vendor.id)))


def test_same_seed_gives_the_same_data_on_every_database(demo, sqlite_template, tmp_path):
    digest, names = dataset_digest(), vendor_names()
    assert len(names) == VENDORS
    assert len({n for _, n, _ in names}) == VENDORS and len({s for _, _, s in names}) == VENDORS

    other_digest, other_names = load_elsewhere(sqlite_template, tmp_path / "again", SEED)
    assert other_names == names
    assert other_digest == digest  # every row of every table, secrets aside

    _, different = load_elsewhere(sqlite_template, tmp_path / "other-seed", SEED + 1)
    assert different != names


def test_every_workflow_state_is_present(demo):
    def statuses(column) -> set[str]:
        return set(db.session.scalars(select(column).distinct()))

    assert statuses(QuoteRequest.status) == set(REQUEST_STATUSES)
    assert statuses(Invitation.status) == set(INVITATION_STATUSES)
    assert statuses(Quote.status) == set(QUOTE_STATUSES)
    assert {"published", "pending"} <= statuses(Review.status)
    versions = set(db.session.scalars(select(Quote.version).distinct()))
    assert {1, 2} <= versions


def test_awarded_requests_have_one_accepted_quote_and_a_won_invitation(demo):
    requests = {r.id: r for r in db.session.scalars(select(QuoteRequest))}
    invitations = list(db.session.scalars(select(Invitation)))
    by_invitation: dict[int, list[Quote]] = defaultdict(list)
    for quote in db.session.scalars(select(Quote).order_by(Quote.invitation_id, Quote.version)):
        by_invitation[quote.invitation_id].append(quote)
    invitation_by_id = {i.id: i for i in invitations}

    for invitation_id, quotes in by_invitation.items():
        invitation = invitation_by_id[invitation_id]
        assert all(q.request_id == invitation.request_id for q in quotes)
        assert [q.version for q in quotes] == list(range(1, len(quotes) + 1))
        assert all(q.status == "superseded" for q in quotes[:-1])
        assert quotes[-1].status != "superseded"
        assert invitation.responded_at is not None

    for request in requests.values():
        invs = [i for i in invitations if i.request_id == request.id]
        latest = [by_invitation[i.id][-1] for i in invs if by_invitation.get(i.id)]
        accepted = [q for q in latest if q.status == "accepted"]
        if request.status == "awarded":
            assert len(accepted) == 1, request
            assert request.awarded_at is not None
            won = [i for i in invs if i.status == "won"]
            assert [i.id for i in won] == [accepted[0].invitation_id]
            assert {i.status for i in invs if i not in won} <= {"lost", "declined"}
            assert {q.status for q in latest if q not in accepted} <= {"rejected", "withdrawn"}
        else:
            assert not accepted
            assert not {i.status for i in invs} & {"won", "lost"}
            assert "rejected" not in {q.status for q in latest}
        if request.status == "draft":
            assert not invs and request.published_at is None
        if request.status == "open":
            assert request.quotes_due_at > REFERENCE_NOW
            assert {q.status for q in latest} <= {"submitted", "withdrawn"}


def test_ratings_match_the_published_reviews_of_won_requests(demo):
    winners = {
        i.request_id: i.vendor_id
        for i in db.session.scalars(select(Invitation).where(Invitation.status == "won"))
    }
    published: dict[int, list[int]] = defaultdict(list)
    for review in db.session.scalars(select(Review)):
        assert review.request_id in winners, "a review only follows an award"
        assert winners[review.request_id] == review.vendor_id
        if review.status == "published":
            published[review.vendor_id].append(review.overall)
    assert published, "the demo has published reviews"
    for vendor in db.session.scalars(select(Vendor)):
        ratings = published.get(vendor.id, [])
        assert vendor.review_count == len(ratings)
        if ratings:
            mean = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert vendor.rating_avg == mean
        else:
            assert vendor.rating_avg is None


def test_demo_accounts_sign_in_and_have_something_to_show(demo):
    users = {}
    for role, email, password in DEMO_ACCOUNTS:
        user = authenticate(email, password, REFERENCE_NOW)
        assert user is not None and user.role == role, email
        users[role] = user

    vendor = db.session.execute(
        select(Vendor).where(Vendor.owner_id == users["vendor"].id)
    ).scalar_one()
    assert vendor.status == "published" and vendor.verified
    assert vendor.description and vendor.tagline and vendor.website and vendor.languages
    payroll = db.session.execute(
        select(VendorService)
        .join(ServiceCategory)
        .where(VendorService.vendor_id == vendor.id, ServiceCategory.slug == "payroll")
    ).scalar_one()
    assert payroll.indicative_price > 0
    lead_states = set(
        db.session.scalars(
            select(Invitation.status).where(Invitation.vendor_id == vendor.id).distinct()
        )
    )
    assert {"invited", "viewed", "quoted", "declined", "won", "lost"} <= lead_states
    assert vendor.review_count > 0

    buyer_requests = list(
        db.session.scalars(select(QuoteRequest).where(QuoteRequest.buyer_id == users["buyer"].id))
    )
    assert {"draft", "open", "awarded", "closed", "cancelled"} <= {r.status for r in buyer_requests}
    comparable = [r for r in buyer_requests if r.status == "open" and len(live_quotes(r.id)) >= 3]
    assert comparable, "an open request with quotes ready to compare"
    quotes = live_quotes(comparable[0].id)
    assert len({q.currency for q in quotes}) >= 3
    assert len({q.pricing_model for q in quotes}) >= 3


def live_quotes(request_id: int) -> list[Quote]:
    return list(
        db.session.scalars(
            select(Quote).where(Quote.request_id == request_id, Quote.status == "submitted")
        )
    )


def test_directory_is_realistic(demo):
    vendors = list(db.session.scalars(select(Vendor)))
    statuses = Counter(v.status for v in vendors)
    assert statuses["published"] / len(vendors) > 0.8
    assert len({v.country for v in vendors}) >= 10
    assert {"USD", "EUR", "GBP", "INR", "PHP"} <= {v.rate_currency for v in vendors}
    for v in vendors:
        if v.hourly_rate_min is not None:
            assert v.hourly_rate_max >= v.hourly_rate_min
    categories = set(
        db.session.scalars(select(ServiceCategory.slug).join(VendorService).distinct())
    )
    assert len(categories) == 6
    assert db.session.scalar(select(func.count()).select_from(ExchangeRate)) >= 15
    assert db.session.scalar(select(func.count()).select_from(SearchPending)) == 0
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.role == "buyer")) >= 8
    )


def test_reference_data_is_idempotent(app):
    with app.app_context():
        first = ensure_reference_data()
        second = ensure_reference_data()
        db.session.commit()
        assert first == second
        assert db.session.scalar(select(func.count()).select_from(ServiceCategory)) == 6
        assert db.session.scalar(select(func.count()).select_from(Certification)) == 8
        soc2 = db.session.execute(
            select(Certification).where(Certification.slug == "soc-2")
        ).scalar_one()
        assert soc2.name == "SOC 2"


def test_loading_twice_is_refused(demo):
    with pytest.raises(DemoDataError):
        load_demo(vendors=VENDORS, seed=SEED)


def test_demo_data_follows_the_services_rules(demo):
    """Vocabulary and limits the admin and quotes services enforce hold for the demo rows too."""
    from marketplace.admin.audit import ACTIONS, TARGET_TYPES
    from marketplace.admin.models import AuditLog, Flag
    from marketplace.admin.services import FLAG_ACTIONS

    for action, target_type in db.session.execute(
        select(AuditLog.action, AuditLog.target_type).distinct()
    ):
        assert action in ACTIONS and target_type in TARGET_TYPES
    resolutions = set(db.session.scalars(select(Flag.resolution).where(Flag.status == "resolved")))
    assert resolutions <= set(FLAG_ACTIONS)
    assert db.session.scalar(select(func.count()).where(Flag.status == "open")) > 0
    hidden = set(db.session.scalars(select(Review.id).where(Review.status == "hidden")))
    hidden_by_flag = set(
        db.session.scalars(
            select(Flag.target_id).where(
                Flag.target_type == "review", Flag.resolution == "hide_review"
            )
        )
    )
    assert hidden <= hidden_by_flag

    superseded = list(db.session.scalars(select(Quote).where(Quote.status == "superseded")))
    assert superseded and all(q.decided_at is not None for q in superseded)

    first_quotes: Counter[tuple[int, str]] = Counter()
    rows = db.session.execute(
        select(Invitation.vendor_id, Quote.created_at)
        .join(Quote, Quote.invitation_id == Invitation.id)
        .join(Vendor, Vendor.id == Invitation.vendor_id)
        .where(Quote.version == 1, Vendor.plan == "free")
    )
    for vendor_id, created_at in rows:
        first_quotes[(vendor_id, created_at.strftime("%Y-%m"))] += 1
    assert max(first_quotes.values()) <= 5  # FREE_PLAN_MONTHLY_QUOTES
