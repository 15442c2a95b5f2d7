"""The search page and the autocomplete endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from marketplace.directory.models import Certification, ServiceCategory
from marketplace.extensions import db
from marketplace.parsing import ParseError, clean_text, parse_int, parse_money
from marketplace.search.documents import SORTS, SearchQuery
from marketplace.search.services import search_vendors, suggest

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_PAGE = 50  # the engine returns the first 1,000 hits; narrow the search past that
SORT_LABELS = {
    "relevance": "Best match",
    "rating": "Highest rated",
    "rate": "Lowest hourly rate",
    "reviews": "Most reviews",
}
RATING_CHOICES = ("4.5", "4", "3.5", "3")


@dataclass
class ParsedSearch:
    query: SearchQuery
    problems: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def parse_search_args(args: MultiDict[str, str]) -> ParsedSearch:
    """Turn query-string arguments into a SearchQuery; bad filters are dropped and explained."""
    problems: list[str] = []
    try:
        text = clean_text(args.get("q", ""), max_length=200)
    except ParseError:
        text = clean_text(args.get("q", "")[:200], max_length=200)
        problems.append("Your search was shortened to 200 characters.")

    def many(name: str, limit: int = 20) -> tuple[str, ...]:
        values = [v.strip().lower() for v in args.getlist(name) if v.strip()]
        return tuple(dict.fromkeys(v[:64] for v in values))[:limit]

    def money(name: str, label: str) -> int | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return int(parse_money(raw, max_value=Decimal(100000)) * 100)
        except ParseError as exc:
            problems.append(f"{label} ignored: {exc}")
            return None

    def integer(name: str, label: str, maximum: int) -> int | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return parse_int(raw, min_value=0, max_value=maximum)
        except ParseError as exc:
            problems.append(f"{label} ignored: {exc}")
            return None

    rating = args.get("rating", "").strip()
    min_rating = int(Decimal(rating) * 100) if rating in RATING_CHOICES else None
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    page = integer("page", "Page", MAX_PAGE) or 1
    query = SearchQuery(
        text=text,
        categories=many("category"),
        countries=tuple(c.upper() for c in many("country")),
        certifications=many("cert"),
        rate_min_cents=money("rate_min", "Minimum rate"),
        rate_max_cents=money("rate_max", "Maximum rate"),
        min_rating_x100=min_rating,
        team_size_min=integer("team_min", "Minimum team size", 1_000_000),
        team_size_max=integer("team_max", "Maximum team size", 1_000_000),
        verified_only=args.get("verified") in ("1", "on", "true"),
        sort=sort,  # type: ignore[arg-type]
        page=max(page, 1),
        per_page=PER_PAGE,
    )
    return ParsedSearch(query=query, problems=problems)


def _labels() -> dict[str, dict[str, str]]:
    import pycountry

    categories = dict(db.session.execute(select(ServiceCategory.slug, ServiceCategory.name)).all())
    certs = dict(db.session.execute(select(Certification.slug, Certification.name)).all())
    return {
        "category": categories,
        "certification": certs,
        "country": {c.alpha_2: c.name for c in pycountry.countries},
    }


@bp.route("/search")
def search_page() -> str:
    """Full-text search with facets, filters, sorting, typo tolerance and did-you-mean."""
    parsed = parse_search_args(request.args)
    results = search_vendors(parsed.query)
    from sqlalchemy.orm import selectinload

    from marketplace.directory.models import Vendor

    ids = [hit.id for hit in results.hits]
    if ids:
        from marketplace.clock import utcnow
        from marketplace.directory.services import record_search_appearances

        record_search_appearances(ids, utcnow())  # buffered: no write in this request
    vendors = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Vendor).where(Vendor.id.in_(ids)).options(selectinload(Vendor.services))
            )
        }
        if ids
        else {}
    )
    return render_template(
        "search/search.html",
        parsed=parsed,
        query=parsed.query,
        results=results,
        vendors=vendors,
        labels=_labels(),
        sort_labels=SORT_LABELS,
        rating_choices=RATING_CHOICES,
        args=request.args,
    )


@bp.route("/search/suggest")
def suggest_endpoint() -> Response:
    """Autocomplete: vendor names and categories for 2+ characters, as JSON."""
    prefix = request.args.get("q", "")[:60].strip()
    if len(prefix) < 2:
        return jsonify({"suggestions": []})
    items = suggest(prefix, limit=8)
    from flask import url_for

    def link(kind: str, value: str) -> str:
        if kind == "vendor":
            return url_for("directory.profile", slug=value) if _has("directory.profile") else ""
        return url_for("search.search_page", category=value)

    return jsonify(
        {
            "suggestions": [
                {"label": s.label, "kind": s.kind, "value": s.value, "url": link(s.kind, s.value)}
                for s in items
            ]
        }
    )


def _has(endpoint: str) -> bool:
    from flask import current_app

    return endpoint in current_app.view_functions
