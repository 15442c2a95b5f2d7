"""Backends over the fixed corpus: one shared read-only index, and a fresh one per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import CORPUS


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> WhooshBackend:
    """Read-only: tests using it must not write (use ``backend`` for that)."""
    backend = WhooshBackend(tmp_path_factory.mktemp("search"))
    backend.rebuild(CORPUS)
    return backend


@pytest.fixture
def backend(tmp_path: Path) -> WhooshBackend:
    """A private index over the corpus that a test may change."""
    backend = WhooshBackend(tmp_path / "search", writer_timeout=10.0)
    backend.rebuild(CORPUS)
    return backend
