"""SEARCH_BACKEND=tantivy and =postgres through the database glue and the /search page.

``postgres`` runs on the PostgreSQL database only; on SQLite selecting it is a configuration
error (tested below). The behaviour-by-behaviour comparison of the backends is
tests/unit/search (the same corpus on all three).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from marketplace.extensions import db
from marketplace.search.documents import SearchQuery
from marketplace.search.services import (
    apply_pending,
    enqueue_vendor,
    get_backend,
    make_backend,
    rebuild_index,
    search_vendors,
    sync_all,
)
from tests.fixtures.factories import create_vendor


@pytest.fixture(params=["tantivy", "postgres"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_config(engine_name: str) -> dict[str, Any]:
    return {"SEARCH_BACKEND": engine_name}


@pytest.fixture
def sctx(app: Flask, engine_name: str) -> Any:
    if engine_name == "postgres" and app.config["DB_BACKEND"] != "postgres":
        pytest.skip("SEARCH_BACKEND=postgres needs PostgreSQL (the SQLite case is tested below)")
    with app.app_context():
        rebuild_index()  # the PostgreSQL index outlives the per-test truncation of the ORM tables
        yield app


def ids(results: Any) -> set[int]:
    return {hit.id for hit in results.hits}


def add_vendor(**fields: Any) -> Any:
    vendor = create_vendor(**fields)
    enqueue_vendor(vendor.id)
    return vendor


def test_postgres_backend_on_sqlite_is_a_configuration_error(
    sqlite_app: Flask, engine_name: str
) -> None:
    sqlite_app.config["SEARCH_BACKEND"] = "postgres"
    with sqlite_app.app_context(), pytest.raises(RuntimeError, match="PostgreSQL"):
        make_backend(sqlite_app)


def test_tantivy_is_selected_and_keeps_its_index_in_its_own_folder(
    sqlite_app: Flask, engine_name: str
) -> None:
    if engine_name != "tantivy":
        pytest.skip("one run is enough")
    from marketplace.search.tantivy_backend import TantivyBackend

    sqlite_app.config["SEARCH_BACKEND"] = "tantivy"
    backend = make_backend(sqlite_app)
    assert isinstance(backend, TantivyBackend)
    assert backend.base_dir == Path(sqlite_app.config["SEARCH_INDEX_DIR"]) / "tantivy"


def test_unknown_backend_is_refused(sqlite_app: Flask, engine_name: str) -> None:
    sqlite_app.config["SEARCH_BACKEND"] = "solr"
    with sqlite_app.app_context(), pytest.raises(RuntimeError, match="tantivy"):
        make_backend(sqlite_app)


def test_committed_changes_are_indexed_and_rolled_back_ones_are_not(sctx: Flask) -> None:
    kept = add_vendor(name="Manila Payroll Partners", description="payroll processing")
    db.session.commit()
    add_vendor(name="Ghost Payroll Services", description="payroll")
    db.session.rollback()
    assert sync_all() == 1
    assert ids(search_vendors(SearchQuery(text="payroll"))) == {kept.id}


def test_typos_stemming_unpublishing_and_rebuild(sctx: Flask) -> None:
    vendor = add_vendor(name="Ledgerline", description="Bookkeeping and payroll processing")
    db.session.commit()
    sync_all()
    for text in ("payrol", "bookeeping", "process", "LEDGERLINE"):
        assert vendor.id in ids(search_vendors(SearchQuery(text=text))), text
    vendor.status = "suspended"
    enqueue_vendor(vendor.id)
    db.session.commit()
    apply_pending()
    assert ids(search_vendors(SearchQuery(text="ledgerline"))) == set()
    for n in range(3):
        create_vendor(name=f"Rebuilt Vendor {n}", description="helpdesk support")
    db.session.commit()
    assert rebuild_index() == 3
    assert search_vendors(SearchQuery(text="helpdesk")).total == 3
    assert get_backend().doc_count() == 3


def test_search_page_and_autocomplete(sctx: Flask) -> None:
    for name, country, desc, category in [
        ("Manila Payroll Partners", "PH", "Payroll processing for mid-size companies", "payroll"),
        ("Bangalore Books", "IN", "Bookkeeping & <b>accounting</b>", "finance-accounting"),
        ("Warsaw Helpdesk", "PL", "IT helpdesk and support", "it-services"),
    ]:
        vendor = create_vendor(name=name, country=country, description=desc, categories=(category,))
        enqueue_vendor(vendor.id)
    db.session.commit()
    sync_all()
    client = sctx.test_client()
    page = client.get("/search?q=payroll").get_data(as_text=True)
    assert "Manila Payroll Partners" in page
    assert "<mark>" in page
    assert "Warsaw Helpdesk" not in page
    assert "<b>accounting</b>" not in client.get("/search?q=bookkeeping").get_data(as_text=True)
    assert "Did you mean" in client.get("/search?q=helpdsek").get_data(as_text=True)
    results = search_vendors(SearchQuery(countries=("PH", "IN")))
    assert results.total == 2
    assert dict(results.facets["country"]) == {"PH": 1, "IN": 1, "PL": 1}


def test_unreadable_tantivy_index_falls_back_to_the_database(
    sctx: Flask, engine_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    if engine_name != "tantivy":
        pytest.skip("a PostgreSQL index is as readable as the database itself")
    vendor = add_vendor(name="Fallback Finance", description="accounting")
    db.session.commit()
    sync_all()
    shutil.rmtree(Path(sctx.config["SEARCH_INDEX_DIR"]) / "tantivy")
    results = search_vendors(SearchQuery(text="fallback"))
    assert results.fallback_used
    assert ids(results) == {vendor.id}
