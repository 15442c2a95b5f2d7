"""Vendor recommendations for a quote request ("Get matched").

:mod:`marketplace.matching.engine` is pure Python (no Flask, no SQLAlchemy): facts in, ranked
recommendations with a human reason out. :mod:`marketplace.matching.loader` builds the facts from
the database in two queries.
"""

from marketplace.matching.engine import (
    WEIGHTS,
    Recommendation,
    RequestFacts,
    VendorFacts,
    bayesian_rating,
    budget_fit,
    indicative_monthly,
    recommend,
    response_label,
)

__all__ = [
    "WEIGHTS",
    "Recommendation",
    "RequestFacts",
    "VendorFacts",
    "bayesian_rating",
    "budget_fit",
    "indicative_monthly",
    "recommend",
    "response_label",
]
