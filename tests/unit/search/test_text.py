"""What a buyer's words find: ranking, typos, stemming, did-you-mean, snippets, hostile input."""

from __future__ import annotations

import re

import pytest

from marketplace.search.documents import SearchQuery, SearchResults
from marketplace.search.whoosh_backend import WhooshBackend


def slugs(results: SearchResults) -> list[str]:
    return [hit.slug for hit in results.hits]


def find(search: WhooshBackend, text: str, **kwargs: object) -> SearchResults:
    return search.search(SearchQuery(text=text, per_page=50, **kwargs))  # type: ignore[arg-type]


def test_name_match_ranks_above_description_match(search: WhooshBackend) -> None:
    results = find(search, "northwind")
    assert slugs(results) == ["northwind-data", "harbor-outsourcing"]


def test_exact_word_ranks_above_its_one_edit_neighbour(search: WhooshBackend) -> None:
    # "audit" is in LedgerLine's description; ClearScribe's "audio" is one edit away.
    assert slugs(find(search, "audit")) == ["ledgerline-krakow", "clearscribe"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "payrol",
            {
                "manila-payroll-partners",
                "pune-payroll-services",
                "austin-hr-partners",
                "denver-payroll-cloud",
            },
        ),
        ("bookeeping", {"ledgerline-krakow", "frontera-books"}),
        (
            "recruitmnet",
            {
                "pune-payroll-services",
                "delhi-talent-bridge",
                "austin-hr-partners",
                "acme-script-staffing",
            },
        ),
    ],
)
def test_one_edit_typo_in_a_long_word_still_finds_the_vendor(
    search: WhooshBackend, typed: str, expected: set[str]
) -> None:
    results = find(search, typed)
    assert set(slugs(results)) == expected
    assert results.total == len(expected)


def test_exact_spelling_finds_the_same_vendors_as_the_typo(search: WhooshBackend) -> None:
    assert set(slugs(find(search, "bookkeeping"))) == set(slugs(find(search, "bookeeping")))


def test_typo_tolerance_needs_five_letters(search: WhooshBackend) -> None:
    assert find(search, "hipa").total == 0
    assert find(search, "hipaa").total == 2


def test_stemming_matches_other_forms_of_a_word(search: WhooshBackend) -> None:
    # Chennai's text says "process", never "processing".
    assert "chennai-claims" in slugs(find(search, "processing"))
    assert "delhi-talent-bridge" in slugs(find(search, "recruiting"))


def test_every_word_must_match(search: WhooshBackend) -> None:
    results = find(search, "payroll soc2 philippines")
    assert slugs(results) == ["manila-payroll-partners"]
    assert results.relaxed is False


def test_when_no_vendor_matches_every_word_results_match_some(search: WhooshBackend) -> None:
    results = find(search, "payroll quantum")
    assert results.relaxed is True
    assert results.total == 4
    assert "denver-payroll-cloud" in slugs(results)


def test_accents_and_case_do_not_matter(search: WhooshBackend) -> None:
    assert slugs(find(search, "KRAKÓW")) == ["ledgerline-krakow"]


def test_certification_and_country_words_match(search: WhooshBackend) -> None:
    assert find(search, "hipaa").total == 2
    assert set(slugs(find(search, "poland gdpr"))) == {
        "ledgerline-krakow",
        "warsaw-cloud-ops",
        "gdansk-helpdesk",
    }
    # "IT" is not a stop word here.
    assert "bangalore-it-desk" in slugs(find(search, "IT"))


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("payrol philipines", "payroll philippines"),
        ("Bookeeping", "bookkeeping"),
        ("recruitmnet in India", "recruitment in India"),
        ("hipa", "hipaa"),
    ],
)
def test_did_you_mean_corrects_unknown_words_from_the_index(
    search: WhooshBackend, typed: str, suggestion: str
) -> None:
    assert find(search, typed).suggestion == suggestion


@pytest.mark.parametrize("typed", ["payroll philippines", "zzzzqqq", "27001", ""])
def test_no_suggestion_when_words_are_known_or_hopeless(search: WhooshBackend, typed: str) -> None:
    assert find(search, typed).suggestion is None


def test_snippet_highlights_the_matched_words(search: WhooshBackend) -> None:
    hit = find(search, "claims").hits[0]
    assert hit.slug == "chennai-claims"
    assert "<mark>claims</mark>" in hit.snippet_html


def test_snippet_highlights_stemmed_and_fuzzy_matches(search: WhooshBackend) -> None:
    hit = find(search, "bookeeping").hits[0]
    assert "<mark>Bookkeeping</mark>" in hit.snippet_html


def _without_marks(html: str) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("text", ["recruitment warehouses", "staffing", ""])
def test_snippets_escape_html_from_vendor_text(search: WhooshBackend, text: str) -> None:
    hit = next(h for h in find(search, text).hits if h.slug == "acme-script-staffing")
    assert "<" not in _without_marks(hit.snippet_html)
    assert "<script>" not in hit.snippet_html
    assert "&lt;" in hit.snippet_html or "&amp;" in hit.snippet_html
    assert hit.name == "Acme <Script> Staffing"  # names are plain text; templates escape them


def test_highlighted_snippet_is_escaped_around_the_marks(search: WhooshBackend) -> None:
    hit = find(search, "friendly").hits[0]
    assert "&lt;b&gt;Fast&lt;/b&gt; &amp; <mark>friendly</mark>" in hit.snippet_html


def test_unpublished_vendors_are_never_found(search: WhooshBackend) -> None:
    for text in ["shadow", "suspended", "moderators", ""]:
        results = find(search, text)
        assert not {"shadow-payroll", "suspended-staffing"} & set(slugs(results))
    assert find(search, "").total == 20
    assert search.doc_count() == 20


HOSTILE = [
    "name:*",
    "(((",
    "rate:[a TO",
    '"unbalanced',
    "AND OR NOT",
    "payroll AND",
    "NOT",
    "*",
    "?",
    "\\",
    "\x00payroll\x00",
    'title:"x"~2^3',
    "'; DROP TABLE vendor; --",
    "%s %d {0}",
    "🙂 payroll 🙂",
    "a" * 5000,
    " ".join(["payroll"] * 500),
    "\u202eollyap",
    "<script>alert(1)</script>",
    "payroll\n\r\tsoc",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_query_text_never_raises(search: WhooshBackend, text: str) -> None:
    results = find(search, text)
    assert results.total >= 0
    for hit in results.hits:
        assert "<" not in _without_marks(hit.snippet_html)
    assert isinstance(search.suggest(text), list)


def test_query_syntax_is_treated_as_words(search: WhooshBackend) -> None:
    # "name:payroll" is two words, not a field query; both must match.
    assert set(slugs(find(search, "payroll:soc2"))) == {
        "manila-payroll-partners",
        "austin-hr-partners",
        "denver-payroll-cloud",
    }


def test_snippets_have_no_unclosed_marks(search: WhooshBackend) -> None:
    for hit in find(search, "payroll").hits:
        assert len(re.findall("<mark>", hit.snippet_html)) == len(
            re.findall("</mark>", hit.snippet_html)
        )
