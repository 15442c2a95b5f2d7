"""Search through the database glue: the index follows commits, never rollbacks."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.search.documents import SearchQuery
from marketplace.search.models import SearchPending
from marketplace.search.services import (
    apply_pending,
    enqueue_vendor,
    rebuild_index,
    search_vendors,
    sync_all,
)
from tests.fixtures.factories import create_vendor


def ids(results):
    return {hit.id for hit in results.hits}


def add_vendor(**fields):
    vendor = create_vendor(**fields)
    enqueue_vendor(vendor.id)
    return vendor


def test_committed_changes_are_indexed_and_rolled_back_ones_are_not(ctx):
    kept = add_vendor(name="Manila Payroll Partners", description="payroll processing")
    db.session.commit()
    add_vendor(name="Ghost Payroll Services", description="payroll")
    db.session.rollback()
    assert sync_all() == 1
    found = search_vendors(SearchQuery(text="payroll"))
    assert ids(found) == {kept.id}
    assert db.session.scalar(select(func.count(SearchPending.id))) == 0


def test_typos_and_stemming_find_the_vendor(ctx):
    vendor = add_vendor(name="Ledgerline", description="Bookkeeping and payroll processing")
    db.session.commit()
    sync_all()
    for text in ("payrol", "bookeeping", "process", "LEDGERLINE"):
        assert vendor.id in ids(search_vendors(SearchQuery(text=text))), text


def test_unpublishing_removes_the_vendor_from_results(ctx):
    vendor = add_vendor(name="Cebu Data Entry", description="data entry")
    db.session.commit()
    sync_all()
    assert ids(search_vendors(SearchQuery(text="cebu"))) == {vendor.id}
    vendor.status = "suspended"
    enqueue_vendor(vendor.id)
    db.session.commit()
    apply_pending()
    assert ids(search_vendors(SearchQuery(text="cebu"))) == set()


def test_drafts_never_appear(ctx):
    add_vendor(name="Draft Payroll Co", status="draft")
    db.session.commit()
    sync_all()
    assert search_vendors(SearchQuery(text="draft payroll")).total == 0


def test_rebuild_reads_the_database_and_clears_pending_rows(ctx):
    for n in range(3):
        create_vendor(name=f"Rebuilt Vendor {n}", description="helpdesk support")
    db.session.commit()
    assert rebuild_index() == 3
    assert search_vendors(SearchQuery(text="helpdesk")).total == 3


def test_unreadable_index_falls_back_to_the_database(ctx, caplog):
    vendor = add_vendor(name="Fallback Finance", description="accounting")
    db.session.commit()
    sync_all()
    index_dir = Path(ctx.config["SEARCH_INDEX_DIR"])
    shutil.rmtree(index_dir)
    index_dir.mkdir()
    (index_dir / "CURRENT").write_text("garbage-that-does-not-exist")
    ctx.extensions.pop("search_backend", None)
    with caplog.at_level("WARNING"):
        results = search_vendors(SearchQuery(text="fallback"))
    assert results.fallback_used
    assert ids(results) == {vendor.id}
    assert "answering from the database" in caplog.text


def test_facets_count_the_filtered_matches(ctx):
    add_vendor(name="A Payroll", country="PH", certifications=("soc-2",))
    add_vendor(name="B Payroll", country="PH")
    add_vendor(name="C Payroll", country="IN", certifications=("soc-2",))
    db.session.commit()
    sync_all()
    results = search_vendors(SearchQuery(text="payroll", certifications=("soc-2",)))
    assert results.total == 2
    assert dict(results.facets["country"]) == {"PH": 1, "IN": 1}
