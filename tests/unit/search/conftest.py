"""Backends over the fixed corpus: one shared read-only index, and a fresh copy per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import CORPUS


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus indexed once; tests copy it rather than re-index (a copy is ~10x cheaper)."""
    base = tmp_path_factory.mktemp("corpus-index")
    WhooshBackend(base).rebuild(CORPUS)
    return base


@pytest.fixture(scope="module")
def search(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> WhooshBackend:
    """Read-only: tests using it must not write (use ``backend`` for that)."""
    base = tmp_path_factory.mktemp("search") / "search"
    shutil.copytree(corpus_index, base)
    return WhooshBackend(base)


@pytest.fixture
def backend(corpus_index: Path, tmp_path: Path) -> WhooshBackend:
    """A private index over the corpus that a test may change."""
    shutil.copytree(corpus_index, tmp_path / "search")
    return WhooshBackend(tmp_path / "search", writer_timeout=10.0)
