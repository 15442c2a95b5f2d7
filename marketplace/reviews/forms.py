"""Review, reply and report forms. They name the fields they accept; the services judge them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField

from marketplace.forms import choices
from marketplace.reviews.services import BODY_MAX, BODY_MIN

STARS = choices([(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)])


def _stars(label: str) -> RadioField:
    # validate_choice off: the service checks the range and explains it in words.
    return RadioField(label, choices=STARS, validate_choice=False)


class ReviewForm(FlaskForm):
    overall = _stars("Overall")
    quality = _stars("Quality of the work")
    communication = _stars("Communication")
    value = _stars("Value for money")
    timeliness = _stars("Timeliness")
    title = StringField("Headline (optional)")
    body = TextAreaField(
        "Your review",
        description=f"{BODY_MIN}-{BODY_MAX:,} characters. What did they do, how well, and "
        "would you hire them again? Other buyers read this; the vendor may reply publicly.",
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your public reply", description="One reply per review; it cannot be edited."
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        "What is wrong?",
        description="At least 10 characters. Only admins see your report and your name.",
    )
