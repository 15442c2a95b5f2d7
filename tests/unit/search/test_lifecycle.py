"""Index lifecycle: upserts, rebuild-and-swap, lost or broken indexes, the write lock."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from marketplace.search import whoosh_backend
from marketplace.search.backend import (
    IndexBusy,
    IndexUnavailable,
    RebuildInProgress,
    SearchBackend,
)
from marketplace.search.documents import SearchQuery, VendorDocument
from marketplace.search.whoosh_backend import BUILDING, CURRENT, JOURNAL, WhooshBackend
from tests.unit.search.corpus import BY_SLUG, CORPUS, PUBLISHED, renamed


def names(backend: WhooshBackend, text: str) -> list[str]:
    return [h.name for h in backend.search(SearchQuery(text=text, per_page=50)).hits]


def live_dir(base: Path) -> Path:
    return base / (base / CURRENT).read_text().strip()


def test_whoosh_backend_satisfies_the_protocol(backend: WhooshBackend) -> None:
    assert isinstance(backend, SearchBackend)


def test_rebuild_counts_published_vendors_only(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path)
    assert backend.rebuild(CORPUS) == 20
    assert backend.doc_count() == 20
    assert backend.healthy()


def test_index_upserts_without_duplicates(backend: WhooshBackend) -> None:
    manila = BY_SLUG["manila-payroll-partners"]
    backend.index([renamed(manila, "Visayas Payroll Partners")])
    backend.index([renamed(manila, "Visayas Payroll Partners")])
    assert names(backend, "visayas") == ["Visayas Payroll Partners"]
    everyone = backend.search(SearchQuery(per_page=50)).hits
    assert [h.name for h in everyone if h.id == manila.id] == ["Visayas Payroll Partners"]
    assert len(everyone) == backend.doc_count() == 20


def test_index_of_an_unpublished_document_removes_it(backend: WhooshBackend) -> None:
    backend.index([replace(BY_SLUG["cebu-data-works"], status="suspended")])
    assert names(backend, "cebu") == []
    assert backend.doc_count() == 19
    # ...and publishing it again brings it back.
    backend.index([BY_SLUG["cebu-data-works"]])
    assert names(backend, "cebu") == ["Cebu Data Works"]


def test_index_never_adds_a_draft(backend: WhooshBackend) -> None:
    backend.index([BY_SLUG["shadow-payroll"]])
    assert names(backend, "shadow") == []
    assert backend.doc_count() == 20


def test_remove_by_id_ignores_unknown_ids(backend: WhooshBackend) -> None:
    backend.remove([BY_SLUG["clearscribe"].id, 999])
    assert names(backend, "clearscribe") == []
    assert backend.doc_count() == 19


def test_another_instance_sees_commits(backend: WhooshBackend, tmp_path: Path) -> None:
    reader = WhooshBackend(tmp_path / "search")
    assert reader.doc_count() == 20
    backend.remove([BY_SLUG["clearscribe"].id])
    assert reader.doc_count() == 19
    backend.index([renamed(BY_SLUG["frontera-books"], "Frontera Ledger")])
    assert names(reader, "frontera") == ["Frontera Ledger"]


def test_missing_index_is_reported_as_unavailable(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path / "never-built")
    assert not backend.healthy()
    with pytest.raises(IndexUnavailable):
        backend.search(SearchQuery(text="payroll"))
    with pytest.raises(IndexUnavailable):
        backend.suggest("payroll")
    with pytest.raises(IndexUnavailable):
        backend.index(PUBLISHED[:1])
    with pytest.raises(IndexUnavailable):
        backend.doc_count()


def test_corrupt_index_is_reported_as_unavailable(backend: WhooshBackend, tmp_path: Path) -> None:
    base = tmp_path / "search"
    for path in live_dir(base).iterdir():
        path.write_bytes(b"\x00garbage" * 10)
    fresh = WhooshBackend(base)
    assert not fresh.healthy()
    with pytest.raises(IndexUnavailable):
        fresh.search(SearchQuery(text="payroll"))


def test_index_deleted_under_a_running_process_is_reported(
    backend: WhooshBackend, tmp_path: Path
) -> None:
    assert backend.doc_count() == 20
    shutil.rmtree(live_dir(tmp_path / "search"))
    with pytest.raises(IndexUnavailable):
        backend.search(SearchQuery(text="payroll"))
    assert not backend.healthy()
    # A reindex brings it back without restarting the process.
    backend.rebuild(CORPUS)
    assert backend.healthy()
    assert backend.search(SearchQuery(text="payroll")).total == 4


def test_pointer_to_a_foreign_path_is_refused(backend: WhooshBackend, tmp_path: Path) -> None:
    (tmp_path / "search" / CURRENT).write_text("../../etc")
    with pytest.raises(IndexUnavailable):
        WhooshBackend(tmp_path / "search").search(SearchQuery())


def _slow(docs: list, started: threading.Event, delay: float = 0.0) -> Iterator:  # type: ignore[type-arg]
    started.set()
    for doc in docs:
        time.sleep(delay)
        yield doc


def test_searches_keep_answering_during_a_rebuild_and_then_see_the_new_index(
    backend: WhooshBackend, tmp_path: Path
) -> None:
    base = tmp_path / "search"
    old_dir = live_dir(base)
    new_docs = [renamed(d, d.name + " Rebuilt") if d.id == 1 else d for d in CORPUS]
    started = threading.Event()
    rebuild = threading.Thread(
        target=lambda: WhooshBackend(base).rebuild(_slow(new_docs, started, delay=0.02))
    )
    rebuild.start()
    started.wait(5)
    totals = []
    while rebuild.is_alive():
        totals.append(backend.search(SearchQuery(text="payroll")).total)
    rebuild.join()
    assert len(totals) > 5
    assert set(totals) == {4}
    assert names(backend, "rebuilt") == ["Manila Payroll Partners Rebuilt"]
    assert live_dir(base) != old_dir
    # The previous directory is kept for readers that had just read CURRENT; older ones go.
    WhooshBackend(base).rebuild(CORPUS)
    assert not old_dir.exists()
    assert len([p for p in base.iterdir() if p.name.startswith("index-")]) == 2


def test_updates_made_during_a_rebuild_are_not_lost(backend: WhooshBackend, tmp_path: Path) -> None:
    base = tmp_path / "search"
    release = threading.Event()
    reading = threading.Event()

    def stale_snapshot() -> Iterator:  # type: ignore[type-arg]
        reading.set()
        release.wait(5)
        yield from CORPUS  # read before the updates below: stale

    rebuild = threading.Thread(target=lambda: WhooshBackend(base).rebuild(stale_snapshot()))
    rebuild.start()
    reading.wait(5)
    assert (base / BUILDING).exists()
    worker = WhooshBackend(base)
    worker.index([renamed(BY_SLUG["guadalajara-devs"], "Jalisco Devs")])
    worker.remove([BY_SLUG["northwind-data"].id])
    release.set()
    rebuild.join()
    assert names(backend, "jalisco") == ["Jalisco Devs"]
    assert names(backend, "devs") == ["Jalisco Devs"]
    assert names(backend, "northwind") == ["Harbor Outsourcing"]
    assert backend.doc_count() == 19
    assert not (base / BUILDING).exists()
    assert not (base / JOURNAL).exists()


def test_a_second_concurrent_rebuild_is_refused(backend: WhooshBackend, tmp_path: Path) -> None:
    base = tmp_path / "search"
    release = threading.Event()
    reading = threading.Event()

    def blocked() -> Iterator:  # type: ignore[type-arg]
        reading.set()
        release.wait(10)
        yield from CORPUS

    first = threading.Thread(target=lambda: WhooshBackend(base).rebuild(blocked()))
    first.start()
    reading.wait(5)
    try:
        with pytest.raises(RebuildInProgress):
            WhooshBackend(base).rebuild(CORPUS)
    finally:
        release.set()
        first.join()
    assert backend.doc_count() == 20


def test_a_failed_rebuild_leaves_the_live_index_alone(
    backend: WhooshBackend, tmp_path: Path
) -> None:
    base = tmp_path / "search"
    before = live_dir(base)

    def broken() -> Iterator:  # type: ignore[type-arg]
        yield CORPUS[0]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert live_dir(base) == before
    assert backend.doc_count() == 20
    assert not (base / BUILDING).exists()
    assert len([p for p in base.iterdir() if p.name.startswith("index-")]) == 1


def test_marker_of_a_dead_rebuild_is_cleared_by_the_next_write(
    backend: WhooshBackend, tmp_path: Path
) -> None:
    base = tmp_path / "search"
    (base / BUILDING).write_text("index-dead")  # nobody holds the rebuild lock
    backend.remove([BY_SLUG["clearscribe"].id])
    assert not (base / BUILDING).exists()
    assert not (base / JOURNAL).exists()
    assert backend.doc_count() == 19


def test_writer_gives_up_after_its_timeout_and_keeps_nothing_half_done(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path, writer_timeout=0.3)
    backend.rebuild(CORPUS)
    ix = whoosh_index.open_dir(str(live_dir(tmp_path)))
    with ix.writer(timeout=1.0) as held:  # another process holding the write lock
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            backend.remove([1])
        assert time.monotonic() - started >= 0.25
        held.delete_by_term("id", "2")
    backend.remove([1])  # the lock was released by the context manager
    assert backend.doc_count() == 18


def test_a_write_that_fails_midway_releases_the_lock(
    backend: WhooshBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fields = whoosh_backend._fields

    def failing(doc: VendorDocument) -> dict[str, object]:
        if doc.slug == "clearscribe":
            raise RuntimeError("boom")
        return real_fields(doc)

    monkeypatch.setattr(whoosh_backend, "_fields", failing)
    with pytest.raises(RuntimeError):
        backend.index([renamed(BY_SLUG["frontera-books"], "Frontera Half"), BY_SLUG["clearscribe"]])
    monkeypatch.undo()
    assert names(backend, "frontera") == ["Frontera Books"]  # nothing half-written
    backend.writer_timeout = 0.5  # the lock was released: no waiting needed
    backend.index([renamed(BY_SLUG["frontera-books"], "Frontera Ledger")])
    assert names(backend, "frontera") == ["Frontera Ledger"]


def test_out_of_range_numbers_are_clamped_not_fatal(backend: WhooshBackend) -> None:
    huge = replace(BY_SLUG["clearscribe"], rate_min_cents=2**40, review_count=2**40)
    backend.index([huge])
    assert backend.search(SearchQuery(sort="reviews")).hits[0].slug == "clearscribe"


def test_the_last_change_to_a_vendor_in_one_batch_wins(backend: WhooshBackend) -> None:
    cebu = BY_SLUG["cebu-data-works"]
    backend.index([renamed(cebu, "Cebu One"), renamed(cebu, "Cebu Two")])
    assert names(backend, "cebu") == ["Cebu Two"]
    backend.index([renamed(cebu, "Cebu Three"), replace(cebu, status="draft")])
    assert names(backend, "cebu") == []


def test_an_empty_index_answers_with_nothing(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path)
    assert backend.rebuild([]) == 0
    assert backend.healthy()
    results = backend.search(SearchQuery(text="payrol", sort="rating"))
    assert (results.total, results.hits, results.suggestion) == (0, [], None)
    assert backend.suggest("pay") == []


def test_threads_can_share_one_backend_while_it_is_updated(backend: WhooshBackend) -> None:
    errors: list[BaseException] = []

    def searching() -> None:
        try:
            for _ in range(15):
                assert backend.search(SearchQuery(text="payroll")).total == 4
                assert backend.suggest("payr")
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(5):
        backend.index([renamed(BY_SLUG["frontera-books"], f"Frontera {n}")])
    for thread in threads:
        thread.join()
    assert errors == []
    assert names(backend, "frontera") == ["Frontera 4"]


def test_filters_and_facets_hold_across_several_segments(backend: WhooshBackend) -> None:
    for doc in PUBLISHED[:6]:  # one commit (segment) each
        backend.index([renamed(doc, doc.name + " Updated")])
    results = backend.search(SearchQuery(text="payroll", countries=("US",)))
    assert {h.id for h in results.hits} == {11, 12}
    assert results.facets["country"] == [("US", 2), ("IN", 1), ("PH", 1)]
    rated = backend.search(SearchQuery(text="updated", sort="rating", min_rating_x100=440))
    assert [h.id for h in rated.hits] == [1, 4]
