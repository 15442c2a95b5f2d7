"""The write path and lifecycle, alike on every backend (Whoosh, Tantivy, PostgreSQL).

The read-side behaviours (which vendors match, facet counts, filters, typos, snippets,
suggestions) are the modules test_text, test_facets_filters and test_suggest: their ``search``
fixture (conftest.py) is parametrised by backend, so each of their tests runs on all three on
the same corpus. Ranking: they pass on all three today, but only the relative order the design
fixes (name above description, exact above typo, sort keys) is promised; scores and the order
of equally relevant hits may differ (Tantivy's BM25 and PostgreSQL's ``ts_rank`` with four
weight classes are not Whoosh's BM25F).

This module: upserts, removals, unpublished documents, rebuild-and-swap, visibility across
instances, the single-writer lock (IndexBusy) and unavailable indexes.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.synchronize
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from marketplace.search.backend import IndexBusy, IndexUnavailable, SearchBackend
from marketplace.search.documents import SearchQuery
from tests.unit.search.corpus import BY_SLUG, CORPUS, HIDDEN, PUBLISHED, PUBLISHED_IDS, renamed

BACKENDS = ("whoosh", "tantivy", "postgres")


def _make(name: str, base: Path, request: pytest.FixtureRequest, timeout: float = 10.0) -> Any:
    if name == "whoosh":
        from marketplace.search.whoosh_backend import WhooshBackend

        return WhooshBackend(base, writer_timeout=timeout)
    if name == "tantivy":
        from marketplace.search.tantivy_backend import TantivyBackend

        return TantivyBackend(base, writer_timeout=timeout)
    from marketplace.search.postgres_backend import PostgresBackend

    return PostgresBackend(
        request.getfixturevalue("postgres_search").engine, writer_timeout=timeout
    )


@pytest.fixture(params=BACKENDS)
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A backend holding the corpus that the test may change (PostgreSQL: restored after)."""
    backend = _make(request.param, tmp_path / "search", request)
    backend.rebuild(CORPUS)
    yield backend
    if request.param == "postgres":
        backend.rebuild(CORPUS)  # the read-only suite shares this database


def names(backend: Any, text: str) -> list[str]:
    return [h.name for h in backend.search(SearchQuery(text=text, per_page=50)).hits]


def test_satisfies_the_protocol_and_counts_published_only(writable: Any) -> None:
    assert isinstance(writable, SearchBackend)
    assert writable.doc_count() == 20
    assert writable.healthy()
    assert writable.rebuild(CORPUS) == 20


def test_index_upserts_without_duplicates(writable: Any) -> None:
    manila = BY_SLUG["manila-payroll-partners"]
    writable.index([renamed(manila, "Visayas Payroll Partners")])
    writable.index([renamed(manila, "Visayas Payroll Partners")])
    assert names(writable, "visayas") == ["Visayas Payroll Partners"]
    everyone = writable.search(SearchQuery(per_page=50)).hits
    assert [h.name for h in everyone if h.id == manila.id] == ["Visayas Payroll Partners"]
    assert len(everyone) == writable.doc_count() == 20


def test_same_vendor_twice_in_one_batch_keeps_the_last(writable: Any) -> None:
    manila = BY_SLUG["manila-payroll-partners"]
    writable.index([renamed(manila, "First Name Co"), renamed(manila, "Second Name Co")])
    assert names(writable, "second") == ["Second Name Co"]
    assert names(writable, "first") == []
    assert writable.doc_count() == 20


def test_unpublished_document_is_removed_and_comes_back(writable: Any) -> None:
    writable.index([replace(BY_SLUG["cebu-data-works"], status="suspended")])
    assert names(writable, "cebu") == []
    assert writable.doc_count() == 19
    writable.index([BY_SLUG["cebu-data-works"]])
    assert names(writable, "cebu") == ["Cebu Data Works"]


def test_index_never_adds_a_draft(writable: Any) -> None:
    writable.index([BY_SLUG["shadow-payroll"]])
    assert names(writable, "shadow") == []
    assert writable.doc_count() == 20


def test_remove_by_id_ignores_unknown_ids(writable: Any) -> None:
    writable.remove([BY_SLUG["clearscribe"].id, 999])
    assert names(writable, "clearscribe") == []
    assert writable.doc_count() == 19
    facets = dict(writable.search(SearchQuery()).facets["country"])
    assert sum(facets.values()) == 19


def test_new_words_are_searchable_with_typos_and_suggested(writable: Any) -> None:
    doc = replace(BY_SLUG["frontera-books"], tagline="Bookkeeping for zymurgical breweries")
    writable.index([doc])
    assert names(writable, "zymurgical") == ["Frontera Books"]
    assert names(writable, "zymurgicla") == ["Frontera Books"]  # transposition
    assert writable.search(SearchQuery(text="zymurgicl")).suggestion == "zymurgical"


def test_another_instance_sees_commits(
    writable: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    name = request.node.callspec.params["writable"]
    reader = _make(name, tmp_path / "search", request)
    assert reader.doc_count() == 20
    writable.remove([BY_SLUG["clearscribe"].id])
    assert reader.doc_count() == 19
    writable.index([renamed(BY_SLUG["frontera-books"], "Frontera Ledger")])
    assert names(reader, "frontera") == ["Frontera Ledger"]


def _slow(docs: list, started: threading.Event, delay: float = 0.01) -> Iterator:  # type: ignore[type-arg]
    started.set()
    for doc in docs:
        time.sleep(delay)
        yield doc


def test_searches_answer_during_a_rebuild_and_changes_meanwhile_are_kept(
    writable: Any,
) -> None:
    started = threading.Event()
    new = [renamed(d, d.name + " Rebuilt") if d.slug == "cebu-data-works" else d for d in CORPUS]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            writable.rebuild(_slow(new, started))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(5)
    assert writable.search(SearchQuery(text="payroll")).total == 4  # the old index answers
    # A change made while the rebuild runs (file backends journal it; PostgreSQL waits for
    # the rebuild's transaction) is in the index afterwards.
    writable.remove([BY_SLUG["clearscribe"].id])
    thread.join(30)
    assert not errors
    assert names(writable, "rebuilt") == ["Cebu Data Works Rebuilt"]
    assert names(writable, "clearscribe") == []
    assert writable.doc_count() == 19


# --- the single writer ------------------------------------------------------------------------


def test_tantivy_writer_lock_held_elsewhere_reports_busy(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    backend = _make("tantivy", tmp_path / "search", request, timeout=0.2)
    backend.rebuild(CORPUS)
    fd = os.open(tmp_path / "search" / "WRITER.lock", os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(IndexBusy):
            backend.index(PUBLISHED[:1])
    finally:
        os.close(fd)
    backend.index([renamed(PUBLISHED[0], "Unlocked Again")])
    assert names(backend, "unlocked") == ["Unlocked Again"]


def test_postgres_row_locked_elsewhere_reports_busy(request: pytest.FixtureRequest) -> None:
    from sqlalchemy import text

    shared = request.getfixturevalue("postgres_search")
    backend = _make("postgres", Path("."), request, timeout=0.2)
    doc = PUBLISHED[0]
    with shared.engine.begin() as conn:
        conn.execute(
            text("SELECT 1 FROM search.vendor_search WHERE vendor_id = :i FOR UPDATE"),
            {"i": doc.id},
        )
        with pytest.raises(IndexBusy):
            backend.index([doc])


def _update_worker(
    name: str, where: str, worker: int, start: multiprocessing.synchronize.Event
) -> None:
    if name == "tantivy":
        from marketplace.search.tantivy_backend import TantivyBackend

        backend: Any = TantivyBackend(Path(where), writer_timeout=30.0)
    else:
        from sqlalchemy import create_engine

        from marketplace.search.postgres_backend import PostgresBackend

        backend = PostgresBackend(create_engine(where), writer_timeout=30.0)
    shared = SLIM[PROCESSES:]
    start.wait(10)
    for n in range(UPDATES - 1):
        doc = shared[(worker * 7 + n) % len(shared)]
        backend.index([replace(doc, tagline=f"edited by worker{worker} step{n}")])
        assert backend.search(SearchQuery(text="payroll")).total == 4
    backend.index([replace(SLIM[worker], tagline=f"final{worker}")])


PROCESSES = 3
UPDATES = 10
SLIM = [replace(d, description="", services_text="") for d in PUBLISHED]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tantivy", "postgres"])
def test_concurrent_writers_in_several_processes_lose_and_double_nothing(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if name == "tantivy":
        where = str(tmp_path / "search")
    else:
        where = request.getfixturevalue("postgres_url")
    backend = _make(name, tmp_path / "search", request)
    backend.rebuild([*SLIM, *HIDDEN])
    try:
        ctx = multiprocessing.get_context("spawn")
        start = ctx.Event()
        workers = [
            ctx.Process(target=_update_worker, args=(name, where, i, start))
            for i in range(PROCESSES)
        ]
        for proc in workers:
            proc.start()
        start.set()
        for proc in workers:
            proc.join(120)
        assert [proc.exitcode for proc in workers] == [0] * PROCESSES
        ids = [hit.id for hit in backend.search(SearchQuery(per_page=100)).hits]
        assert len(ids) == len(set(ids)) == backend.doc_count() == len(PUBLISHED)
        assert set(ids) == PUBLISHED_IDS
        assert backend.search(SearchQuery(text="edited", per_page=100)).total == len(
            SLIM[PROCESSES:]
        )
        for worker in range(PROCESSES):
            found = backend.search(SearchQuery(text=f"final{worker}"))
            assert [hit.id for hit in found.hits] == [PUBLISHED[worker].id]
    finally:
        if name == "postgres":
            backend.rebuild(CORPUS)


# --- unavailable indexes ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["whoosh", "tantivy"])
def test_missing_index_is_unavailable(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    backend = _make(name, tmp_path / "never-built", request)
    assert not backend.healthy()
    with pytest.raises(IndexUnavailable):
        backend.search(SearchQuery(text="payroll"))
    with pytest.raises(IndexUnavailable):
        backend.suggest("payroll")
    with pytest.raises(IndexUnavailable):
        backend.index(PUBLISHED[:1])


def test_corrupt_tantivy_index_is_unavailable_and_a_rebuild_cures_it(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    base = tmp_path / "search"
    backend = _make("tantivy", base, request)
    backend.rebuild(CORPUS)
    live = base / (base / "CURRENT").read_text().strip()
    for path in live.iterdir():
        path.write_bytes(b"\x00garbage" * 10)
    fresh = _make("tantivy", base, request)
    assert not fresh.healthy()
    with pytest.raises(IndexUnavailable):
        fresh.search(SearchQuery(text="payroll"))
    fresh.rebuild(CORPUS)
    assert fresh.search(SearchQuery(text="payroll")).total == 4


def test_postgres_unreachable_or_unmigrated_is_unavailable() -> None:
    from sqlalchemy import create_engine

    from marketplace.search.postgres_backend import PostgresBackend

    backend = PostgresBackend(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    assert not backend.healthy()
    with pytest.raises(IndexUnavailable):
        backend.search(SearchQuery(text="payroll"))
    with pytest.raises(IndexUnavailable):
        backend.index(PUBLISHED[:1])
