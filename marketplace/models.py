"""Imports every feature's models so metadata (Alembic, tests) sees the whole schema."""

from marketplace.accounts.models import ApiToken, User
from marketplace.admin.models import AuditLog, Flag
from marketplace.billing.models import StripeEvent, Subscription
from marketplace.directory.models import (
    Certification,
    ServiceCategory,
    ShortlistEntry,
    Vendor,
    VendorCertification,
    VendorDailyStat,
    VendorService,
)
from marketplace.notify.models import Notification, OutboxEmail
from marketplace.quotes.models import (
    Invitation,
    Message,
    Quote,
    QuoteAllowanceUsage,
    QuoteRequest,
    ThreadRead,
)
from marketplace.rates.models import ExchangeRate
from marketplace.reviews.models import Review
from marketplace.search.models import SearchPending

__all__ = [
    "ApiToken",
    "AuditLog",
    "Certification",
    "ExchangeRate",
    "Flag",
    "Invitation",
    "Message",
    "Notification",
    "OutboxEmail",
    "Quote",
    "QuoteAllowanceUsage",
    "QuoteRequest",
    "Review",
    "SearchPending",
    "ServiceCategory",
    "ShortlistEntry",
    "StripeEvent",
    "Subscription",
    "ThreadRead",
    "User",
    "Vendor",
    "VendorCertification",
    "VendorDailyStat",
    "VendorService",
]
