"""The database side of search: durable change records, applying them, and the DB fallback.

Write path (Whoosh's traps are designed around, see issue 4):
1. every vendor change calls :func:`enqueue_vendor` inside its transaction, so the id is written
   to ``search_pending`` with the change: a rolled-back change leaves nothing to index, and a
   committed one is never lost even if the process dies before indexing it;
2. after the commit (see :func:`init_search`), :func:`apply_pending` reads those rows, indexes
   the vendors under the backend's writer lock (with a timeout), and deletes the rows it applied;
3. ``flask search sync`` runs the same function for whatever a dead worker left behind.

The database is the source of truth; ``flask search reindex`` rebuilds the index from it into a
new folder and swaps it in. If the index is unreadable, :func:`search_vendors` answers from a
plain database query and logs a warning, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pycountry
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import delete, event, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from marketplace.directory.models import (
    Certification,
    ServiceCategory,
    Vendor,
    VendorCertification,
    VendorService,
)
from marketplace.extensions import db
from marketplace.search.backend import IndexUnavailable, SearchBackend, SearchError
from marketplace.search.documents import (
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    VendorDocument,
)
from marketplace.search.models import SearchPending

log = logging.getLogger(__name__)

_DIRTY = "search_dirty"


def enqueue_vendor(vendor_id: int) -> None:
    """Record that ``vendor_id`` changed; the index follows after the commit."""
    db.session.add(SearchPending(vendor_id=vendor_id))
    db.session.info[_DIRTY] = True


# --- the backend, one per process -------------------------------------------------------------


def make_backend(app: Flask) -> SearchBackend:
    """Build the configured backend (``SEARCH_BACKEND``: whoosh, tantivy or postgres).

    ``postgres`` keeps its index in the application database (table ``vendor_search``), so
    every web host sees the same index; on any other database it is a configuration error.
    """
    name = app.config["SEARCH_BACKEND"]
    if name == "whoosh":
        from marketplace.search.whoosh_backend import WhooshBackend

        return WhooshBackend(Path(app.config["SEARCH_INDEX_DIR"]))
    if name == "tantivy":
        from marketplace.search.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(app.config["SEARCH_INDEX_DIR"]) / "tantivy")
    if name == "postgres":
        dialect = db.engine.dialect.name
        if dialect != "postgresql":
            raise RuntimeError(
                f"SEARCH_BACKEND='postgres' needs a PostgreSQL database, but the configured "
                f"database is {dialect!r}; use SEARCH_BACKEND='whoosh' or 'tantivy' instead."
            )
        from marketplace.search.postgres_backend import PostgresBackend

        return PostgresBackend(db.engine)
    raise RuntimeError(
        f"SEARCH_BACKEND={name!r} is not available; use 'whoosh', 'tantivy' or 'postgres'."
    )


def get_backend() -> SearchBackend:
    """The process's backend: one searcher reused across requests, refreshed by the backend."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = app.extensions.get("search_backend")
    if backend is None:
        backend = make_backend(app)
        app.extensions["search_backend"] = backend
    return backend  # type: ignore[no-any-return]


# --- documents --------------------------------------------------------------------------------


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else ""


def _usd_cents(amount: Decimal | None, currency: str, usd_per: dict[str, Decimal]) -> int | None:
    if amount is None:
        return None
    rate = usd_per.get(currency)
    if rate is None:
        return None  # unknown currency: the vendor is still found, just not by rate filters
    return int((amount * rate * 100).to_integral_value())


def vendor_document(vendor: Vendor, usd_per: dict[str, Decimal]) -> VendorDocument:
    """Denormalise one vendor (with services and certifications loaded) for the index."""
    services = sorted(vendor.services, key=lambda s: s.category.position)
    certs = [vc.certification for vc in vendor.certifications]
    return VendorDocument(
        id=vendor.id,
        slug=vendor.slug,
        name=vendor.name,
        tagline=vendor.tagline,
        description=vendor.description,
        services_text=" ".join(f"{s.category.name}. {s.description}" for s in services),
        categories=tuple(s.category.slug for s in services),
        category_names=tuple(s.category.name for s in services),
        country=vendor.country,
        country_name=_country_name(vendor.country),
        city=vendor.city,
        certifications=tuple(sorted(c.slug for c in certs)),
        certification_names=tuple(sorted(c.name for c in certs)),
        languages=tuple(vendor.languages or ()),
        rate_min_cents=_usd_cents(vendor.hourly_rate_min, vendor.rate_currency, usd_per),
        rate_max_cents=_usd_cents(vendor.hourly_rate_max, vendor.rate_currency, usd_per),
        rating_x100=int(vendor.rating_avg * 100) if vendor.rating_avg is not None else None,
        review_count=vendor.review_count,
        team_size=vendor.team_size,
        verified=vendor.verified,
        plan=vendor.plan,
        status=vendor.status,
    )


def _vendor_query() -> Any:
    return select(Vendor).options(
        selectinload(Vendor.services).selectinload(VendorService.category),
        selectinload(Vendor.certifications).selectinload(VendorCertification.certification),
    )


def documents_for(vendor_ids: Iterable[int]) -> list[VendorDocument]:
    from marketplace.rates.services import current_rates

    ids = list(vendor_ids)
    if not ids:
        return []
    usd_per = current_rates().usd_per
    vendors = db.session.scalars(_vendor_query().where(Vendor.id.in_(ids))).all()
    return [vendor_document(v, usd_per) for v in vendors]


def all_published_documents(batch: int = 1000) -> Iterable[VendorDocument]:
    """Every published vendor as a document, loaded in batches (the rebuild's input).

    Reads through its own short-lived session, so a rebuild never detaches or expires the
    objects of the caller's session, and memory stays flat however large the directory is.
    """
    from marketplace.rates.services import current_rates

    usd_per = current_rates().usd_per
    last_id = 0
    while True:
        with Session(db.engine) as session:
            vendors = session.scalars(
                _vendor_query()
                .where(Vendor.status == "published", Vendor.id > last_id)
                .order_by(Vendor.id)
                .limit(batch)
            ).all()
            if not vendors:
                return
            docs = [vendor_document(vendor, usd_per) for vendor in vendors]
            last_id = vendors[-1].id
        yield from docs


# --- applying changes -------------------------------------------------------------------------


# pg_advisory_xact_lock key shared by every process applying search_pending ("search" in hex).
APPLY_LOCK_KEY = 0x736561726368


def _lock_appliers() -> None:
    """Wait for any other applier (PostgreSQL); released when this transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLY_LOCK_KEY})


def apply_pending(limit: int = 500) -> int:
    """Index the vendors recorded in ``search_pending`` and delete the rows applied.

    Safe to run from several processes and hosts at once: on PostgreSQL appliers take a
    transaction-scoped advisory lock first, so they run one after another and each pending row
    is applied once, by whichever applier read it (a later applier reads the vendor's newer
    state, so an older document never overwrites a newer one). Each deletes only the row ids it
    read, and indexing the same vendor twice is an idempotent upsert anyway.
    """
    _lock_appliers()
    rows = db.session.execute(
        select(SearchPending.id, SearchPending.vendor_id).order_by(SearchPending.id).limit(limit)
    ).all()
    if not rows:
        db.session.commit()  # ends the transaction, releasing the advisory lock
        return 0
    row_ids = [r.id for r in rows]
    vendor_ids = {r.vendor_id for r in rows}
    docs = documents_for(vendor_ids)
    backend = get_backend()
    try:
        backend.index(docs)  # non-published documents are removed by the backend
        gone = vendor_ids - {d.id for d in docs}
        if gone:
            backend.remove(gone)
    except IndexUnavailable:
        # No index yet (fresh install) or an unreadable one: the database is the source of
        # truth, so build a complete index from it instead of patching a missing one.
        log.warning("Search index missing or unreadable; rebuilding it from the database.")
        db.session.rollback()
        rebuild_index()
        return len(vendor_ids)
    db.session.execute(delete(SearchPending).where(SearchPending.id.in_(row_ids)))
    db.session.commit()
    return len(vendor_ids)


def sync_all() -> int:
    """Apply every pending change (``flask search sync``)."""
    total = 0
    while applied := apply_pending():
        total += applied
    return total


def rebuild_index() -> int:
    """Rebuild from the database into a new folder and swap it in; pending rows become moot."""
    marker = db.session.scalar(select(func.max(SearchPending.id))) or 0
    count = get_backend().rebuild(all_published_documents())
    # Changes recorded before the rebuild started are in it; later ones stay pending.
    db.session.execute(delete(SearchPending).where(SearchPending.id <= marker))
    db.session.commit()
    return count


def _after_commit(session: Session) -> None:
    if session.info.pop(_DIRTY, False) and has_request_context():
        g.search_dirty = True


def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


def _apply_after_request(response: Any) -> Any:
    if g.pop("search_dirty", False):
        try:
            apply_pending()
        except SearchError:
            # The rows stay in search_pending; `flask search sync` or the next change applies them.
            log.warning("Search index update deferred; run `flask search sync`.", exc_info=True)
            db.session.rollback()
    return response


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    _after_rollback(session)


def init_search(app: Flask) -> None:
    # Session-class listeners are process-wide: register them once, however many apps exist.
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    app.after_request(_apply_after_request)


# --- querying ---------------------------------------------------------------------------------


def search_vendors(query: SearchQuery) -> SearchResults:
    """Search through the index, or through the database when the index is unavailable."""
    try:
        return get_backend().search(query)
    except SearchError:
        log.warning("Search index unavailable; answering from the database.", exc_info=True)
        return database_search(query)


def suggest(prefix: str, limit: int = 8) -> list[Suggestion]:
    try:
        return get_backend().suggest(prefix, limit)
    except SearchError:
        log.warning("Search index unavailable for autocomplete.", exc_info=True)
        return []


def _like_terms(text: str) -> list[str]:
    words = [w for w in text.lower().split() if len(w) >= 2][:8]
    return [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]


def database_search(query: SearchQuery) -> SearchResults:
    """A plain SQL search with the same filters and facets, for when the index is unreadable.

    Degraded on purpose: no typo tolerance, no stemming, no snippets, and no rate filter (rates
    are stored in several currencies; the index holds them normalised to USD).
    """
    stmt = select(Vendor.id).where(Vendor.status == "published")
    for word in _like_terms(query.text):
        pattern = f"%{word}%"
        stmt = stmt.where(
            or_(
                func.lower(Vendor.name).like(pattern, escape="\\"),
                func.lower(Vendor.tagline).like(pattern, escape="\\"),
                func.lower(Vendor.description).like(pattern, escape="\\"),
            )
        )
    if query.categories:
        stmt = stmt.where(
            Vendor.id.in_(
                select(VendorService.vendor_id)
                .join(ServiceCategory)
                .where(ServiceCategory.slug.in_(query.categories))
            )
        )
    if query.countries:
        stmt = stmt.where(Vendor.country.in_(query.countries))
    for cert in query.certifications:
        stmt = stmt.where(
            Vendor.id.in_(
                select(VendorCertification.vendor_id)
                .join(Certification)
                .where(Certification.slug == cert)
            )
        )
    if query.min_rating_x100 is not None:
        stmt = stmt.where(Vendor.rating_avg >= Decimal(query.min_rating_x100) / 100)
    if query.team_size_min is not None:
        stmt = stmt.where(Vendor.team_size >= query.team_size_min)
    if query.team_size_max is not None:
        stmt = stmt.where(Vendor.team_size <= query.team_size_max)
    if query.verified_only:
        stmt = stmt.where(Vendor.verified.is_(True))
    matching = stmt.subquery()
    total = db.session.scalar(select(func.count()).select_from(matching)) or 0
    order: Sequence[Any] = {
        "rating": (Vendor.rating_avg.desc().nulls_last(), Vendor.id),
        "rate": (Vendor.hourly_rate_min.asc().nulls_last(), Vendor.id),
        "reviews": (Vendor.review_count.desc(), Vendor.id),
    }.get(query.sort, (Vendor.review_count.desc(), Vendor.id))
    vendors = db.session.execute(
        select(Vendor.id, Vendor.slug, Vendor.name, Vendor.tagline)
        .where(Vendor.id.in_(select(matching.c.id)))
        .order_by(*order)
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    from markupsafe import escape

    hits = [SearchHit(v.id, v.slug, v.name, 0.0, str(escape(v.tagline))) for v in vendors]
    facets = {
        "category": db.session.execute(
            select(ServiceCategory.slug, func.count())
            .join(VendorService, VendorService.category_id == ServiceCategory.id)
            .where(VendorService.vendor_id.in_(select(matching.c.id)))
            .group_by(ServiceCategory.slug)
            .order_by(func.count().desc())
        ).all(),
        "country": db.session.execute(
            select(Vendor.country, func.count())
            .where(Vendor.id.in_(select(matching.c.id)))
            .group_by(Vendor.country)
            .order_by(func.count().desc())
        ).all(),
        "certification": db.session.execute(
            select(Certification.slug, func.count())
            .join(VendorCertification, VendorCertification.certification_id == Certification.id)
            .where(VendorCertification.vendor_id.in_(select(matching.c.id)))
            .group_by(Certification.slug)
            .order_by(func.count().desc())
        ).all(),
    }
    return SearchResults(
        hits=hits,
        total=total,
        page=query.page,
        per_page=query.per_page,
        facets={k: [(str(a), int(b)) for a, b in v] for k, v in facets.items()},
        fallback_used=True,
    )
