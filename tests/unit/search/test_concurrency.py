"""Several processes updating one index at once: nothing lost, nothing doubled (issue 4)."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest

from marketplace.search.documents import SearchQuery
from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import CORPUS, PUBLISHED, PUBLISHED_IDS

PROCESSES = 3
UPDATES = 30


def _update_worker(base: str, worker: int, start: multiprocessing.synchronize.Event) -> None:
    """One web worker: upsert a vendor, then search, UPDATES times (a commit each time)."""
    backend = WhooshBackend(Path(base), writer_timeout=30.0)
    start.wait(10)
    for n in range(UPDATES):
        doc = PUBLISHED[(worker * 7 + n) % len(PUBLISHED)]
        backend.index([replace(doc, tagline=f"edited by worker{worker} step{n}")])
        results = backend.search(SearchQuery(text="payroll"))
        assert results.total == 4


@pytest.mark.slow
def test_concurrent_updates_from_several_processes_keep_every_vendor_exactly_once(
    tmp_path: Path,
) -> None:
    base = tmp_path / "search"
    backend = WhooshBackend(base)
    backend.rebuild(CORPUS)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [
        ctx.Process(target=_update_worker, args=(str(base), i, start)) for i in range(PROCESSES)
    ]
    for proc in workers:
        proc.start()
    start.set()
    for proc in workers:
        proc.join(60)
    assert [proc.exitcode for proc in workers] == [0] * PROCESSES

    everyone = backend.search(SearchQuery(per_page=100)).hits
    ids = [hit.id for hit in everyone]
    assert len(ids) == len(set(ids)) == backend.doc_count() == len(PUBLISHED)
    assert set(ids) == PUBLISHED_IDS
    # Every worker's last edit of a vendor is there: the index saw all 90 commits.
    edited = backend.search(SearchQuery(text="edited", per_page=100))
    assert edited.total == len(PUBLISHED)
    for worker in range(PROCESSES):
        last = PUBLISHED[(worker * 7 + UPDATES - 1) % len(PUBLISHED)]
        found = backend.search(SearchQuery(text=f"worker{worker} step{UPDATES - 1}"))
        assert [hit.id for hit in found.hits] == [last.id]
        assert backend.search(SearchQuery(text=f"worker{worker}")).total >= 1
