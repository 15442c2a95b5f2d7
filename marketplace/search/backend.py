"""The search seam: the protocol every backend implements and the errors callers handle.

Callers (services, CLI, tests) depend on this module only, so ``SEARCH_BACKEND`` can swap
Whoosh for Tantivy or PostgreSQL without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from marketplace.search.documents import SearchQuery, SearchResults, Suggestion, VendorDocument


class SearchError(Exception):
    """Base class for every failure the search seam reports on purpose."""


class IndexUnavailable(SearchError):
    """The index is missing or unreadable: answer from the database instead (and log it)."""


class IndexBusy(SearchError):
    """The write lock was not obtained within the writer timeout; the update was not applied.

    The change stays recorded in the database, so ``flask search sync`` (or the next sync
    after a commit) applies it later; nothing is half-written.
    """


class RebuildInProgress(SearchError):
    """Another process is already rebuilding the index; a second rebuild would be wasted."""


@runtime_checkable
class SearchBackend(Protocol):
    """What the application needs from a full-text engine over published vendors."""

    def index(self, docs: Iterable[VendorDocument]) -> None:
        """Upsert ``docs``; a document that is not published is removed instead."""
        ...

    def remove(self, ids: Iterable[int]) -> None:
        """Remove vendors by id; unknown ids are ignored."""
        ...

    def search(self, q: SearchQuery) -> SearchResults:
        """Run a query; raises :class:`IndexUnavailable` when the index cannot answer."""
        ...

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Autocomplete entries (categories, then vendors) for what the user has typed."""
        ...

    def rebuild(self, docs: Iterable[VendorDocument]) -> int:
        """Build a fresh index from ``docs`` beside the live one, swap it in, return its size."""
        ...

    def doc_count(self) -> int:
        """Number of searchable vendors in the live index."""
        ...

    def healthy(self) -> bool:
        """Whether the index can answer searches right now."""
        ...
