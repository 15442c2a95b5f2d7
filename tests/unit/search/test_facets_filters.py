"""Facet counts, filters, sorting and pagination over the fixed corpus (numbers from corpus.py)."""

from __future__ import annotations

import pytest

from marketplace.search.documents import SearchQuery, SearchResults
from marketplace.search.whoosh_backend import WhooshBackend
from tests.unit.search.corpus import PUBLISHED_IDS

ALL_CATEGORIES = [
    ("data-entry", 6),
    ("customer-support", 4),
    ("finance-accounting", 4),
    ("hr-recruitment", 4),
    ("it-services", 4),
    ("payroll", 4),
]
ALL_COUNTRIES = [("IN", 5), ("PH", 5), ("US", 4), ("MX", 3), ("PL", 3)]


def run(search: WhooshBackend, **kwargs: object) -> SearchResults:
    return search.search(SearchQuery(per_page=50, **kwargs))  # type: ignore[arg-type]


def ids(results: SearchResults) -> set[int]:
    return {hit.id for hit in results.hits}


def test_facet_counts_over_the_whole_directory(search: WhooshBackend) -> None:
    results = run(search)
    assert results.total == 20
    assert results.facets == {
        "category": ALL_CATEGORIES,
        "country": ALL_COUNTRIES,
        "certification": [
            ("iso-27001", 7),
            ("soc-2", 6),
            ("gdpr", 3),
            ("iso-9001", 3),
            ("pci-dss", 3),
            ("hipaa", 2),
        ],
    }


def test_facet_counts_follow_the_text(search: WhooshBackend) -> None:
    results = run(search, text="payroll")
    assert results.total == 4
    assert results.facets == {
        "category": [("payroll", 4), ("hr-recruitment", 2), ("finance-accounting", 1)],
        "country": [("US", 2), ("IN", 1), ("PH", 1)],
        "certification": [("soc-2", 3), ("iso-27001", 1), ("iso-9001", 1), ("pci-dss", 1)],
    }


def test_country_filter_keeps_other_countries_in_its_facet(search: WhooshBackend) -> None:
    results = run(search, countries=("ph",))
    assert ids(results) == {1, 2, 3, 17, 19}
    # Either/or facet: its own selection does not shrink it, the other filters do.
    assert results.facets["country"] == ALL_COUNTRIES
    assert results.facets["category"] == [
        ("data-entry", 3),
        ("customer-support", 2),
        ("finance-accounting", 1),
        ("payroll", 1),
    ]
    assert results.facets["certification"] == [("iso-27001", 3), ("pci-dss", 1), ("soc-2", 1)]


def test_several_countries_mean_any_of_them(search: WhooshBackend) -> None:
    assert ids(run(search, countries=("PL", "MX"))) == {8, 9, 10, 14, 15, 16}


def test_certification_filter_requires_every_listed_certificate(search: WhooshBackend) -> None:
    results = run(search, certifications=("iso-27001", "soc-2"))
    assert ids(results) == {1, 4, 9}
    # All-of facet: each count is what adding that certificate would leave.
    assert results.facets["certification"] == [
        ("iso-27001", 3),
        ("soc-2", 3),
        ("gdpr", 1),
        ("iso-9001", 1),
    ]
    assert results.facets["category"] == [
        ("it-services", 2),
        ("finance-accounting", 1),
        ("payroll", 1),
    ]
    assert results.facets["country"] == [("IN", 1), ("PH", 1), ("PL", 1)]


def test_category_filter_means_any_of_the_categories(search: WhooshBackend) -> None:
    results = run(search, categories=("payroll", "it-services"))
    assert ids(results) == {1, 4, 5, 9, 10, 11, 12, 14}
    assert results.facets["category"] == ALL_CATEGORIES
    assert results.facets["country"] == [("IN", 2), ("PL", 2), ("US", 2), ("MX", 1), ("PH", 1)]


def test_rate_filter_matches_vendors_whose_range_overlaps(search: WhooshBackend) -> None:
    # $10-$15 an hour; vendors without a rate are left out once a rate is asked for.
    assert ids(run(search, rate_min_cents=1000, rate_max_cents=1500)) == {1, 3, 5, 7, 15, 18, 19}
    assert ids(run(search, rate_max_cents=600)) == {2, 6, 17}
    assert ids(run(search, rate_min_cents=7000)) == {11, 12, 13}


def test_min_rating_filter_leaves_out_lower_and_unrated(search: WhooshBackend) -> None:
    assert ids(run(search, min_rating_x100=450)) == {1, 4, 8, 9, 13, 14}


def test_team_size_filter_is_inclusive(search: WhooshBackend) -> None:
    assert ids(run(search, team_size_min=50, team_size_max=150)) == {1, 5, 8, 9, 11, 13, 14, 19}
    assert ids(run(search, team_size_min=500)) == {4}


def test_verified_only(search: WhooshBackend) -> None:
    assert ids(run(search, verified_only=True)) == {1, 2, 4, 6, 8, 9, 11, 13, 14, 17}


def test_filters_combine_with_text_and_each_other(search: WhooshBackend) -> None:
    results = run(search, text="support", countries=("PH",), verified_only=False, team_size_min=200)
    assert ids(results) == {3}
    assert run(search, text="payroll", countries=("PL",)).total == 0


def test_sort_by_rating_puts_unrated_last(search: WhooshBackend) -> None:
    order = [hit.id for hit in run(search, sort="rating").hits]
    assert order[:4] == [8, 9, 13, 1]
    assert set(order[-2:]) == {7, 16}


def test_sort_by_rate_is_lowest_first_and_unpriced_last(search: WhooshBackend) -> None:
    order = [hit.id for hit in run(search, sort="rate").hits]
    # 18 and 19 both start at $7: the better rated comes first.
    assert order[:6] == [17, 6, 2, 18, 19, 3]
    assert order[-1] == 20


def test_sort_by_reviews(search: WhooshBackend) -> None:
    order = [hit.id for hit in run(search, sort="reviews").hits]
    assert order[:5] == [4, 1, 11, 6, 13]


def test_sort_applies_to_text_results(search: WhooshBackend) -> None:
    order = [hit.id for hit in run(search, text="payroll", sort="rating").hits]
    assert order == [1, 11, 5, 12]


def test_relevance_without_text_lists_best_rated_first(search: WhooshBackend) -> None:
    assert [hit.id for hit in run(search).hits][:3] == [8, 9, 13]


def test_pages_cover_every_vendor_once(search: WhooshBackend) -> None:
    seen: list[int] = []
    for page in (1, 2, 3):
        results = search.search(SearchQuery(sort="rating", page=page, per_page=7))
        assert results.total == 20
        assert results.pages == 3
        seen += [hit.id for hit in results.hits]
    assert len(seen) == 20
    assert set(seen) == PUBLISHED_IDS
    beyond = search.search(SearchQuery(sort="rating", page=4, per_page=7))
    assert beyond.hits == []
    assert beyond.total == 20


def test_text_results_paginate_in_score_order(search: WhooshBackend) -> None:
    everything = [h.id for h in run(search, text="support").hits]
    first = search.search(SearchQuery(text="support", per_page=2))
    second = search.search(SearchQuery(text="support", page=2, per_page=2))
    assert [h.id for h in first.hits + second.hits] == everything[:4]
    scores = [h.score for h in first.hits + second.hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "bad",
    [
        {"sort": "name; drop"},
        {"page": 0},
        {"per_page": 0},
        {"per_page": 1000},
        {"rate_min_cents": -1},
        {"min_rating_x100": True},
    ],
)
def test_query_rejects_values_outside_the_allowlist(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SearchQuery(**bad)  # type: ignore[arg-type]
