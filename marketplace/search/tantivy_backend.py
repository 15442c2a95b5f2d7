"""The search backend on Tantivy (the Rust engine, PyPI package ``tantivy``).

Same behaviours as :mod:`marketplace.search.whoosh_backend`, which stays the reference: the
text is analysed here in Python with the Whoosh backend's analysers (folding, stop words,
Porter stems) and handed to Tantivy pre-tokenised (``whitespace`` tokenizer), so both engines
see identical terms, typo expansion picks the same one-edit neighbours from the vocabulary,
did-you-mean and the ``<mark>`` snippets are computed by the same code. Tantivy does the
heavy part: postings, BM25 scoring, top-N, sorting on fast fields and facet aggregations.

Layout under ``base_dir`` (``SEARCH_INDEX_DIR/tantivy``) mirrors the Whoosh backend::

    CURRENT           name of the live index directory (replaced atomically on rebuild)
    index-<stamp>/    Tantivy index directories; the live one and the previous one are kept
    BUILDING          present while a rebuild runs: names the directory being built
    JOURNAL           updates that arrived during that rebuild, replayed before the swap
    JOURNAL.lock      guards BUILDING/JOURNAL/CURRENT against a writer racing the swap
    REBUILD.lock      held for the whole rebuild
    WRITER.lock       one Tantivy writer at a time across processes (flock, with a timeout)

Readers: one ``tantivy.Index`` per process, reloaded when the live index's ``meta.json``
changes (i.e. after any process commits).

Ranking differs from Whoosh's (Tantivy's BM25 vs Whoosh's BM25F, different length
normalisation); which vendors match, totals, facet counts, filters, typo handling,
suggestions and snippets are the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import tantivy
from whoosh.support.levenshtein import damerau_levenshtein

from marketplace.search.backend import IndexBusy, IndexUnavailable, RebuildInProgress
from marketplace.search.documents import (
    PUBLISHED,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    VendorDocument,
)
from marketplace.search.whoosh_backend import (
    _STOPLIST,
    CORRECT_MAX_EDITS,
    CORRECT_MIN_CHARS,
    FIELD_BOOSTS,
    FUZZY_BOOST,
    FUZZY_MIN_CHARS,
    MAX_FUZZY_EXPANSIONS,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    MAX_WORD_CHARS,
    PLAIN_ANALYZER,
    RATE_UNKNOWN,
    SUGGEST_MIN_CHARS,
    _atomic_write,
    _country,
    _fields,
    _flock,
    _fold,
    _folded,
    _query_words,
    _slug,
    _snippet,
    _stem_word,
    _stems,
    _try_flock,
    _within_one_edit,
    _Word,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

CURRENT = "CURRENT"
BUILDING = "BUILDING"
JOURNAL = "JOURNAL"
JOURNAL_LOCK = "JOURNAL.lock"
REBUILD_LOCK = "REBUILD.lock"
WRITER_LOCK = "WRITER.lock"
DIR_PREFIX = "index-"
TEXT_FIELDS = tuple(FIELD_BOOSTS)  # name, category_text, tagline, ...
STORED_FIELDS = ("name", "tagline", "description", "services")
#: Sort keys packed into one fast field each: Tantivy orders by a single field.
_SHIFT = 10**7

_READ_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError)


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw")  # the vendor id, as text
    sb.add_text_field("slug", stored=True, tokenizer_name="raw")
    for name in STORED_FIELDS:
        sb.add_text_field(f"{name}_raw", stored=True, tokenizer_name="raw", index_option="basic")
    # Pre-analysed (stemmed) text, one field per boosted field.
    for name in TEXT_FIELDS:
        sb.add_text_field(f"t_{name}", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("words", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("name_ac", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("category_label", tokenizer_name="raw", index_option="basic")
    for name in ("category", "country", "certification", "status", "plan"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("rate", "rate_max", "rating", "review_count", "team_size"):
        sb.add_integer_field(name, indexed=True, fast=True)
    for name in ("sort_rating", "sort_reviews", "sort_rate"):
        sb.add_integer_field(name, fast=True)
    sb.add_boolean_field("verified", indexed=True)
    return sb.build()


def _analyse(analyzer: Any, text: str) -> str:
    return " ".join(t.text for t in analyzer(text))


def _unstemmed(text: str) -> str:
    """WORDS_ANALYZER's output as one string."""
    return " ".join(w for w in _folded(text) if w not in _STOPLIST)


def _stemmed(text: str) -> str:
    """STEM_ANALYZER's output (same tokens, stop words, Porter stems) as one string."""
    return " ".join(_stem_word(w) for w in _folded(text) if w not in _STOPLIST)


def _document(doc: VendorDocument) -> tantivy.Document:
    v = _fields(doc)  # the Whoosh backend's denormalisation: same words, same values
    d = tantivy.Document()
    d.add_text("key", str(doc.id))
    d.add_text("slug", doc.slug)
    for name in STORED_FIELDS:
        d.add_text(f"{name}_raw", v[name] or "")
    for name in TEXT_FIELDS:
        d.add_text(f"t_{name}", _stemmed(v[name] or ""))
    d.add_text("words", _unstemmed(v["words"]))
    d.add_text("name_ac", " ".join(_folded(v["name_ac"])))
    for label in filter(None, v["category_label"].split("\n")):
        d.add_text("category_label", label)
    for value in v["category"].split():
        d.add_text("category", value)
    for value in v["certification"].split():
        d.add_text("certification", value)
    if "country" in v:
        d.add_text("country", v["country"])
    d.add_text("status", v["status"])
    d.add_text("plan", v["plan"] or "")
    for name in ("rate", "rate_max", "rating", "review_count", "team_size"):
        if name in v:
            d.add_integer(name, int(v[name]))
    rating, reviews, rate = v["rating"], min(v["review_count"], _SHIFT - 1), v["rate"]
    d.add_integer("sort_rating", min(rating, 10**9) * _SHIFT + reviews)
    d.add_integer("sort_reviews", reviews * _SHIFT + min(rating, _SHIFT - 1))
    # Ascending rate, best rated first among equal rates.
    d.add_integer("sort_rate", rate * _SHIFT + (_SHIFT - 1 - min(rating, _SHIFT - 1)))
    d.add_boolean("verified", bool(v["verified"]))
    return d


def _doc_from_json(data: dict[str, Any]) -> VendorDocument:
    tuples = {"categories", "category_names", "certifications", "certification_names", "languages"}
    return VendorDocument(**{k: tuple(v) if k in tuples else v for k, v in data.items()})


_Op = VendorDocument | int


@dataclass
class _Reader:
    """One opened index directory plus data derived from its current generation."""

    name: str
    index: tantivy.Index
    meta_key: tuple[int, int] | None = None
    searcher: tantivy.Searcher | None = None
    vocab: dict[str, dict[int, list[tuple[str, int]]]] = field(default_factory=dict)
    categories: list[tuple[str, str, tuple[str, ...]]] | None = None


@dataclass
class _TextPlan:
    clauses: list[tantivy.Query]
    stems: frozenset[str]

    def query(self, require_all: bool) -> tantivy.Query | None:
        if not self.clauses:
            return None
        if len(self.clauses) == 1:
            return self.clauses[0]
        occur = tantivy.Occur.Must if require_all else tantivy.Occur.Should
        return tantivy.Query.boolean_query([(occur, c) for c in self.clauses])


class TantivyBackend:
    """Tantivy-backed :class:`~marketplace.search.backend.SearchBackend` (one per process)."""

    def __init__(self, base_dir: Path | str, writer_timeout: float = 10.0) -> None:
        self.base_dir = Path(base_dir)
        self.writer_timeout = writer_timeout
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._reader: _Reader | None = None
        self._current_key: tuple[int, int, int] | None = None
        self._current_name: str | None = None

    # --- public API: reads -------------------------------------------------------------------

    def search(self, q: SearchQuery) -> SearchResults:
        return self._read(lambda r: self._search(r, q))

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        words = [t.text[:MAX_WORD_CHARS] for t in PLAIN_ANALYZER(prefix[:100])][:5]
        if limit <= 0 or sum(len(w) for w in words) < SUGGEST_MIN_CHARS:
            return []
        return self._read(lambda r: self._suggest(r, words, limit))

    def doc_count(self) -> int:
        return self._read(lambda r: int(self._searcher(r).num_docs))

    def healthy(self) -> bool:
        try:
            self.doc_count()
        except IndexUnavailable:
            return False
        return True

    # --- public API: writes ------------------------------------------------------------------

    def index(self, docs: Iterable[VendorDocument]) -> None:
        self._write(list(docs))

    def remove(self, ids: Iterable[int]) -> None:
        self._write([int(i) for i in ids])

    def rebuild(self, docs: Iterable[VendorDocument]) -> int:
        """Build a new index directory from ``docs``, swap it in atomically, return its size."""
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
                ix = tantivy.Index(self.schema, path=str(path), reuse=False)
                with _flock(self.base_dir / JOURNAL_LOCK):
                    (self.base_dir / JOURNAL).unlink(missing_ok=True)
                    _atomic_write(self.base_dir / BUILDING, name)
                seen: set[int] = set()
                w = ix.writer(heap_size=128_000_000, num_threads=1)
                for doc in docs:
                    if doc.searchable and doc.id not in seen:
                        seen.add(doc.id)
                        w.add_document(_document(doc))
                w.commit()
                with _flock(self.base_dir / JOURNAL_LOCK):
                    replayed = self._read_journal()
                    if replayed:
                        self._apply(w, replayed)
                        w.commit()
                    w.wait_merging_threads()
                    ix.reload()
                    count = int(ix.searcher().num_docs)
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
        log.info("tantivy search index rebuilt: %s vendors in %s", count, name)
        return count

    # --- reading -----------------------------------------------------------------------------

    def _read(self, fn: Callable[[_Reader], T]) -> T:
        if self._pid != os.getpid():
            self._lock = threading.RLock()
            self._reader, self._current_key = None, None
            self._pid = os.getpid()
        with self._lock:
            try:
                return fn(self._live_reader(reopen=False))
            except IndexUnavailable:
                raise
            except _READ_ERRORS as exc:
                log.warning("tantivy index read failed (%r); reopening once", exc)
            try:
                return fn(self._live_reader(reopen=True))
            except IndexUnavailable:
                raise
            except _READ_ERRORS as exc:
                self._reader = None
                raise IndexUnavailable(f"search index under {self.base_dir} is unreadable") from exc

    def _live_reader(self, reopen: bool) -> _Reader:
        name = self._read_current_name()
        if name is None:
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        if reopen or self._reader is None or self._reader.name != name:
            self._reader = None
            path = self.base_dir / name
            try:
                index = tantivy.Index.open(str(path))
            except Exception as exc:  # missing, torn or foreign: unreadable
                raise IndexUnavailable(f"search index {path} cannot be opened: {exc!r}") from exc
            self._reader = _Reader(name, index)
        reader = self._reader
        try:
            st = os.stat(self.base_dir / reader.name / "meta.json")
        except FileNotFoundError as exc:
            raise IndexUnavailable(f"search index {reader.name} has no meta.json") from exc
        key = (st.st_mtime_ns, st.st_ino)
        if key != reader.meta_key:
            # Another process (or this one) committed: see its changes, drop derived data.
            reader.index.reload()
            reader.searcher = reader.index.searcher()
            reader.meta_key = key
            reader.vocab, reader.categories = {}, None
        return reader

    @staticmethod
    def _searcher(r: _Reader) -> tantivy.Searcher:
        assert r.searcher is not None
        return r.searcher

    def _read_current_name(self) -> str | None:
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

    def _term(self, fieldname: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, fieldname, value)

    def _search(self, r: _Reader, q: SearchQuery) -> SearchResults:
        s = self._searcher(r)
        words = _query_words(q.text)
        plan = self._text_plan(r, words)
        filters = self._filter_queries(q)

        text_query = plan.query(require_all=True)
        relaxed = False
        matched = self._combine(text_query, filters.values())
        total = int(s.search(matched, 1, count=True).count)
        if total == 0 and len(plan.clauses) > 1:
            any_query = plan.query(require_all=False)
            any_matched = self._combine(any_query, filters.values())
            any_total = int(s.search(any_matched, 1, count=True).count)
            if any_total:
                text_query, matched, total, relaxed = any_query, any_matched, any_total, True

        def without(own: str) -> Any:
            if own not in filters:
                return matched
            return self._combine(text_query, [v for k, v in filters.items() if k != own])

        facets = self._facet_counts(
            s,
            {
                "category": without("category"),
                "country": without("country"),
                "certification": matched,
            },
        )
        hits = self._page(s, q, text_query is not None, matched, total, plan.stems)
        return SearchResults(
            hits=hits,
            total=total,
            page=q.page,
            per_page=q.per_page,
            facets=facets,
            suggestion=self._did_you_mean(r, q.text, words),
            relaxed=relaxed,
        )

    @staticmethod
    def _combine(text_query: tantivy.Query | None, filters: Iterable[tantivy.Query]) -> Any:
        parts = [(tantivy.Occur.Must, text_query)] if text_query is not None else []
        # Filters do not score: wrap them so only the words decide relevance.
        parts += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        return tantivy.Query.boolean_query(parts)

    def _text_plan(self, r: _Reader, words: list[_Word]) -> _TextPlan:
        s = self._searcher(r)
        clauses: list[tantivy.Query] = []
        all_stems: set[str] = set()
        for word in words:
            exact = _stems(word.text)
            fuzzy: set[str] = set()
            if len(word.text) >= FUZZY_MIN_CHARS and word.text.isalpha():
                for neighbour in self._neighbours(r, word.text):
                    fuzzy |= _stems(neighbour)
                fuzzy -= exact
            terms: list[tuple[Any, tantivy.Query]] = []
            for fieldname, boost in FIELD_BOOSTS.items():
                f = f"t_{fieldname}"
                for stems, factor in ((exact, 1.0), (fuzzy, FUZZY_BOOST)):
                    for stem in sorted(stems):
                        if s.doc_freq(f, stem):
                            terms.append(
                                (
                                    tantivy.Occur.Should,
                                    tantivy.Query.boost_query(self._term(f, stem), boost * factor),
                                )
                            )
            clauses.append(
                tantivy.Query.boolean_query(terms) if terms else tantivy.Query.empty_query()
            )
            all_stems |= exact | fuzzy
        return _TextPlan(clauses, frozenset(all_stems))

    def _vocabulary(self, r: _Reader, first: str) -> dict[int, list[tuple[str, int]]]:
        cached = r.vocab.get(first)
        if cached is None:
            cached = {}
            for word, freq in self._searcher(r).terms_with_prefix("words", first):
                cached.setdefault(len(word), []).append((word, int(freq)))
            r.vocab[first] = cached
        return cached

    def _neighbours(self, r: _Reader, word: str) -> list[str]:
        by_length = self._vocabulary(r, word[0])
        found = [
            (freq, cand)
            for length in (len(word) - 1, len(word), len(word) + 1)
            for cand, freq in by_length.get(length, ())
            if cand != word and _within_one_edit(word, cand)
        ]
        found.sort(key=lambda fc: (-fc[0], fc[1]))
        return [cand for _, cand in found[:MAX_FUZZY_EXPANSIONS]]

    def _did_you_mean(self, r: _Reader, text: str, words: list[_Word]) -> str | None:
        s = self._searcher(r)
        replacements: list[tuple[_Word, str]] = []
        for word in words:
            w = word.text
            if len(w) < CORRECT_MIN_CHARS or not w.isalpha() or s.doc_freq("words", w):
                continue
            best: tuple[int, int, str] | None = None
            by_length = self._vocabulary(r, w[0])
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
        for word, fix in sorted(replacements, key=lambda x: x[0].start, reverse=True):
            out = out[: word.start] + fix + out[word.end :]
        return " ".join(out.split())

    def _filter_queries(self, q: SearchQuery) -> dict[str, tantivy.Query]:
        Q, schema, Occur = tantivy.Query, self.schema, tantivy.Occur
        integer = tantivy.FieldType.Integer
        queries: dict[str, tantivy.Query] = {"status": self._term("status", PUBLISHED)}
        categories = sorted({_slug(c) for c in q.categories} - {""})
        if categories:
            queries["category"] = Q.term_set_query(schema, "category", categories)
        countries = sorted({_country(c) for c in q.countries} - {""})
        if countries:
            queries["country"] = Q.term_set_query(schema, "country", countries)
        certs = sorted({_slug(c) for c in q.certifications} - {""})
        if certs:
            queries["certification"] = Q.boolean_query(
                [(Occur.Must, self._term("certification", c)) for c in certs]
            )
        if q.rate_min_cents is not None or q.rate_max_cents is not None:
            high = RATE_UNKNOWN - 1
            if q.rate_max_cents is not None:
                high = min(q.rate_max_cents, high)
            parts = [(Occur.Must, Q.range_query(schema, "rate", integer, None, high))]
            if q.rate_min_cents is not None:
                parts.append(
                    (Occur.Must, Q.range_query(schema, "rate_max", integer, q.rate_min_cents, None))
                )
            queries["rate"] = Q.boolean_query(parts)
        if q.min_rating_x100:
            queries["rating"] = Q.range_query(schema, "rating", integer, q.min_rating_x100, None)
        if q.team_size_min is not None or q.team_size_max is not None:
            queries["team_size"] = Q.range_query(
                schema, "team_size", integer, q.team_size_min, q.team_size_max
            )
        if q.verified_only:
            queries["verified"] = self._term("verified", True)
        return queries

    @staticmethod
    def _facet_counts(
        s: tantivy.Searcher, queries: dict[str, Any]
    ) -> dict[str, list[tuple[str, int]]]:
        """Value counts per facet field; fields sharing one query share one aggregation pass."""
        groups: dict[int, tuple[Any, list[str]]] = {}
        for fieldname, query in queries.items():
            groups.setdefault(id(query), (query, []))[1].append(fieldname)
        facets: dict[str, list[tuple[str, int]]] = {}
        for query, fieldnames in groups.values():
            aggs = {f: {"terms": {"field": f, "size": 10_000}} for f in fieldnames}
            result = s.aggregate(query, aggs)
            for f in fieldnames:
                counts = [(str(b["key"]), int(b["doc_count"])) for b in result[f]["buckets"]]
                facets[f] = sorted(((v, n) for v, n in counts if n), key=lambda vn: (-vn[1], vn[0]))
        return {f: facets[f] for f in queries}

    def _page(
        self,
        s: tantivy.Searcher,
        q: SearchQuery,
        has_text: bool,
        matched: Any,
        total: int,
        stems: frozenset[str],
    ) -> list[SearchHit]:
        start = (q.page - 1) * q.per_page
        window = min(q.page * q.per_page, MAX_RESULT_WINDOW, total)
        if start >= window:
            return []
        limit = window - start
        if q.sort == "relevance" and has_text:
            result = s.search(matched, limit, count=False, offset=start)
            ranked = [(float(score), addr) for score, addr in result.hits]
        else:
            field_name, order = {
                "rate": ("sort_rate", tantivy.Order.Asc),
                "reviews": ("sort_reviews", tantivy.Order.Desc),
            }.get(q.sort, ("sort_rating", tantivy.Order.Desc))
            result = s.search(
                matched, limit, count=False, offset=start, order_by_field=field_name, order=order
            )
            ranked = [(0.0, addr) for _, addr in result.hits]
        hits = []
        for score, addr in ranked:
            stored = s.doc(addr).to_dict()

            def first(name: str, stored: dict[str, Any] = stored) -> str:
                values = stored.get(name) or [""]
                return str(values[0])

            hits.append(
                SearchHit(
                    id=int(first("key")),
                    slug=first("slug"),
                    name=first("name_raw"),
                    score=score,
                    snippet_html=_snippet({n: first(f"{n}_raw") for n in STORED_FIELDS}, stems),
                )
            )
        return hits

    # --- autocomplete ------------------------------------------------------------------------

    def _suggest(self, r: _Reader, words: list[str], limit: int) -> list[Suggestion]:
        s = self._searcher(r)
        categories = [
            Suggestion(label=name, kind="category", value=slug)
            for slug, name, name_words in self._categories(r)
            if all(any(nw.startswith(w) for nw in name_words) for w in words)
        ]
        typed = " ".join(words)
        query = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.regex_query(self.schema, "name_ac", re.escape(w) + ".*"),
                )
                for w in words
            ]
            + [(tantivy.Occur.Must, self._term("status", PUBLISHED))]
        )
        result = s.search(
            query, limit * 3, count=False, order_by_field="sort_reviews", order=tantivy.Order.Desc
        )
        vendors = []
        for _, addr in result.hits:
            stored = s.doc(addr).to_dict()
            vendors.append((stored["name_raw"][0], stored["slug"][0]))
        vendors.sort(key=lambda v: not _fold(v[0]).startswith(typed))
        n_categories = min(len(categories), max(min(3, limit), limit - len(vendors)))
        out = categories[:n_categories]
        out += [Suggestion(label=n, kind="vendor", value=slug) for n, slug in vendors]
        return out[:limit]

    def _categories(self, r: _Reader) -> list[tuple[str, str, tuple[str, ...]]]:
        if r.categories is None:
            s = self._searcher(r)
            published = self._term("status", PUBLISHED)
            live_counts = dict(self._facet_counts(s, {"category": published})["category"])
            live: dict[str, tuple[str, str, tuple[str, ...]]] = {}
            for label, _ in sorted(s.terms_with_prefix("category_label", "")):
                slug, _, name = label.partition("\t")
                if not name or slug in live or not live_counts.get(slug):
                    continue
                words = _fold(f"{name} {slug.replace('-', ' ')}").split()
                live[slug] = (slug, name, tuple(words))
            r.categories = sorted(live.values(), key=lambda c: c[1].lower())
        return r.categories

    # --- writing -----------------------------------------------------------------------------

    def _write(self, ops: list[_Op]) -> None:
        latest = {(op if isinstance(op, int) else op.id): op for op in ops}
        ops = list(latest.values())
        if not ops:
            return
        fd = (
            _try_flock(self.base_dir / WRITER_LOCK, self.writer_timeout)
            if self.base_dir.is_dir()
            else None
        )
        if not self.base_dir.is_dir():
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        if fd is None:
            raise IndexBusy(f"search index write lock not obtained within {self.writer_timeout}s")
        try:
            name = self._route_write(ops)
            path = self.base_dir / name
            try:
                ix = tantivy.Index.open(str(path))
            except Exception as exc:
                raise IndexUnavailable(f"search index {path} cannot be opened: {exc!r}") from exc
            try:
                w = ix.writer(heap_size=50_000_000, num_threads=1)
            except ValueError as exc:  # Tantivy's own lockfile: a writer outside our flock
                raise IndexBusy(f"tantivy writer busy: {exc}") from exc
            try:
                self._apply(w, ops)
                w.commit()
                w.wait_merging_threads()
            except BaseException:
                with contextlib.suppress(Exception):
                    w.rollback()
                raise
        finally:
            os.close(fd)

    def _route_write(self, ops: list[_Op]) -> str:
        with _flock(self.base_dir / JOURNAL_LOCK):
            if self._rebuild_running():
                with open(self.base_dir / JOURNAL, "a", encoding="utf-8") as fh:
                    for op in ops:
                        entry = {"remove": op} if isinstance(op, int) else {"doc": asdict(op)}
                        fh.write(json.dumps(entry) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
            self._current_key = None
            name = self._read_current_name()
        if name is None:
            raise IndexUnavailable(f"no search index under {self.base_dir}; run a reindex")
        return name

    def _rebuild_running(self) -> bool:
        if not (self.base_dir / BUILDING).exists():
            return False
        fd = _try_flock(self.base_dir / REBUILD_LOCK, timeout=0)
        if fd is None:
            return True
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
            if line.strip():
                entry = json.loads(line)
                ops.append(
                    int(entry["remove"]) if "remove" in entry else _doc_from_json(entry["doc"])
                )
        return ops

    @staticmethod
    def _apply(w: Any, ops: list[_Op]) -> None:
        for op in ops:
            key = str(op if isinstance(op, int) else op.id)
            w.delete_documents_by_term("key", key)
            if isinstance(op, VendorDocument) and op.searchable:
                w.add_document(_document(op))

    def _remove_old_dirs(self, keep: set[str | None]) -> None:
        building = None
        with contextlib.suppress(OSError):
            building = (self.base_dir / BUILDING).read_text(encoding="utf-8").strip()
        for child in self.base_dir.iterdir():
            name = child.name
            if name.startswith(DIR_PREFIX) and name not in keep and name != building:
                shutil.rmtree(child, ignore_errors=True)
