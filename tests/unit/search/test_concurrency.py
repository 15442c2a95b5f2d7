"""Several processes updating one index at once: nothing lost, nothing doubled (issue 4)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
from dataclasses import replace
from pathlib import Path

import pytest

from marketplace.search.documents import SearchQuery
from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import HIDDEN, PUBLISHED, PUBLISHED_IDS

PROCESSES = 3
UPDATES = 30  # per process, each its own commit
# Long texts only make each commit's segment merge slower; this test is about the lock.
SLIM = [replace(d, description="", services_text="") for d in PUBLISHED]
SHARED = SLIM[PROCESSES:]  # every process edits these; vendor i is process i's alone


def _update_worker(base: str, worker: int, start: multiprocessing.synchronize.Event) -> None:
    """One web worker: upsert shared vendors (and search) as fast as it can, then its own."""
    backend = WhooshBackend(Path(base), writer_timeout=30.0)
    start.wait(10)
    for n in range(UPDATES - 1):
        doc = SHARED[(worker * 7 + n) % len(SHARED)]
        backend.index([replace(doc, tagline=f"edited by worker{worker} step{n}")])
        assert backend.search(SearchQuery(text="payroll")).total == 4
    backend.index([replace(SLIM[worker], tagline=f"final{worker}")])


@pytest.mark.slow
def test_concurrent_updates_from_several_processes_keep_every_vendor_exactly_once(
    tmp_path: Path,
) -> None:
    base = tmp_path / "search"
    backend = WhooshBackend(base)
    backend.rebuild([*SLIM, *HIDDEN])
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [
        ctx.Process(target=_update_worker, args=(str(base), i, start)) for i in range(PROCESSES)
    ]
    for proc in workers:
        proc.start()
    start.set()
    for proc in workers:
        proc.join(120)
    assert [proc.exitcode for proc in workers] == [0] * PROCESSES

    everyone = backend.search(SearchQuery(per_page=100)).hits
    ids = [hit.id for hit in everyone]
    assert len(ids) == len(set(ids)) == backend.doc_count() == len(PUBLISHED)
    assert set(ids) == PUBLISHED_IDS
    # Every shared vendor carries an edit, and each process's last commit is there.
    assert backend.search(SearchQuery(text="edited", per_page=100)).total == len(SHARED)
    for worker in range(PROCESSES):
        found = backend.search(SearchQuery(text=f"final{worker}"))
        assert [hit.id for hit in found.hits] == [PUBLISHED[worker].id]
