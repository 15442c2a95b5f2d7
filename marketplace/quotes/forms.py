"""Forms of the quote workflow. They name the fields they accept and hold no rules: values reach
the services as typed (strings), and the services parse and check them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.directory.models import PRICING_MODEL_LABELS, PRICING_MODELS
from marketplace.forms import choices
from marketplace.quotes.models import DEFAULT_WEIGHTS, UNITS

WEIGHT_LABELS = {
    "price": "Price",
    "quality": "Quality (reviews)",
    "sla": "Service levels",
    "compliance": "Compliance",
    "responsiveness": "Responsiveness",
}


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JS, unlike a multi-select with Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestForm(FlaskForm):
    category_id = SelectField("Service", validate_choice=False)
    title = StringField(
        "Title",
        description="One line a vendor understands at a glance, e.g. “Monthly payroll for 250 "
        "employees in Germany”.",
    )
    description = TextAreaField(
        "What you need",
        description="Scope, systems you use, countries, languages, volumes and anything that "
        "changes the price. Plain text.",
    )
    quantity = StringField("Quantity", description="How many units of work per month.")
    unit = SelectField("Unit", choices=choices((u, u) for u in UNITS), validate_choice=False)
    contract_months = StringField("Contract length (months)", default="12")
    start_date = StringField("Desired start date", description="Optional.")
    budget_monthly = StringField(
        "Monthly budget", description="Optional. Helps matching: vendors within budget rank higher."
    )
    currency = SelectField("Currency", validate_choice=False, default="USD")
    required_certification_ids = MultiCheckboxField(
        "Required certifications", validate_choice=False
    )
    preferred_countries = SelectMultipleField(
        "Preferred countries",
        validate_choice=False,
        description="Optional. Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    in_house_monthly_cost = StringField(
        "What it costs you in-house today, per month",
        description="Optional. We use it to show each quote's savings; vendors never see it.",
    )
    quotes_due_at = StringField("Quotes due (UTC)")
    weight_price = StringField(WEIGHT_LABELS["price"], default=str(DEFAULT_WEIGHTS["price"]))
    weight_quality = StringField(WEIGHT_LABELS["quality"], default=str(DEFAULT_WEIGHTS["quality"]))
    weight_sla = StringField(WEIGHT_LABELS["sla"], default=str(DEFAULT_WEIGHTS["sla"]))
    weight_compliance = StringField(
        WEIGHT_LABELS["compliance"], default=str(DEFAULT_WEIGHTS["compliance"])
    )
    weight_responsiveness = StringField(
        WEIGHT_LABELS["responsiveness"], default=str(DEFAULT_WEIGHTS["responsiveness"])
    )
    vendor_ids = MultiCheckboxField("Invite these vendors", validate_choice=False)

    def weight_fields(self) -> list[object]:
        return [getattr(self, f"weight_{c}") for c in DEFAULT_WEIGHTS]


class QuoteForm(FlaskForm):
    pricing_model = SelectField(
        "Pricing model",
        choices=choices((m, PRICING_MODEL_LABELS[m].capitalize()) for m in PRICING_MODELS),
        validate_choice=False,
    )
    unit_price = StringField(
        "Unit price",
        description="Per unit, transaction or hour; the whole monthly fee for a "
        "fixed monthly price. Up to 4 decimals, e.g. 0.0350.",
    )
    hours_per_month = StringField("Hours per month", description="Hourly pricing only.")
    setup_fee = StringField("One-off setup fee", default="0")
    minimum_monthly = StringField(
        "Minimum monthly fee",
        default="0",
        description="The least you bill in a month, whatever the volume.",
    )
    currency = SelectField("Currency", validate_choice=False, default="USD")
    turnaround_hours = StringField("SLA: turnaround (hours)", description="Optional.")
    accuracy_pct = StringField("SLA: accuracy (%)", description="Optional, e.g. 99.5.")
    valid_until = StringField("Valid until", description="Optional. The quote expires after it.")
    notes = TextAreaField(
        "Notes for the buyer", description="Assumptions, what is included, what is not. Plain text."
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why are you declining?", description="The buyer sees this, e.g. “We don't cover Germany.”"
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Message", description="Plain text. Links starting with https:// become clickable."
    )


class DeadlineForm(FlaskForm):
    quotes_due_at = StringField("New deadline (UTC)")
