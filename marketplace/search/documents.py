"""Plain values that cross the search seam.

The engine never sees a database row: the directory turns a vendor into a
:class:`VendorDocument`, and views get back :class:`SearchResults`. Keeping these frozen and
free of Flask/SQLAlchemy lets every backend (Whoosh, Tantivy, PostgreSQL) share one contract
and one test corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Sort keys a caller may ask for (views map their allowlisted form values onto these).
SORTS: tuple[str, ...] = ("relevance", "rating", "rate", "reviews")
#: Facet names present in :attr:`SearchResults.facets`.
FACETS: tuple[str, ...] = ("category", "country", "certification")
#: Upper bound on ``per_page``: a page is highlighted hit by hit, so it must stay small.
MAX_PER_PAGE = 100
#: Only documents with this status are searchable; any other status is removed on index().
PUBLISHED = "published"

SortKey = Literal["relevance", "rating", "rate", "reviews"]
SuggestionKind = Literal["vendor", "category"]


@dataclass(frozen=True, slots=True)
class VendorDocument:
    """Everything the index needs to know about one vendor, denormalised.

    Money and rating are integers (USD cents, rating x 100) because a sortable float field
    crashes Whoosh on add, and integers sort and compare exactly on every backend.
    """

    id: int
    slug: str
    name: str
    tagline: str = ""
    description: str = ""
    services_text: str = ""
    categories: tuple[str, ...] = ()
    category_names: tuple[str, ...] = ()
    country: str = ""
    country_name: str = ""
    city: str = ""
    certifications: tuple[str, ...] = ()
    certification_names: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    rate_min_cents: int | None = None
    rate_max_cents: int | None = None
    rating_x100: int | None = None
    review_count: int = 0
    team_size: int | None = None
    verified: bool = False
    plan: str = "free"
    status: str = PUBLISHED

    @property
    def searchable(self) -> bool:
        """Whether the document belongs in the index at all (published only)."""
        return self.status == PUBLISHED


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A buyer's search: free text plus allowlisted filters, a sort key and a page.

    ``text`` is plain words, never query syntax. Filters within ``categories`` and
    ``countries`` are alternatives (any of them); ``certifications`` must all be held.
    The rate range matches vendors whose own rate range overlaps it.
    """

    text: str = ""
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    rate_min_cents: int | None = None
    rate_max_cents: int | None = None
    min_rating_x100: int | None = None
    team_size_min: int | None = None
    team_size_max: int | None = None
    verified_only: bool = False
    sort: SortKey = "relevance"
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        # Views validate their forms first; this is the last line against a 500 deep inside
        # the engine (e.g. a negative page) and against sort keys outside the allowlist.
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; expected one of {SORTS}")
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        for name in (
            "rate_min_cents",
            "rate_max_cents",
            "min_rating_x100",
            "team_size_min",
            "team_size_max",
        ):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or value < 0):
                raise ValueError(f"{name} must be a non-negative integer")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result row. ``snippet_html`` is already escaped except for ``<mark>`` tags.

    ``score`` is the relevance score when sorting by relevance, 0.0 under another sort.
    """

    id: int
    slug: str
    name: str
    score: float
    snippet_html: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits plus what the page needs around it.

    ``facets`` maps "category", "country" and "certification" to ``(value, count)`` pairs,
    most frequent first. ``relaxed`` is True when no vendor matched every word, so the hits
    match some of them. ``fallback_used`` is never set by an index backend: the service
    layer sets it when it answered from the database because the index was unavailable.
    """

    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    fallback_used: bool = False
    relaxed: bool = False

    @property
    def pages(self) -> int:
        """Number of pages for ``total`` hits (at least 1, so templates need no special case)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An autocomplete entry: what to show, what it is, and the slug to link to."""

    label: str
    kind: SuggestionKind
    value: str
