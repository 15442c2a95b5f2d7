"""Moderation forms. They only carry what the admin typed; the services judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField

from marketplace.admin.audit import ACTIONS, TARGET_TYPES
from marketplace.admin.services import FLAG_ACTIONS
from marketplace.forms import choices


class ActionForm(FlaskForm):
    """A button with nothing to type (approve, publish)."""


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", description="The vendor or author reads this.")


class ChangesForm(FlaskForm):
    message = TextAreaField(
        "What should the vendor change?",
        description="Sent to the vendor; the profile goes back to draft.",
    )


class VerifyCertificationForm(FlaskForm):
    evidence_note = TextAreaField(
        "Evidence (optional)", description="E.g. certificate number and issuing body."
    )
    expires_on = StringField("Expires on (optional)", render_kw={"type": "date"})


class ResolveFlagForm(FlaskForm):
    action = RadioField(
        "Resolution",
        choices=choices(FLAG_ACTIONS.items()),
        default="dismiss",
        validate_choice=False,
    )
    note = TextAreaField("Note", description="Required unless you dismiss the report.")


class AuditFilterForm(FlaskForm):
    """The audit page's filters (a GET form: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    action = SelectField(
        "Action", choices=choices([("", "Any action"), *ACTIONS.items()]), validate_choice=False
    )
    actor = SelectField("Admin", validate_choice=False)
    target_type = SelectField(
        "Target",
        choices=choices([("", "Any target"), *TARGET_TYPES.items()]),
        validate_choice=False,
    )
    target_id = StringField("Target id")
    date_from = StringField("From", render_kw={"type": "date"})
    date_to = StringField("To", render_kw={"type": "date"})


class VendorSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or slug")
    status = SelectField("Status", validate_choice=False)
