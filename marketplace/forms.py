"""Glue between service errors and WTForms: errors show beside the field, input is kept."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from marketplace.parsing import FieldErrors


def apply_field_errors(form: FlaskForm, errors: FieldErrors) -> None:
    """Attach each service error to its field; unknown keys go to the form-level list."""
    for name, message in errors.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants them (tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]
