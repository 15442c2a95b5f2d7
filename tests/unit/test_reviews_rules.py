"""Review input rules without a database: ratings, text length, cleaning, page numbers."""

from __future__ import annotations

import pytest

from marketplace.parsing import FieldErrors
from marketplace.reviews.services import ReviewInput, page_number, parse_review


def review(**changes: object) -> ReviewInput:
    fields: dict[str, object] = {
        "overall": "4",
        "quality": 5,
        "communication": "4",
        "value": "3",
        "timeliness": "4",
        "body": "x" * 50,
    }
    fields.update(changes)
    return ReviewInput(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("length", "ok"), [(49, False), (50, True), (5000, True), (5001, False)])
def test_review_text_is_50_to_5000_characters(length, ok):
    if ok:
        assert len(parse_review(review(body="y" * length))["body"]) == length
    else:
        with pytest.raises(FieldErrors) as err:
            parse_review(review(body="y" * length))
        assert set(err.value.errors) == {"body"}


def test_whitespace_does_not_count_towards_the_minimum():
    with pytest.raises(FieldErrors):
        parse_review(review(body="   " + "z" * 49 + "\n\n  "))


def test_every_bad_field_is_reported_at_once():
    data = review(
        overall="0",
        quality="6",
        communication="",
        value="x",
        timeliness=None,
        body="too short",
        title="t" * 121,
    )
    with pytest.raises(FieldErrors) as err:
        parse_review(data)
    assert set(err.value.errors) == {
        "overall",
        "quality",
        "communication",
        "value",
        "timeliness",
        "body",
        "title",
    }


# True, a float, a fraction, Arabic-Indic 4, full-width 4, blank
@pytest.mark.parametrize("bad", [True, 4.0, "4.5", "\u0664", "\uff14", " "])
def test_ratings_are_whole_ascii_numbers(bad):
    with pytest.raises(FieldErrors) as err:
        parse_review(review(overall=bad))
    assert set(err.value.errors) == {"overall"}


def test_text_is_cleaned_and_normalised():
    values = parse_review(
        review(title="  Cafe\u0301\x00 ", body="Line one\r\nline two " + "w" * 50)
    )
    assert values["title"] == "Café"
    assert values["body"].startswith("Line one\nline two")


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        (" 2 ", 2),
        ("0", 1),
        ("-1", 1),
        ("x", 1),
        ("9999999", 1),
        (5, 5),
        (0, 1),
        (True, 1),
    ],
)
def test_page_numbers_from_query_arguments(raw, page):
    assert page_number(raw) == page
