"""Rows to JSON, field by field, matching the schemas in ``schemas.py``.

Written out explicitly (no ``__dict__`` dumps), so a new column never leaks into the API by
accident. Money is a string with its decimals (never a float), times are RFC 3339 in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marketplace.clock import as_utc
from marketplace.compare import comparison_to_json
from marketplace.comparison.services import ComparisonPage
from marketplace.directory.models import Vendor
from marketplace.directory.services import plain_amount
from marketplace.quotes.models import Invitation, Message, Quote, QuoteRequest
from marketplace.quotes.services import accepting_quotes, current_quote, effective_status


def iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat().replace("+00:00", "Z")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def unit_price(value: Decimal | None) -> str | None:
    return plain_amount(value) if value is not None else None


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def vendor_ref(vendor: Vendor) -> dict[str, Any]:
    return {"id": vendor.id, "slug": vendor.slug, "name": vendor.name}


def vendor_summary(vendor: Vendor) -> dict[str, Any]:
    """A vendor as search lists it (services and certifications must be loaded)."""
    services = sorted(vendor.services, key=lambda s: (s.category.position, s.category.name))
    return {
        "id": vendor.id,
        "slug": vendor.slug,
        "name": vendor.name,
        "tagline": vendor.tagline or "",
        "country": vendor.country or "",
        "city": vendor.city or "",
        "categories": [s.category.slug for s in services],
        "certifications": sorted(vc.certification.slug for vc in vendor.certifications),
        "rating": number(vendor.rating_avg),
        "review_count": vendor.review_count or 0,
        "median_response_hours": number(vendor.median_response_hours),
        "verified": bool(vendor.verified),
        "plan": vendor.plan,
        "hourly_rate_min": money(vendor.hourly_rate_min),
        "hourly_rate_max": money(vendor.hourly_rate_max),
        "rate_currency": vendor.rate_currency,
    }


def vendor_detail(vendor: Vendor) -> dict[str, Any]:
    """A published profile: the summary plus description, services and facts."""
    services = sorted(vendor.services, key=lambda s: (s.category.position, s.category.name))
    return {
        **vendor_summary(vendor),
        "description": vendor.description or "",
        "website": vendor.website or "",
        "founded_year": vendor.founded_year,
        "team_size": vendor.team_size,
        "languages": list(vendor.languages or []),
        "services": [
            {
                "category": s.category.slug,
                "category_name": s.category.name,
                "pricing_model": s.pricing_model,
                "indicative_price": unit_price(s.indicative_price),
                "currency": s.currency,
                "minimum_engagement_months": s.minimum_engagement_months,
                "description": s.description or "",
            }
            for s in services
        ],
        "certifications_verified": sorted(
            vc.certification.slug for vc in vendor.certifications if vc.status == "verified"
        ),
        "updated_at": iso_datetime(vendor.updated_at),
    }


def vendor_profile(vendor: Vendor) -> dict[str, Any]:
    """The caller's own profile, with its moderation status."""
    return {
        **vendor_detail(vendor),
        "status": vendor.status,
        "status_reason": vendor.status_reason or "",
    }


def _request_common(req: QuoteRequest, now: datetime) -> dict[str, Any]:
    return {
        "id": req.id,
        "status": effective_status(req, now),
        "accepting_quotes": accepting_quotes(req, now),
        "title": req.title,
        "description": req.description or "",
        "category": req.category.slug,
        "quantity": req.quantity,
        "unit": req.unit,
        "contract_months": req.contract_months,
        "start_date": iso_date(req.start_date),
        "budget_monthly": money(req.budget_monthly),
        "currency": req.currency,
        "required_certifications": sorted(c.slug for c in req.required_certifications),
        "preferred_countries": list(req.preferred_countries or []),
        "quotes_due_at": iso_datetime(req.quotes_due_at),
    }


def request_invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "vendor": vendor_ref(invitation.vendor),
        "status": invitation.status,
        "invited_at": iso_datetime(invitation.invited_at),
        "viewed_at": iso_datetime(invitation.viewed_at),
        "responded_at": iso_datetime(invitation.responded_at),
        "decline_reason": invitation.decline_reason or "",
    }


def buyer_request(req: QuoteRequest, now: datetime) -> dict[str, Any]:
    """A request as its buyer sees it, with the invitations."""
    weights = dict(req.weights or {})
    return {
        **_request_common(req, now),
        "in_house_monthly_cost": money(req.in_house_monthly_cost),
        "weights": {
            c: int(weights.get(c, 0))
            for c in ("price", "quality", "sla", "compliance", "responsiveness")
        },
        "created_at": iso_datetime(req.created_at),
        "published_at": iso_datetime(req.published_at),
        "awarded_at": iso_datetime(req.awarded_at),
        "invitations": [request_invitation(i) for i in req.invitations],
    }


def quote(q: Quote) -> dict[str, Any]:
    return {
        "id": q.id,
        "request_id": q.request_id,
        "invitation_id": q.invitation_id,
        "vendor": vendor_ref(q.invitation.vendor),
        "version": q.version,
        "status": q.status,
        "pricing_model": q.pricing_model,
        "unit_price": unit_price(q.unit_price),
        "hours_per_month": q.hours_per_month,
        "setup_fee": money(q.setup_fee),
        "minimum_monthly": money(q.minimum_monthly),
        "currency": q.currency,
        "turnaround_hours": q.turnaround_hours,
        "accuracy_pct": number(q.accuracy_pct),
        "valid_until": iso_date(q.valid_until),
        "notes": q.notes or "",
        "created_at": iso_datetime(q.created_at),
        "decided_at": iso_datetime(q.decided_at),
    }


def lead(invitation: Invitation, now: datetime) -> dict[str, Any]:
    """An invitation as the invited vendor sees it (never the buyer's in-house cost)."""
    req = invitation.request
    latest = current_quote(invitation)
    return {
        "id": invitation.id,
        "status": invitation.status,
        "invited_at": iso_datetime(invitation.invited_at),
        "viewed_at": iso_datetime(invitation.viewed_at),
        "responded_at": iso_datetime(invitation.responded_at),
        "decline_reason": invitation.decline_reason or "",
        "request": {
            **_request_common(req, now),
            "buyer_company": req.buyer.company or req.buyer.display_name,
        },
        "current_quote": quote(latest) if latest is not None else None,
    }


def message(msg: Message, viewer_id: int) -> dict[str, Any]:
    author = msg.author
    return {
        "id": msg.id,
        "request_id": msg.request_id,
        "vendor_id": msg.vendor_id,
        "author": None
        if author is None
        else {"role": author.role, "name": author.company or author.display_name},
        "mine": msg.author_id == viewer_id,
        "body": msg.body,
        "created_at": iso_datetime(msg.created_at),
    }


def comparison(page: ComparisonPage) -> dict[str, Any]:
    """The comparison page's numbers, in the engine's JSON (DESIGN 9) plus who is who."""
    req = page.request
    body: dict[str, Any] = {
        "request_id": req.id,
        "currency": req.currency,
        "weights": {c: int(v) for c, v in page.weights.items()},
        "ranking": [],
        "sensitivity": None,
        "rates_as_of": None,
        "unrated": [],
    }
    if page.comparison is None:
        return body
    engine = comparison_to_json(page.comparison)
    for entry in engine["ranking"]:
        column = page.columns[entry["id"]]
        entry["quote_id"] = column.quote.id
        entry["vendor"] = vendor_ref(column.vendor)
        entry["required_certifications_held"] = list(column.held)
        entry["required_certifications_missing"] = list(column.missing)
    body.update(
        currency=engine["currency"],
        ranking=engine["ranking"],
        sensitivity=engine["sensitivity"],
        rates_as_of=engine["rates_as_of"],
        unrated=engine["unrated"],
    )
    return body


def items(rows: Iterable[Any], render: Any, *args: Any) -> list[dict[str, Any]]:
    return [render(row, *args) for row in rows]
