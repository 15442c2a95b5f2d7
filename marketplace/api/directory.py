"""Public directory data: vendor search and profiles, categories, certifications."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from flask import abort, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from marketplace.api import representations as rep
from marketplace.api.blueprint import V1, bp
from marketplace.api.pagination import decode_cursor, encode_cursor, page_response
from marketplace.api.schemas import VENDOR_SEARCH
from marketplace.api.spec import Operation, documented
from marketplace.directory.models import (
    Certification,
    ServiceCategory,
    Vendor,
    VendorCertification,
    VendorService,
)
from marketplace.directory.services import (
    all_certifications,
    category_counts,
    country_name,
    profile_for_viewer,
)
from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from marketplace.search.services import search_vendors
from marketplace.search.views import parse_search_args

#: The search engine ranks at most this many hits (deeper pages cost too much); refine instead.
SEARCH_WINDOW = 1000
_SEARCH_ARGS = (
    "q",
    "category",
    "country",
    "cert",
    "rate_min",
    "rate_max",
    "rating",
    "team_min",
    "team_max",
    "sort",
)

LIST_VENDORS = Operation(
    operation_id="listVendors",
    summary="Search published vendors",
    description="The search page's filters, facets and sorting. Facet counts cover every "
    "match, not just the page. Page with `next_cursor` (or the `Link` header) through the "
    f"first {SEARCH_WINDOW:,} matches; narrow the filters to see beyond them.",
    tag="Directory",
    auth="public",
    params=VENDOR_SEARCH,
    returns="VendorList",
    headers=("Link",),
)
GET_VENDOR = Operation(
    operation_id="getVendor",
    summary="A published vendor's profile",
    description="Answers with an `ETag`; send it back in `If-None-Match` to get 304 when the "
    "profile has not changed. Profiles that are not published answer 404.",
    tag="Directory",
    auth="public",
    returns="VendorDetail",
    headers=("ETag",),
    not_modified=True,
    path_params={"slug": "The vendor's slug, as in its profile address."},
)
LIST_CATEGORIES = Operation(
    operation_id="listCategories",
    summary="Service categories",
    description="Every category with its number of published vendors, in display order.",
    tag="Directory",
    auth="public",
    returns="CategoryList",
)
LIST_CERTIFICATIONS = Operation(
    operation_id="listCertifications",
    summary="Certifications",
    description="Every certification vendors can hold, by name.",
    tag="Directory",
    auth="public",
    returns="CertificationList",
)


def _search_args() -> MultiDict[str, str]:
    """The API's query string in the search page's vocabulary (verified=true -> verified=1)."""
    args: MultiDict[str, str] = MultiDict()
    for name in _SEARCH_ARGS:
        for value in request.args.getlist(name):
            args.add(name, value)
    if request.args.get("verified") == "true":
        args.add("verified", "1")
    return args


def _facet_labels() -> dict[str, dict[str, str]]:
    categories = db.session.execute(select(ServiceCategory.slug, ServiceCategory.name))
    certifications = db.session.execute(select(Certification.slug, Certification.name))
    return {
        "category": {slug: name for slug, name in categories},
        "certification": {slug: name for slug, name in certifications},
    }


@bp.get(V1 + "/vendors")
@documented(LIST_VENDORS)
def list_vendors() -> Response:
    """Search published vendors with the search page's filters, facets and sorts."""
    query = LIST_VENDORS.query()
    limit: int = query.get("limit")
    offset = 0
    if query.get("cursor"):
        offset = decode_cursor(query.get("cursor"), "vendors").get("offset")
        if not isinstance(offset, int) or offset < 0 or offset % limit:
            raise FieldErrors({"cursor": "This cursor is not valid; start again without one."})
    parsed = parse_search_args(_search_args())
    if parsed.problems:
        raise FieldErrors({"filters": " ".join(parsed.problems)})
    results = search_vendors(replace(parsed.query, page=offset // limit + 1, per_page=limit))
    ids = [hit.id for hit in results.hits]
    loaded = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Vendor)
                .where(Vendor.id.in_(ids), Vendor.status == "published")
                .options(
                    selectinload(Vendor.services).selectinload(VendorService.category),
                    selectinload(Vendor.certifications).selectinload(
                        VendorCertification.certification
                    ),
                )
            )
        }
        if ids
        else {}
    )
    labels = _facet_labels()

    def label(facet: str, value: str) -> str:
        return country_name(value) if facet == "country" else labels[facet].get(value, value)

    facets = {
        name: [
            {"value": value, "label": label(name, value), "count": count}
            for value, count in results.facets.get(name, [])
        ]
        for name in ("category", "country", "certification")
    }
    more = ids and offset + limit < min(results.total, SEARCH_WINDOW)
    body = {
        "items": [rep.vendor_summary(loaded[i]) for i in ids if i in loaded],
        "total": results.total,
        "facets": facets,
        "suggestion": results.suggestion,
    }
    return page_response(body, encode_cursor("vendors", offset=offset + limit) if more else None)


@bp.get(V1 + "/vendors/<slug>")
@documented(GET_VENDOR)
def get_vendor(slug: str) -> Response:
    """One published vendor; conditional GET with ETag / If-None-Match."""
    GET_VENDOR.query()
    vendor = profile_for_viewer(slug, None)  # published profiles only, whoever asks
    if vendor is None:
        abort(404)
    response = jsonify(rep.vendor_detail(vendor))
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.get(V1 + "/categories")
@documented(LIST_CATEGORIES)
def list_categories() -> Response:
    """Service categories with their published-vendor counts."""
    LIST_CATEGORIES.query()
    return jsonify(
        {
            "items": [
                {
                    "id": c.category.id,
                    "slug": c.category.slug,
                    "name": c.category.name,
                    "description": c.category.description or "",
                    "default_unit": c.category.default_unit,
                    "vendor_count": c.vendors,
                }
                for c in category_counts()
            ]
        }
    )


@bp.get(V1 + "/certifications")
@documented(LIST_CERTIFICATIONS)
def list_certifications() -> Response:
    """Every certification a vendor can hold."""
    LIST_CERTIFICATIONS.query()
    return jsonify(
        {
            "items": [
                {"id": c.id, "slug": c.slug, "name": c.name, "description": c.description or ""}
                for c in all_certifications()
            ]
        }
    )
