"""Vendor profile rules: creation, slugs, visibility."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.directory.models import Vendor
from marketplace.extensions import db


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower-case, hyphenated; falls back to "vendor" for names with no Latin letters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "vendor"


def unique_vendor_slug(name: str) -> str:
    """A slug no other vendor has; slugs never change once given (links stay stable)."""
    base = slugify(name)
    taken = set(
        db.session.scalars(
            select(Vendor.slug).where((Vendor.slug == base) | Vendor.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_draft_vendor(owner: User, name: str) -> Vendor:
    """The empty profile a vendor user owns from sign-up; it stays private until approved."""
    vendor = Vendor(slug=unique_vendor_slug(name), name=name, owner=owner, status="draft")
    db.session.add(vendor)
    return vendor


def vendor_for_user(user: User) -> Vendor | None:
    """The vendor profile a vendor user owns (None for buyers and admins)."""
    if not user.is_authenticated or user.role != "vendor":
        return None
    return db.session.execute(select(Vendor).where(Vendor.owner_id == user.id)).scalar_one_or_none()
