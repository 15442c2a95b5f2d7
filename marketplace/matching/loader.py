"""Build matching facts from the database: published vendors serving a category, in two queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select

from marketplace.directory.models import (
    Certification,
    Vendor,
    VendorCertification,
    VendorService,
)
from marketplace.directory.services import country_name
from marketplace.extensions import db
from marketplace.matching.engine import Recommendation, RequestFacts, VendorFacts, recommend
from marketplace.quotes.models import QuoteRequest
from marketplace.rates.services import current_rates


def request_facts(request: QuoteRequest) -> RequestFacts:
    """The request as matching sees it (with the current exchange rates)."""
    return RequestFacts(
        category_slug=request.category.slug,
        category_name=request.category.name,
        quantity=request.quantity,
        currency=request.currency,
        budget_monthly=request.budget_monthly,
        required_certifications={c.slug: c.name for c in request.required_certifications},
        preferred_countries=frozenset(request.preferred_countries or ()),
        usd_per=current_rates().usd_per,
    )


def vendor_facts_for_category(
    category_id: int, category_slug: str, today: date
) -> list[VendorFacts]:
    """Facts for every published vendor serving the category; expired certifications don't count."""
    serving = (
        select(Vendor, VendorService)
        .join(VendorService, VendorService.vendor_id == Vendor.id)
        .where(Vendor.status == "published", VendorService.category_id == category_id)
        .order_by(Vendor.id)
    )
    rows = db.session.execute(serving).all()
    if not rows:
        return []
    held: dict[int, dict[str, str]] = defaultdict(dict)
    certs = db.session.execute(
        select(VendorCertification.vendor_id, Certification.slug, Certification.name)
        .join(Certification, Certification.id == VendorCertification.certification_id)
        .join(VendorService, VendorService.vendor_id == VendorCertification.vendor_id)
        .join(Vendor, Vendor.id == VendorCertification.vendor_id)
        .where(
            Vendor.status == "published",
            VendorService.category_id == category_id,
            or_(VendorCertification.expires_on.is_(None), VendorCertification.expires_on >= today),
        )
    ).all()
    for vendor_id, slug, name in certs:
        held[vendor_id][slug] = name
    return [
        VendorFacts(
            vendor_id=vendor.id,
            name=vendor.name,
            categories=frozenset({category_slug}),
            country=vendor.country or "",
            country_name=country_name(vendor.country),
            pricing_model=service.pricing_model,
            indicative_price=service.indicative_price,
            price_currency=service.currency,
            certifications=dict(held.get(vendor.id, {})),
            rating=vendor.rating_avg,
            review_count=vendor.review_count,
            median_response_hours=vendor.median_response_hours,
            plan=vendor.plan,
        )
        for vendor, service in rows
    ]


def recommendations_for(
    request: QuoteRequest, today: date, limit: int = 20
) -> list[Recommendation]:
    """The ranked recommendations for a request ("Get matched")."""
    facts = request_facts(request)
    vendors = vendor_facts_for_category(request.category_id, request.category.slug, today)
    return recommend(facts, vendors, limit=limit)
