"""Autocomplete: categories and vendor names by the start of any of their words."""

from __future__ import annotations

import pytest

from marketplace.search.documents import Suggestion
from marketplace.search.whoosh_backend import WhooshBackend


def test_prefix_suggests_the_category_then_vendors(search: WhooshBackend) -> None:
    got = search.suggest("payr")
    assert got[0] == Suggestion("Payroll", "category", "payroll")
    vendors = [s.value for s in got if s.kind == "vendor"]
    # Most reviewed first among names starting with the prefix; drafts never appear.
    assert vendors == ["manila-payroll-partners", "pune-payroll-services", "denver-payroll-cloud"]


def test_prefix_matches_any_word_of_a_name_case_insensitively(search: WhooshBackend) -> None:
    got = search.suggest("PARTN")
    assert [(s.label, s.kind) for s in got] == [
        ("Manila Payroll Partners", "vendor"),
        ("Austin HR Partners", "vendor"),
    ]


def test_names_starting_with_the_prefix_come_first(search: WhooshBackend) -> None:
    got = [s.value for s in search.suggest("data") if s.kind == "vendor"]
    assert got == ["cebu-data-works", "northwind-data"]
    got = [s.value for s in search.suggest("cebu") if s.kind == "vendor"]
    assert got == ["cebu-data-works"]


def test_several_words_narrow_the_suggestions(search: WhooshBackend) -> None:
    assert [s.value for s in search.suggest("payroll den")] == ["denver-payroll-cloud"]


def test_category_names_match_by_any_word(search: WhooshBackend) -> None:
    assert Suggestion("HR & Recruitment", "category", "hr-recruitment") in search.suggest("recr")
    assert Suggestion("Finance & Accounting", "category", "finance-accounting") in (
        search.suggest("acc")
    )


@pytest.mark.parametrize("typed", ["", " ", "p", "é", "shadow", "suspended", "zzz"])
def test_nothing_for_one_letter_or_unpublished_names(search: WhooshBackend, typed: str) -> None:
    assert search.suggest(typed) == []


def test_limit_is_respected(search: WhooshBackend) -> None:
    assert len(search.suggest("co", limit=2)) <= 2
    assert search.suggest("payr", limit=0) == []
