"""The search page and the autocomplete endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pycountry
from flask import Blueprint, jsonify, render_template, request, url_for
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
#: (facet, heading, query parameter) in the order the sidebar shows them.
FACETS = (("category", "Service", "category"), ("country", "Country", "country"),
          ("certification", "Certification", "cert"))  # fmt: skip
FACET_VALUES_SHOWN = 12


@dataclass(frozen=True)
class FacetLink:
    """One facet value in the sidebar: a link that ticks or unticks it, keeping the rest."""

    value: str
    label: str
    count: int
    active: bool
    href: str


def facet_links(
    args: MultiDict[str, str], facets: dict[str, list[tuple[str, int]]], labels: dict[str, Any]
) -> list[tuple[str, str, list[FacetLink]]]:
    """The sidebar's links, built here rather than in the template: a page has up to 36 of
    them, and one ``urlencode`` each costs a fraction of a ``url_for`` in a Jinja macro."""
    base = url_for("search.search_page")
    params = {k: v for k, v in args.to_dict(flat=False).items() if k != "page"}
    sections = []
    for facet, title, param in FACETS:
        current = params.get(param, [])
        selected = {v.upper() if param == "country" else v.lower() for v in current}
        links = []
        for value, count in facets.get(facet, [])[:FACET_VALUES_SHOWN]:
            active = value in selected
            chosen = [v for v in current if v != value] if active else [*current, value]
            query = urlencode({**params, param: chosen}, doseq=True, safe="!$'()*,/:;?@")
            label = labels[facet].get(value, value)
            href = f"{base}?{query}" if query else base
            links.append(FacetLink(value, label, count, active, href))
        if links:
            sections.append((facet, title, links))
    return sections


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
    categories = dict(db.session.execute(select(ServiceCategory.slug, ServiceCategory.name)).all())
    certs = dict(db.session.execute(select(Certification.slug, Certification.name)).all())
    return {
        "category": categories,
        "certification": certs,
        "country": _country_names(),
    }


@cache
def _country_names() -> dict[str, str]:
    """ISO 3166 names never change while the process runs; building the map took ~0.7 ms."""
    return {c.alpha_2: c.name for c in pycountry.countries}


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
    labels = _labels()
    return render_template(
        "search/search.html",
        facet_sections=facet_links(request.args, results.facets, labels),
        parsed=parsed,
        query=parsed.query,
        results=results,
        vendors=vendors,
        labels=labels,
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
