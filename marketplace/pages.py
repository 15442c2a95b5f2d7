"""Public pages that belong to no single feature: the home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from marketplace.directory.models import ServiceCategory, Vendor, VendorService
from marketplace.extensions import db

bp = Blueprint("pages", __name__)


@bp.route("/")
def home() -> str:
    """The front door: search, categories, and the most-reviewed published vendors."""
    categories = db.session.scalars(
        select(ServiceCategory).order_by(ServiceCategory.position, ServiceCategory.name)
    ).all()
    category_counts = dict(
        db.session.execute(
            select(VendorService.category_id, func.count())
            .join(Vendor, Vendor.id == VendorService.vendor_id)
            .where(Vendor.status == "published")
            .group_by(VendorService.category_id)
        ).all()
    )
    featured = db.session.scalars(
        select(Vendor)
        .where(Vendor.status == "published")
        .order_by(Vendor.review_count.desc(), Vendor.id)
        .limit(6)
    ).all()
    vendor_total = db.session.scalar(
        select(func.count(Vendor.id)).where(Vendor.status == "published")
    )
    return render_template(
        "pages/home.html",
        categories=categories,
        category_counts=category_counts,
        featured=featured,
        vendor_total=vendor_total or 0,
    )
