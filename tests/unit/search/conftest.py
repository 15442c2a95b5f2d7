"""Backends over the fixed corpus: one shared read-only index, and a fresh copy per test."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import CORPUS


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus indexed once; tests copy it rather than re-index (a copy is ~10x cheaper)."""
    base = tmp_path_factory.mktemp("corpus-index")
    WhooshBackend(base).rebuild(CORPUS)
    return base


#: Backends the read-only behavioural tests (text, facets and filters, suggestions) run on.
#: "postgres" runs only when PostgreSQL is reachable (``TEST_DATABASE_URL``), otherwise it is
#: skipped (or fails the run with ``REQUIRE_SERVICES=1``).
BACKENDS = ("whoosh", "tantivy", "postgres")


@pytest.fixture(scope="session")
def tantivy_corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from marketplace.search.tantivy_backend import TantivyBackend

    base = tmp_path_factory.mktemp("tantivy-corpus-index")
    TantivyBackend(base).rebuild(CORPUS)
    return base


@pytest.fixture(scope="session")
def postgres_search(request: pytest.FixtureRequest) -> Any:
    """The corpus in ``vendor_search`` of a migrated PostgreSQL test database."""
    from sqlalchemy import create_engine

    from marketplace.search.postgres_backend import PostgresBackend

    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    backend = PostgresBackend(engine)
    backend.rebuild(CORPUS)
    yield backend
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def search(
    request: pytest.FixtureRequest,
    corpus_index: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """Read-only, one per backend: tests using it must not write (use ``backend`` for that)."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_search")
    base = tmp_path_factory.mktemp("search") / "search"
    if request.param == "tantivy":
        from marketplace.search.tantivy_backend import TantivyBackend

        shutil.copytree(request.getfixturevalue("tantivy_corpus_index"), base)
        return TantivyBackend(base)
    shutil.copytree(corpus_index, base)
    return WhooshBackend(base)


@pytest.fixture
def backend(corpus_index: Path, tmp_path: Path) -> WhooshBackend:
    """A private index over the corpus that a test may change."""
    shutil.copytree(corpus_index, tmp_path / "search")
    return WhooshBackend(tmp_path / "search", writer_timeout=10.0)
