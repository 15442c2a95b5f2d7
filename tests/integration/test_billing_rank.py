"""We sell no rank: turning Pro on never changes an order in search or in the directory listing.

Two otherwise-identical published vendors; the one listed *second* becomes Pro through the same
code path the Stripe webhook uses, and every ordering is compared before and after.
"""

from __future__ import annotations

from decimal import Decimal

from marketplace.billing.models import Subscription
from marketplace.billing.services import apply_subscription_state
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.directory.services import SORTS as LISTING_SORTS
from marketplace.directory.services import list_vendors
from marketplace.extensions import db
from marketplace.search.documents import SORTS as SEARCH_SORTS
from marketplace.search.documents import SearchQuery
from marketplace.search.services import (
    apply_pending,
    database_search,
    documents_for,
    rebuild_index,
    search_vendors,
)
from tests.fixtures.factories import create_vendor


def orders() -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {}
    for sort in SEARCH_SORTS:
        for text in ("", "payroll"):
            query = SearchQuery(text=text, sort=sort)  # type: ignore[arg-type]
            seen[f"database {sort} {text!r}"] = [h.id for h in database_search(query).hits]
            seen[f"index {sort} {text!r}"] = [h.id for h in search_vendors(query).hits]
    for sort in LISTING_SORTS:
        seen[f"listing {sort}"] = [v.id for v in list_vendors(sort=sort).items]
    return seen


def test_turning_pro_on_changes_no_order_in_search_or_listing(ctx):
    twins = [
        create_vendor(
            name,
            description="Payroll processing for mid-size employers.",
            tagline="Payroll outsourcing",
            country="PH",
            team_size=120,
            hourly_rate_min=Decimal("18.00"),
            hourly_rate_max=Decimal("30.00"),
            rating_avg=Decimal("4.50"),
            review_count=8,
            verified=True,
            published_at=utcnow(),
        )
        for name in ("Alpha Payroll Services", "Bravo Payroll Services")
    ]
    db.session.commit()
    rebuild_index()
    before = orders()
    assert all(len(ids) == 2 for ids in before.values()), before
    second = db.session.get(Vendor, before["listing rating"][1])

    sub = Subscription(
        vendor_id=second.id, stripe_customer_id="cus_rank", plan="free", status="none"
    )
    db.session.add(sub)
    apply_subscription_state(
        sub, second, {"id": "sub_rank", "status": "active"}, utcnow(), current=True
    )
    db.session.commit()
    apply_pending()  # the index follows the commit, as after a webhook request

    assert db.session.get(Vendor, second.id).plan == "pro"
    assert documents_for([second.id])[0].plan == "pro"  # the badge is indexed ...
    assert orders() == before  # ... and nothing moved
    assert {v.id for v in twins} == set(before["listing rating"])
