"""The comparison engine (DESIGN sections 5 and 9): pure Python, no Flask, no SQLAlchemy.

``schema.parse_compare_body`` turns the JSON body of ``POST /api/v1/compare`` into the engine's
inputs, :func:`compare` ranks the quotes, ``schema.comparison_to_json`` writes the answer.
"""

from __future__ import annotations

from marketplace.compare.engine import (
    CRITERIA,
    CompareError,
    Comparison,
    InvalidWeights,
    PricingModel,
    QuoteResult,
    QuoteTerms,
    Rates,
    RequestTerms,
    Sensitivity,
    UnratedQuote,
    VendorFacts,
    Weights,
    compare,
    explain,
    money_str,
    round_score,
    rounded_contributions,
)
from marketplace.compare.schema import (
    CompareInput,
    compare_body,
    comparison_to_json,
    parse_compare_body,
)

__all__ = [
    "CRITERIA",
    "CompareError",
    "CompareInput",
    "Comparison",
    "InvalidWeights",
    "PricingModel",
    "QuoteResult",
    "QuoteTerms",
    "Rates",
    "RequestTerms",
    "Sensitivity",
    "UnratedQuote",
    "VendorFacts",
    "Weights",
    "compare",
    "compare_body",
    "comparison_to_json",
    "explain",
    "money_str",
    "parse_compare_body",
    "round_score",
    "rounded_contributions",
]
