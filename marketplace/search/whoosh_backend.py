"""The embedded search backend on Whoosh (the ``whoosh-reloaded`` distribution).

Layout under ``base_dir``::

    CURRENT           name of the live index directory (replaced atomically on rebuild)
    index-<stamp>/    Whoosh index directories; the live one and the previous one are kept
    BUILDING          present while a rebuild runs: names the directory being built
    JOURNAL           updates that arrived during that rebuild, replayed before the swap
    JOURNAL.lock      guards BUILDING/JOURNAL/CURRENT against a writer racing the swap
    REBUILD.lock      held for the whole rebuild (a dead rebuild releases it with its process)

Whoosh's measured traps (issue 4) and how this module meets them:

- every write is ``with ix.writer(timeout=...)``: concurrent processes queue for the lock instead
  of losing updates, and a write that raises is cancelled and unlocks; no AsyncWriter;
- one searcher per process, replaced by a fresh one when a commit lands. Not
  ``Searcher.refresh()``: in whoosh-reloaded 2.7.5 its reader reuse keeps merged-away segments
  and stale deletions (measured here: an updated document came back twice);
- a read that trips over a file a concurrent commit removed reopens once, then reports
  :class:`IndexUnavailable`;
- rate and rating are integer fields;
- totals and facet counts come from cached posting sets, and only the requested page is
  highlighted, hit by hit.

User text is never given to Whoosh's query parser: it is tokenised here and turned into
``Term`` queries, so ``name:*`` or ``rate:[a TO`` are just words.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import heapq
import html
import json
import logging
import os
import re
import secrets
import shutil
import struct
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh import fields, matching, sorting
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem as porter_stem
from whoosh.query.compound import DefaultOr
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.writing import IndexWriter

from marketplace.search.backend import (
    IndexBusy,
    IndexUnavailable,
    RebuildInProgress,
    SearchError,
)
from marketplace.search.documents import (
    PUBLISHED,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    VendorDocument,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

CURRENT = "CURRENT"
BUILDING = "BUILDING"
JOURNAL = "JOURNAL"
JOURNAL_LOCK = "JOURNAL.lock"
REBUILD_LOCK = "REBUILD.lock"
DIR_PREFIX = "index-"

#: How often a waiting writer retries the lock (Whoosh polls every 0.1 s by default, which
#: leaves the lock idle between queued writers).
LOCK_POLL = 0.02
#: Sort value for a vendor without a rate, so "lowest rate" lists it last.
RATE_UNKNOWN = 2**31 - 1
#: Longer input is cut: each word expands into a dozen term lookups.
MAX_QUERY_CHARS = 256
MAX_QUERY_WORDS = 10
MAX_WORD_CHARS = 40
#: Deep pages cost a collector of page x per_page entries; nobody reads past this.
MAX_RESULT_WINDOW = 1000
#: One-edit typo tolerance applies to words this long (shorter words get too many neighbours).
FUZZY_MIN_CHARS = 5
FUZZY_BOOST = 0.3
MAX_FUZZY_EXPANSIONS = 6
#: Did-you-mean only looks at alphabetic words this long, at most this many edits away.
CORRECT_MIN_CHARS = 4
CORRECT_MAX_EDITS = 2
SUGGEST_MIN_CHARS = 2
SNIPPET_CHARS = 180
SNIPPET_LEAD_CHARS = 60
#: Highlighting looks at the start of a text only: the snippet shows the first match anyway.
HIGHLIGHT_SCAN_CHARS = 4000
#: Query-time boosts per text field: tuning them needs no reindex. Name matches dominate.
FIELD_BOOSTS: dict[str, float] = {
    "name": 6.0,
    "category_text": 3.0,
    "tagline": 2.0,
    "certifications": 2.0,
    "location": 2.0,
    "services": 1.5,
    "languages": 1.0,
    "description": 1.0,
}
SNIPPET_FIELDS = ("description", "services", "tagline")

# "IT services" and "US" are real queries in this domain; Whoosh's list would drop them.
_STOPLIST = frozenset(STOP_WORDS - {"it", "us"})
_SLUG_RE = re.compile(r"[^a-z0-9-]+")
_TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's RegexTokenizer default
_TRAILING = " \t\r\n.,;:!?)]}\"'"

# Reader-side failures that a reopen can cure (a commit removed a segment file under us) and
# that, if they persist, mean the index is unreadable.
_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    whoosh_index.IndexError,
)


def _words_analyzer() -> Analyzer:
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


#: Searchable text: folded, stop words out, Porter-stemmed ("processing" -> "process").
STEM_ANALYZER = _words_analyzer() | StopFilter(stoplist=_STOPLIST, minsize=1) | StemFilter()
#: Unstemmed vocabulary: what typo expansion and did-you-mean compare the user's words with.
WORDS_ANALYZER = _words_analyzer() | StopFilter(stoplist=_STOPLIST, minsize=1)
#: Every word of a name, stop words included, for prefix autocomplete.
PLAIN_ANALYZER = _words_analyzer()
#: One term per line, verbatim: "slug<TAB>Name" pairs for category autocomplete.
LINE_ANALYZER = RegexTokenizer(r"[^\n]+")


def build_schema() -> fields.Schema:
    """The index schema (DESIGN section 6). Changing it requires ``flask search reindex``."""
    text = dict(analyzer=STEM_ANALYZER, phrase=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        slug=fields.STORED(),
        name=fields.TEXT(stored=True, **text),  # boosted at query time, see FIELD_BOOSTS
        tagline=fields.TEXT(stored=True, **text),
        description=fields.TEXT(stored=True, **text),
        services=fields.TEXT(stored=True, **text),
        category_text=fields.TEXT(**text),
        location=fields.TEXT(**text),
        certifications=fields.TEXT(**text),
        languages=fields.TEXT(**text),
        # Lookup-only fields (vocabulary, autocomplete): not scorable, so no length bookkeeping.
        words=fields.KEYWORD(analyzer=WORDS_ANALYZER),
        name_ac=fields.KEYWORD(analyzer=PLAIN_ANALYZER),
        category_label=fields.KEYWORD(analyzer=LINE_ANALYZER),
        # Facets and filters: exact values, one term each.
        category=fields.KEYWORD(lowercase=False, commas=False, scorable=False),
        country=fields.ID(),
        certification=fields.KEYWORD(lowercase=False, commas=False, scorable=False),
        # Integers only: a sortable float field crashes Whoosh on add.
        rate=fields.NUMERIC(int, bits=32, sortable=True),  # min rate in USD cents
        rate_max=fields.NUMERIC(int, bits=32),
        rating=fields.NUMERIC(int, bits=32, sortable=True),  # rating x 100; 0 = unrated
        review_count=fields.NUMERIC(int, bits=32, sortable=True),
        team_size=fields.NUMERIC(int, bits=32),
        verified=fields.BOOLEAN(),
        plan=fields.ID(),
        status=fields.ID(),
    )


def _slug(value: str) -> str:
    return _SLUG_RE.sub("", value.strip().lower())


def _country(value: str) -> str:
    return value.strip().upper()[:2]


def _int32(value: int) -> int:
    """Clamp into the 32-bit numeric fields: an absurd value must not fail the whole batch."""
    return max(0, min(int(value), RATE_UNKNOWN - 1))


def _fields(doc: VendorDocument) -> dict[str, Any]:
    """Turn a document into Whoosh field values (integers for everything sortable)."""
    categories = [s for s in (_slug(c) for c in doc.categories) if s]
    certs = [s for s in (_slug(c) for c in doc.certifications) if s]
    # "soc2" and "iso27001" are how buyers type them; the names tokenise as "soc 2".
    cert_text = " ".join([*doc.certification_names, *certs, *(c.replace("-", "") for c in certs)])
    location = " ".join(filter(None, [doc.city, doc.country_name, doc.country]))
    category_text = " ".join([*doc.category_names, *(c.replace("-", " ") for c in categories)])
    languages = " ".join(doc.languages)
    values: dict[str, Any] = {
        "id": str(doc.id),
        "slug": doc.slug,
        "name": doc.name,
        "tagline": doc.tagline,
        "description": doc.description,
        "services": doc.services_text,
        "category_text": category_text,
        "location": location,
        "certifications": cert_text,
        "languages": languages,
        "words": " ".join(
            [
                doc.name,
                doc.tagline,
                doc.description,
                doc.services_text,
                category_text,
                location,
                cert_text,
                languages,
            ]
        ),
        "name_ac": doc.name,
        "category_label": "\n".join(
            f"{slug}\t{' '.join(name.split())}"
            for slug, name in zip(categories, doc.category_names, strict=False)
        ),
        "category": " ".join(categories),
        "certification": " ".join(certs),
        "rate": _int32(doc.rate_min_cents) if doc.rate_min_cents is not None else RATE_UNKNOWN,
        "rating": _int32(doc.rating_x100 or 0),
        "review_count": _int32(doc.review_count),
        "verified": bool(doc.verified),
        "plan": doc.plan,
        "status": doc.status,
    }
    if doc.country:
        values["country"] = _country(doc.country)
    rate_max = doc.rate_max_cents if doc.rate_max_cents is not None else doc.rate_min_cents
    if rate_max is not None:
        values["rate_max"] = _int32(rate_max)
    if doc.team_size is not None:
        values["team_size"] = _int32(doc.team_size)
    return values


def _doc_to_json(doc: VendorDocument) -> dict[str, Any]:
    return asdict(doc)


def _doc_from_json(data: dict[str, Any]) -> VendorDocument:
    tuples = {
        "categories",
        "category_names",
        "certifications",
        "certification_names",
        "languages",
    }
    values: dict[str, Any] = {k: tuple(v) if k in tuples else v for k, v in data.items()}
    return VendorDocument(**values)


# --- small helpers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    text: str  # lower-cased, accent-folded
    start: int  # span in the user's text, for rebuilding a corrected query
    end: int


def _query_words(text: str) -> list[_Word]:
    """Split user text into words; nothing in it is ever interpreted as query syntax."""
    words: list[_Word] = []
    seen: set[str] = set()
    for token in PLAIN_ANALYZER(text[:MAX_QUERY_CHARS], chars=True):
        word = token.text[:MAX_WORD_CHARS]
        if word in _STOPLIST or word in seen:
            continue
        seen.add(word)
        words.append(_Word(word, token.startchar, token.endchar))
        if len(words) == MAX_QUERY_WORDS:
            break
    return words


def _fold(text: str) -> str:
    return " ".join(t.text for t in PLAIN_ANALYZER(text))


def _fold_word(token: str) -> str:
    """One token as PLAIN_ANALYZER leaves it: lower-cased, accents folded.

    Lower-case ASCII is what ``accent_map`` leaves unchanged, so only other words are translated.
    """
    word = token.lower()
    return word if word.isascii() else word.translate(accent_map)


def _folded(text: str) -> list[str]:
    """PLAIN_ANALYZER's output (tokenise, lower-case, fold accents), ~10x faster."""
    return [_fold_word(m.group()) for m in _TOKEN_RE.finditer(text)]


def _stems(word: str) -> set[str]:
    return {t.text for t in STEM_ANALYZER(word)}


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau distance <= 1 in linear time (Whoosh's FuzzyTerm misses transpositions)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    shortest = min(la, lb)
    while i < shortest and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # equal, or one substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _intersect(base: set[int], others: Iterable[set[int]]) -> set[int]:
    result = base
    for other in sorted(others, key=len):
        result = result & other
        if not result:
            break
    return result


def _shorten(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "\u2026"


@functools.lru_cache(maxsize=50_000)
def _stem_word(word: str) -> str:
    return str(porter_stem(word))


def _highlight(text: str, stems: frozenset[str]) -> str | None:
    """A snippet of ``text`` around its first matched word, matches in ``<mark>``, all escaped.

    Whoosh's highlighter runs the full analyser over every token of the text (about 2 ms a
    hit); this scans tokens with one regex and stems only words that could match.
    """
    prefixes = {stem[:3] for stem in stems}
    spans = []
    for m in _TOKEN_RE.finditer(text, 0, HIGHLIGHT_SCAN_CHARS):
        word = _fold_word(m.group())
        if word[:3] in prefixes and _stem_word(word) in stems:
            spans.append(m.span())
    if not spans:
        return None
    first_start, first_end = spans[0]
    start = max(0, first_start - SNIPPET_LEAD_CHARS)
    if start:
        space = text.find(" ", start, first_start)  # begin on a word boundary
        start = space + 1 if space != -1 else first_start
    end = min(len(text), max(start + SNIPPET_CHARS, first_end))
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    parts, pos = [], start
    for a, b in spans:
        if a >= pos and b <= end:
            parts += [html.escape(text[pos:a]), "<mark>", html.escape(text[a:b]), "</mark>"]
            pos = b
    parts.append(html.escape(text[pos:end]))
    tail = text[end:]
    # Ellipses only where words were cut off, not for a trailing full stop.
    parts.append("\u2026" if tail.strip(_TRAILING) else html.escape(tail))
    prefix = "\u2026" if text[:start].strip() else ""
    return prefix + " ".join("".join(parts).split())


def _snippet(stored: dict[str, Any], stems: frozenset[str]) -> str:
    """The first highlighted snippet among SNIPPET_FIELDS, else the tagline, all escaped."""
    if stems:
        for fieldname in SNIPPET_FIELDS:
            snippet = _highlight(stored.get(fieldname) or "", stems)
            if snippet:
                return snippet
    return html.escape(_shorten(stored.get("tagline") or stored.get("description") or ""))


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (released by the kernel if we die)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _try_flock(path: Path, timeout: float) -> int | None:
    """Try to lock ``path`` for up to ``timeout`` seconds; return the fd holding it or None."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(0.05)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old content or the new one, never a torn file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _open_index(path: Path) -> whoosh_index.Index:
    """Open an index directory; transient read errors pass through so callers can retry."""
    try:
        return whoosh_index.open_dir(str(path))
    except whoosh_index.EmptyIndexError as exc:
        _release(exc)
        raise IndexUnavailable(f"no search index in {path}") from exc
    except _READ_ERRORS as exc:
        _release(exc)
        raise
    except Exception as exc:
        # Anything else (a torn or foreign TOC, a bad pickle) means "unreadable": the caller
        # answers from the database instead of failing the request.
        _release(exc)
        raise IndexUnavailable(f"search index {path} cannot be opened: {exc!r}") from exc


def _release(exc: BaseException) -> None:
    """Close the files Whoosh leaves open when reading a bad TOC fails, right now.

    Whoosh's TOC reader does not close the file when it fails; a closure in the traceback's
    frames keeps the handle until the exception dies, wherever that happens (and warns
    there). The error itself is kept (its message goes into logs and IndexUnavailable); its
    frames are dropped. Error paths only, so the cost of a collection does not matter.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        exc.__traceback__ = None
        gc.collect()


@dataclass
class _Cache:
    """Derived data valid for one searcher generation; dropped whenever the searcher changes."""

    all_docs: set[int] | None = None
    facets: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    filters: OrderedDict[str, set[int]] = field(default_factory=OrderedDict)
    terms: OrderedDict[tuple[str, str], set[int]] = field(default_factory=OrderedDict)
    columns: dict[str, list[int]] = field(default_factory=dict)
    vocab: dict[str, dict[int, list[tuple[str, int]]]] = field(default_factory=dict)
    categories: list[tuple[str, str, tuple[str, ...]]] | None = None


@dataclass
class _TextPlan:
    """The user's words as queries: one clause per word, each a union of (field, stem) terms."""

    clauses: list[wq.Query]
    clause_terms: list[list[tuple[str, str]]]
    stems: frozenset[str]

    def query(self, require_all: bool) -> wq.Query | None:
        if not self.clauses:
            return None
        if len(self.clauses) == 1:
            return self.clauses[0]
        return wq.And(self.clauses) if require_all else _union(self.clauses)


def _union(queries: list[wq.Query]) -> wq.Query:
    # A tree of union matchers, not Whoosh's default for small indexes (which reads and scores
    # every posting up front): the top-N collector can then skip blocks that cannot rank.
    return DefaultOr(queries)


class _DocSet(wq.Query):  # type: ignore[misc]  # whoosh is untyped
    """Matches a precomputed set of (global) docnums with score 0, as a clause of an And."""

    def __init__(self, docs: set[int], top: Searcher) -> None:
        self.docs = docs
        self.boost = 1.0
        self._offsets = {id(sub.reader()): offset for sub, offset in top.leaf_searchers()}

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"_DocSet({len(self.docs)} docs)"

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.docs)

    def estimate_min_size(self, ixreader: Any) -> int:
        return len(self.docs)

    def matcher(self, searcher: Searcher, context: Any = None) -> Any:
        # Called once per segment with that segment's searcher: translate to local docnums.
        offset = self._offsets.get(id(searcher.reader()), 0)
        end = offset + searcher.reader().doc_count_all()
        ids = sorted(d - offset for d in self.docs if offset <= d < end)
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, weights=[0.0] * len(ids))


_Op = VendorDocument | int  # a document to upsert, or the id of one to remove


class WhooshBackend:
    """Whoosh-backed :class:`~marketplace.search.backend.SearchBackend`.

    Create one per process (e.g. on the Flask app) and reuse it: it keeps one searcher open
    and refreshes it when another process commits. It is safe to share between threads;
    searches are serialised because a Whoosh searcher is not thread-safe.
    """

    def __init__(self, base_dir: Path | str, writer_timeout: float = 10.0) -> None:
        self.base_dir = Path(base_dir)
        self.writer_timeout = writer_timeout
        self._pid = os.getpid()
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._dirname: str | None = None
        self._current_key: tuple[int, int, int] | None = None
        self._current_name: str | None = None
        self._cache = _Cache()

    # --- public API: reads -------------------------------------------------------------------

    def search(self, q: SearchQuery) -> SearchResults:
        """Full-text search with filters, facets, sorting, pagination and a did-you-mean."""
        return self._read(lambda s: self._search(s, q))

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Categories, then vendors, whose name has words starting with what was typed."""
        words = [t.text[:MAX_WORD_CHARS] for t in PLAIN_ANALYZER(prefix[:100])][:5]
        if limit <= 0 or sum(len(w) for w in words) < SUGGEST_MIN_CHARS:
            return []
        return self._read(lambda s: self._suggest(s, words, limit))

    def doc_count(self) -> int:
        """Number of searchable (published) vendors in the live index."""
        return self._read(lambda s: int(s.doc_count()))

    def healthy(self) -> bool:
        """True when the live index opens and answers; the service falls back to SQL if not."""
        try:
            self.doc_count()
        except SearchError:
            return False
        return True

    # --- public API: writes ------------------------------------------------------------------

    def index(self, docs: Iterable[VendorDocument]) -> None:
        """Upsert documents in one commit; non-published ones are removed instead."""
        self._write(list(docs))

    def remove(self, ids: Iterable[int]) -> None:
        """Remove vendors by id in one commit."""
        self._write([int(i) for i in ids])

    def rebuild(self, docs: Iterable[VendorDocument]) -> int:
        """Build a new index directory from ``docs``, swap it in atomically, return its size.

        Searches keep using the old directory until the swap. Updates that other processes
        make meanwhile go to the old index *and* a journal, replayed into the new index
        before the swap, so a rebuild never loses a concurrent change. Pass a lazy iterable
        (a generator reading the database): a change committed after ``docs`` was read but
        before this call started would otherwise be missing until the next update or sync.
        Ids should be unique; a repeated id keeps its first document.
        """
        self.base_dir.mkdir(parents=True, exist_ok=True)
        run_fd = _try_flock(self.base_dir / REBUILD_LOCK, timeout=0.5)
        if run_fd is None:
            raise RebuildInProgress(f"a rebuild of {self.base_dir} is already running")
        previous: str | None = None
        try:
            name = f"{DIR_PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
            path = self.base_dir / name
            path.mkdir()
            try:
                ix = whoosh_index.create_in(str(path), build_schema())
                with _flock(self.base_dir / JOURNAL_LOCK):
                    (self.base_dir / JOURNAL).unlink(missing_ok=True)
                    _atomic_write(self.base_dir / BUILDING, name)
                seen: set[int] = set()
                with ix.writer(timeout=self.writer_timeout, delay=LOCK_POLL, limitmb=128) as w:
                    for doc in docs:
                        if doc.searchable and doc.id not in seen:
                            seen.add(doc.id)
                            w.add_document(**_fields(doc))
                with _flock(self.base_dir / JOURNAL_LOCK):
                    replayed = self._read_journal()
                    if replayed:
                        with ix.writer(timeout=self.writer_timeout, delay=LOCK_POLL) as w:
                            self._apply(w, replayed)
                    count = int(ix.doc_count())
                    previous = self._read_current_name()
                    _atomic_write(self.base_dir / CURRENT, name)
                    self._end_build()
            except BaseException:
                with _flock(self.base_dir / JOURNAL_LOCK):
                    self._end_build()
                shutil.rmtree(path, ignore_errors=True)
                raise
        finally:
            os.close(run_fd)
        self._remove_old_dirs(keep={name, previous})
        log.info("search index rebuilt: %s vendors in %s", count, name)
        return count

    # --- reading -----------------------------------------------------------------------------

    def _read(self, fn: Callable[[Searcher], T]) -> T:
        """Run ``fn`` on the live searcher; reopen once if a concurrent commit tripped it."""
        if self._pid != os.getpid():
            # Forked (e.g. gunicorn --preload): the parent's reader and lock are not ours.
            self._lock = threading.RLock()
            self._searcher, self._dirname, self._current_key = None, None, None
            self._cache = _Cache()
            self._pid = os.getpid()
        with self._lock:
            try:
                return fn(self._live_searcher(reopen=False))
            except _READ_ERRORS as exc:
                log.warning("search index read failed (%r); reopening once", exc)
                _release(exc)
            try:
                return fn(self._live_searcher(reopen=True))
            except _READ_ERRORS as exc:
                _release(exc)
                self._forget_searcher()
                raise IndexUnavailable(f"search index under {self.base_dir} is unreadable") from exc

    def _live_searcher(self, reopen: bool) -> Searcher:
        name = self._read_current_name()
        if name is None:
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        if reopen or self._searcher is None or name != self._dirname:
            self._forget_searcher()
            self._searcher = self._open_searcher(name)
            self._dirname = name
            self._cache = _Cache()
            return self._searcher
        if not self._searcher.up_to_date():
            # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 its reader reuse keeps segments
            # merged away by the commit and stale deletions, so a refreshed searcher returned
            # an updated vendor twice. A fresh reader costs a few ms, once per commit.
            fresh = self._open_searcher(name)
            self._forget_searcher()
            self._searcher, self._dirname = fresh, name
        return self._searcher

    def _open_searcher(self, name: str) -> Searcher:
        return _open_index(self.base_dir / name).searcher()

    def _forget_searcher(self) -> None:
        searcher, self._searcher, self._dirname = self._searcher, None, None
        self._cache = _Cache()
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()

    def _read_current_name(self) -> str | None:
        """Name of the live index directory; re-read only when CURRENT's inode changes."""
        path = self.base_dir / CURRENT
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self._current_key = self._current_name = None
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key != self._current_key:
            name = path.read_text(encoding="utf-8").strip()
            if not name.startswith(DIR_PREFIX) or "/" in name or name in {".", ".."}:
                raise IndexUnavailable(f"{path} does not name an index directory")
            self._current_key, self._current_name = key, name
        return self._current_name

    # --- search ------------------------------------------------------------------------------

    def _search(self, s: Searcher, q: SearchQuery) -> SearchResults:
        words = _query_words(q.text)
        plan = self._text_plan(s, words)
        filter_queries = self._filter_queries(q)
        filters = {name: self._cached_docs(s, fq) for name, fq in filter_queries.items()}

        text_query = plan.query(require_all=True)
        text_docs = self._text_docs(s, plan, require_all=True)
        matched = _intersect(text_docs, filters.values())
        relaxed = False
        if not matched and len(plan.clauses) > 1:
            # Nobody matched every word: show vendors matching some, best first.
            any_docs = self._text_docs(s, plan, require_all=False)
            any_matched = _intersect(any_docs, filters.values())
            if any_matched:
                text_query = plan.query(require_all=False)
                text_docs, matched, relaxed = any_docs, any_matched, True

        def without(own: str) -> set[int]:
            if own not in filters:
                return matched
            return _intersect(text_docs, [v for k, v in filters.items() if k != own])

        facets = {
            # Categories and countries are either/or filters: their counts ignore their own
            # selection, so the other choices stay visible with honest numbers.
            "category": self._facet_counts(s, "category", without("category")),
            "country": self._facet_counts(s, "country", without("country")),
            # Certifications must all be held, so each count is what clicking it would give.
            "certification": self._facet_counts(s, "certification", matched),
        }
        hits = self._page(s, q, text_query, plan, matched, narrowed=len(matched) < len(text_docs))
        return SearchResults(
            hits=hits,
            total=len(matched),
            page=q.page,
            per_page=q.per_page,
            facets=facets,
            suggestion=self._did_you_mean(s, q.text, words),
            relaxed=relaxed,
        )

    def _text_plan(self, s: Searcher, words: list[_Word]) -> _TextPlan:
        """One clause per word: its exact stem OR'ed with one-edit neighbours (lower boost)."""
        reader = s.reader()
        clauses: list[wq.Query] = []
        clause_terms: list[list[tuple[str, str]]] = []
        all_stems: set[str] = set()
        for word in words:
            exact = _stems(word.text)
            fuzzy: set[str] = set()
            # Codes and numbers ("27001", "soc2", "step29") must match exactly.
            if len(word.text) >= FUZZY_MIN_CHARS and word.text.isalpha():
                for neighbour in self._neighbours(s, word.text):
                    fuzzy |= _stems(neighbour)
                fuzzy -= exact
            terms: list[wq.Query] = []
            for fieldname, boost in FIELD_BOOSTS.items():
                terms += [
                    wq.Term(fieldname, stem, boost=boost)
                    for stem in sorted(exact)
                    if (fieldname, stem) in reader
                ]
                terms += [
                    wq.Term(fieldname, stem, boost=boost * FUZZY_BOOST)
                    for stem in sorted(fuzzy)
                    if (fieldname, stem) in reader
                ]
            clauses.append(_union(terms) if terms else wq.NullQuery)
            clause_terms.append([(t.fieldname, t.text) for t in terms])
            all_stems |= exact | fuzzy
        return _TextPlan(clauses, clause_terms, frozenset(all_stems))

    def _text_docs(self, s: Searcher, plan: _TextPlan, require_all: bool) -> set[int]:
        """Documents matching the words, from cached per-term posting sets (no scoring)."""
        if not plan.clause_terms:
            return self._all_docs(s)
        per_word = [
            set().union(*(self._term_docs(s, term) for term in terms)) if terms else set()
            for terms in plan.clause_terms
        ]
        if require_all:
            return _intersect(per_word[0], per_word[1:])
        return set().union(*per_word)

    def _term_docs(self, s: Searcher, term: tuple[str, str]) -> set[int]:
        cache = self._cache.terms
        docs = cache.get(term)
        if docs is None:
            docs = self._docs(s, wq.Term(*term))
            cache[term] = docs
            if len(cache) > 512:
                cache.popitem(last=False)
        else:
            cache.move_to_end(term)
        return docs

    def _neighbours(self, s: Searcher, word: str) -> list[str]:
        """Vocabulary words one edit (incl. transposition) from ``word``, most frequent first."""
        by_length = self._vocabulary(s, word[0])
        found = [
            (freq, cand)
            for length in (len(word) - 1, len(word), len(word) + 1)
            for cand, freq in by_length.get(length, ())
            if cand != word and _within_one_edit(word, cand)
        ]
        found.sort(key=lambda fc: (-fc[0], fc[1]))
        return [cand for _, cand in found[:MAX_FUZZY_EXPANSIONS]]

    def _vocabulary(self, s: Searcher, first: str) -> dict[int, list[tuple[str, int]]]:
        """Index words starting with ``first``, by length, with document frequencies."""
        cached = self._cache.vocab.get(first)
        if cached is None:
            cached = {}
            for btext, info in s.reader().iter_prefix("words", first):
                word = btext.decode("utf-8")
                cached.setdefault(len(word), []).append((word, int(info.doc_frequency())))
            self._cache.vocab[first] = cached
        return cached

    def _did_you_mean(self, s: Searcher, text: str, words: list[_Word]) -> str | None:
        """The user's query with unknown words replaced by the closest indexed word."""
        reader = s.reader()
        replacements: list[tuple[_Word, str]] = []
        for word in words:
            w = word.text
            if len(w) < CORRECT_MIN_CHARS or not w.isalpha() or ("words", w) in reader:
                continue
            best: tuple[int, int, str] | None = None
            by_length = self._vocabulary(s, w[0])
            for length in range(len(w) - CORRECT_MAX_EDITS, len(w) + CORRECT_MAX_EDITS + 1):
                for cand, freq in by_length.get(length, ()):
                    dist = damerau_levenshtein(w, cand, limit=CORRECT_MAX_EDITS)
                    if dist <= CORRECT_MAX_EDITS:
                        key = (dist, -freq, cand)
                        if best is None or key < best:
                            best = key
            if best is not None:
                replacements.append((word, best[2]))
        if not replacements:
            return None
        out = text[:MAX_QUERY_CHARS]
        for word, fix in sorted(replacements, key=lambda r: r[0].start, reverse=True):
            out = out[: word.start] + fix + out[word.end :]
        return " ".join(out.split())

    @staticmethod
    def _filter_queries(q: SearchQuery) -> dict[str, wq.Query]:
        """A query per active filter, keyed by filter name (status is always one)."""
        queries: dict[str, wq.Query] = {"status": wq.Term("status", PUBLISHED)}
        categories = sorted({_slug(c) for c in q.categories} - {""})
        if categories:
            queries["category"] = wq.Or([wq.Term("category", c) for c in categories])
        countries = sorted({_country(c) for c in q.countries} - {""})
        if countries:
            queries["country"] = wq.Or([wq.Term("country", c) for c in countries])
        certs = sorted({_slug(c) for c in q.certifications} - {""})
        if certs:
            queries["certification"] = wq.And([wq.Term("certification", c) for c in certs])
        if q.rate_min_cents is not None or q.rate_max_cents is not None:
            # Overlap: the vendor's range [rate, rate_max] meets the buyer's [min, max].
            high = RATE_UNKNOWN - 1
            if q.rate_max_cents is not None:
                high = min(q.rate_max_cents, high)
            rate_parts: list[wq.Query] = [wq.NumericRange("rate", None, high)]
            if q.rate_min_cents is not None:
                rate_parts.append(wq.NumericRange("rate_max", q.rate_min_cents, None))
            queries["rate"] = wq.And(rate_parts)
        if q.min_rating_x100:
            queries["rating"] = wq.NumericRange("rating", q.min_rating_x100, None)
        if q.team_size_min is not None or q.team_size_max is not None:
            queries["team_size"] = wq.NumericRange("team_size", q.team_size_min, q.team_size_max)
        if q.verified_only:
            queries["verified"] = wq.Term("verified", True)
        return queries

    def _cached_docs(self, s: Searcher, query: wq.Query) -> set[int]:
        key = repr(query)
        cache = self._cache.filters
        docs = cache.get(key)
        if docs is None:
            docs = self._docs(s, query)
            cache[key] = docs
            if len(cache) > 64:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return docs

    @staticmethod
    def _docs(s: Searcher, query: wq.Query) -> set[int]:
        return set(s.docs_for_query(query))

    def _all_docs(self, s: Searcher) -> set[int]:
        if self._cache.all_docs is None:
            self._cache.all_docs = self._docs(s, wq.Every())
        return self._cache.all_docs

    def _facet_counts(self, s: Searcher, fieldname: str, docs: set[int]) -> list[tuple[str, int]]:
        """(value, count) over ``docs``, most frequent first, from cached posting sets."""
        postings = self._cache.facets.get(fieldname)
        if postings is None:
            postings = {}
            for value in s.reader().field_terms(fieldname):
                ids = self._docs(s, wq.Term(fieldname, value))
                if ids:
                    postings[value] = ids
            self._cache.facets[fieldname] = postings
        counts = [(value, len(docs & ids)) for value, ids in postings.items()]
        return sorted(((v, n) for v, n in counts if n), key=lambda vn: (-vn[1], vn[0]))

    def _page(
        self,
        s: Searcher,
        q: SearchQuery,
        text_query: wq.Query | None,
        plan: _TextPlan,
        matched: set[int],
        narrowed: bool,
    ) -> list[SearchHit]:
        """The requested page of ``matched``; only its hits are highlighted.

        Relevance is Whoosh's scored top-N search; the other orders sort the matched docnums
        by cached integer columns, far cheaper than Whoosh's sorting collector in Python.
        """
        start = (q.page - 1) * q.per_page
        window = min(q.page * q.per_page, MAX_RESULT_WINDOW, len(matched))
        if start >= window:
            return []
        if q.sort == "relevance" and text_query is not None:
            # Filters narrow the text matches: intersect with them inside the query, so only
            # the survivors are scored (Whoosh's filter= visits and scores every text match).
            query = wq.And([text_query, _DocSet(matched, s)]) if narrowed else text_query
            results = s.search(query, limit=window, terms=False)
            ranked = [(hit.docnum, float(hit.score or 0.0)) for hit in results[start:window]]
        else:
            top = heapq.nsmallest(window, matched, key=self._sort_key(s, q.sort))
            ranked = [(docnum, 0.0) for docnum in top[start:]]
        hits = []
        for docnum, score in ranked:
            stored = s.stored_fields(docnum)
            hits.append(
                SearchHit(
                    id=int(stored["id"]),
                    slug=stored.get("slug", ""),
                    name=stored.get("name", ""),
                    score=score,
                    snippet_html=_snippet(stored, plan.stems),
                )
            )
        return hits

    def _sort_key(self, s: Searcher, sort: str) -> Callable[[int], tuple[int, ...]]:
        """Sort key over docnums; the docnum last keeps pages stable between requests."""
        rating = self._column(s, "rating")
        reviews = self._column(s, "review_count")
        if sort == "rate":
            rate = self._column(s, "rate")
            return lambda d: (rate[d], -rating[d], d)
        if sort == "reviews":
            return lambda d: (-reviews[d], -rating[d], d)
        # "rating", and "relevance" without words to be relevant to: best rated first.
        return lambda d: (-rating[d], -reviews[d], d)

    def _column(self, s: Searcher, fieldname: str) -> list[int]:
        values = self._cache.columns.get(fieldname)
        if values is None:
            reader = s.reader().column_reader(fieldname)
            values = [int(v) for v in reader]
            if len(values) != s.doc_count_all():  # a segment without the column
                values = [int(reader[d]) for d in range(s.doc_count_all())]
            self._cache.columns[fieldname] = values
        return values

    # --- autocomplete ------------------------------------------------------------------------

    def _suggest(self, s: Searcher, words: list[str], limit: int) -> list[Suggestion]:
        categories = [
            Suggestion(label=name, kind="category", value=slug)
            for slug, name, name_words in self._categories(s)
            if all(any(nw.startswith(w) for nw in name_words) for w in words)
        ]
        typed = " ".join(words)
        results = s.search(
            wq.And([wq.Prefix("name_ac", w) for w in words]),
            limit=limit * 3,
            sortedby=[
                sorting.FieldFacet("review_count", reverse=True),
                sorting.FieldFacet("rating", reverse=True),
            ],
        )
        vendors = [(hit["name"], hit["slug"]) for hit in results]
        # Names that start with what was typed read as the better completion (stable sort
        # keeps the most-reviewed first within each group).
        vendors.sort(key=lambda v: not _fold(v[0]).startswith(typed))
        # Up to three categories lead; more when there are few vendors to show.
        n_categories = min(len(categories), max(min(3, limit), limit - len(vendors)))
        out = categories[:n_categories]
        out += [Suggestion(label=n, kind="vendor", value=slug) for n, slug in vendors]
        return out[:limit]

    def _categories(self, s: Searcher) -> list[tuple[str, str, tuple[str, ...]]]:
        """Live (slug, name, words) triples for categories that have a published vendor."""
        if self._cache.categories is None:
            live = {}
            postings = self._cache.facets.get("category")
            for label in s.reader().field_terms("category_label"):
                slug, _, name = label.partition("\t")
                if not name or slug in live:
                    continue
                has_vendor = (
                    slug in postings
                    if postings is not None
                    else bool(self._docs(s, wq.Term("category", slug)))
                )
                if has_vendor:
                    words = _fold(f"{name} {slug.replace('-', ' ')}").split()
                    live[slug] = (slug, name, tuple(words))
            self._cache.categories = sorted(live.values(), key=lambda c: c[1].lower())
        return self._cache.categories

    # --- writing -----------------------------------------------------------------------------

    def _write(self, ops: list[_Op]) -> None:
        # One writer cannot see its own buffered documents: a vendor twice in one batch
        # would be added twice. The last change to each vendor wins.
        latest = {(op if isinstance(op, int) else op.id): op for op in ops}
        ops = list(latest.values())
        if not ops:
            return
        path = self.base_dir / self._route_write(ops)
        try:
            ix = _open_index(path)
        except _READ_ERRORS:
            ix = _open_index(path)  # a concurrent commit replaced the TOC we were reading
        except IndexUnavailable:
            raise
        try:
            # The context manager cancels (and unlocks) if applying raises.
            with ix.writer(timeout=self.writer_timeout, delay=LOCK_POLL) as w:
                self._apply(w, ops)
        except whoosh_index.LockError as exc:
            raise IndexBusy(
                f"search index write lock not obtained within {self.writer_timeout}s"
            ) from exc

    def _route_write(self, ops: list[_Op]) -> str:
        """Journal ``ops`` if a rebuild is running, and return the live index to write to."""
        if not self.base_dir.is_dir():
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        with _flock(self.base_dir / JOURNAL_LOCK):
            if self._rebuild_running():
                with open(self.base_dir / JOURNAL, "a", encoding="utf-8") as fh:
                    for op in ops:
                        entry = {"remove": op} if isinstance(op, int) else {"doc": _doc_to_json(op)}
                        fh.write(json.dumps(entry) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
            self._current_key = None  # another process may have swapped: read CURRENT afresh
            name = self._read_current_name()
        if name is None:
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        return name

    def _rebuild_running(self) -> bool:
        """Is a rebuild in progress? A BUILDING marker left by a dead one is cleared."""
        if not (self.base_dir / BUILDING).exists():
            return False
        fd = _try_flock(self.base_dir / REBUILD_LOCK, timeout=0)
        if fd is None:
            return True  # the rebuilding process holds the lock: it is alive
        try:
            log.warning("clearing the marker of a search rebuild that died")
            self._end_build()
        finally:
            os.close(fd)
        return False

    def _end_build(self) -> None:
        (self.base_dir / BUILDING).unlink(missing_ok=True)
        (self.base_dir / JOURNAL).unlink(missing_ok=True)

    def _read_journal(self) -> list[_Op]:
        path = self.base_dir / JOURNAL
        if not path.exists():
            return []
        ops: list[_Op] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            ops.append(int(entry["remove"]) if "remove" in entry else _doc_from_json(entry["doc"]))
        return ops

    @staticmethod
    def _apply(w: IndexWriter, ops: list[_Op]) -> None:
        for op in ops:
            if isinstance(op, VendorDocument) and op.searchable:
                w.update_document(**_fields(op))
            else:
                w.delete_by_term("id", str(op if isinstance(op, int) else op.id))

    def _remove_old_dirs(self, keep: set[str | None]) -> None:
        """Delete superseded index directories, keeping the live one and its predecessor.

        The predecessor stays so a process that read CURRENT just before the swap can still
        open it; any reader that does trip over a removed directory reopens once.
        """
        building = None
        with contextlib.suppress(OSError):
            building = (self.base_dir / BUILDING).read_text(encoding="utf-8").strip()
        for child in self.base_dir.iterdir():
            name = child.name
            if name.startswith(DIR_PREFIX) and name not in keep and name != building:
                shutil.rmtree(child, ignore_errors=True)
