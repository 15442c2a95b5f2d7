"""Directory forms. Each names the fields it accepts, so status, plan, verified, owner, slug and
ratings can never be mass-assigned; every rule lives in ``directory.services``."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.directory.models import PRICING_MODEL_LABELS, PRICING_MODELS
from marketplace.directory.services import (
    DESCRIPTION_MAX,
    SERVICE_DESCRIPTION_MAX,
    country_choices,
    language_options,
)
from marketplace.forms import choices


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; the service checks the values, not the field."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def currency_choices(codes: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(codes)]


class ProfileForm(FlaskForm):
    name = StringField("Company name", render_kw={"maxlength": 120, "autocomplete": "organization"})
    tagline = StringField(
        "Tagline",
        description="One line buyers see under your name, e.g. “Payroll for 50\u20135,000 "
        "employees across Southeast Asia”.",
        render_kw={"maxlength": 160},
    )
    description = TextAreaField(
        "About your company",
        description="Plain text. What you do, for whom, how you work, what makes you reliable. "
        "At least 100 characters.",
        render_kw={"rows": 8, "maxlength": DESCRIPTION_MAX},
    )
    website = StringField(
        "Website",
        description="A full address starting with https://",
        render_kw={"type": "url", "inputmode": "url", "autocomplete": "url"},
    )
    country = SelectField("Country", validate_choice=False)
    city = StringField("City", render_kw={"maxlength": 80})
    founded_year = StringField("Year founded", render_kw={"inputmode": "numeric", "maxlength": 4})
    team_size = StringField(
        "Team size",
        description="People working for you, including contractors.",
        render_kw={"inputmode": "numeric"},
    )
    languages = MultiCheckboxField("Languages you work in", validate_choice=False)
    hourly_rate_min = StringField(
        "Lowest hourly rate", description="e.g. 12.50", render_kw={"inputmode": "decimal"}
    )
    hourly_rate_max = StringField("Highest hourly rate", render_kw={"inputmode": "decimal"})
    rate_currency = SelectField("Rate currency", validate_choice=False)

    def set_choices(
        self, currencies: frozenset[str] | set[str], current_languages: list[str] | None = None
    ) -> None:
        self.country.choices = choices([("", "Choose a country…"), *country_choices()])
        self.languages.choices = choices(
            (lang, lang) for lang in language_options(current_languages or ())
        )
        self.rate_currency.choices = choices(currency_choices(currencies))


class ServiceForm(FlaskForm):
    category_id = SelectField("Service category", validate_choice=False)
    pricing_model = SelectField("Pricing model", validate_choice=False)
    indicative_price = StringField(
        "Indicative price",
        description="What a typical buyer pays per unit of the pricing model, e.g. 8.50 or "
        "0.035. Up to 4 decimals.",
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField("Currency", validate_choice=False)
    minimum_engagement_months = StringField(
        "Minimum engagement (months)",
        description="0 if there is no minimum term.",
        render_kw={"inputmode": "numeric"},
    )
    description = TextAreaField(
        "What is included",
        description="Plain text, e.g. scope, volumes you handle, turnaround and tools.",
        render_kw={"rows": 5, "maxlength": SERVICE_DESCRIPTION_MAX},
    )

    def set_choices(
        self, categories: list[tuple[str, str]], currencies: frozenset[str] | set[str]
    ) -> None:
        self.category_id.choices = choices([("", "Choose a category…"), *categories])
        self.pricing_model.choices = choices(
            [("", "Choose a pricing model…")]
            + [(model, PRICING_MODEL_LABELS[model].capitalize()) for model in PRICING_MODELS]
        )
        self.currency.choices = choices(currency_choices(currencies))


class CertificationsForm(FlaskForm):
    certifications = MultiCheckboxField("Certifications you hold", validate_choice=False)


class LogoForm(FlaskForm):
    logo = FileField(
        "Logo",
        description="PNG, JPEG or WebP, up to 2 MB. We resize it to fit 256 \u00d7 256 pixels and "
        "remove its metadata.",
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
