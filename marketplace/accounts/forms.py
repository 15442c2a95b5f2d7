"""Account forms: they name the fields they accept, so nothing else can be mass-assigned."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from marketplace.accounts.passwords import MAX_PASSWORD_LENGTH
from marketplace.forms import choices


class RegisterForm(FlaskForm):
    role = RadioField(
        "I want to",
        choices=choices(
            [("buyer", "Find and compare vendors"), ("vendor", "List my company as a vendor")]
        ),
        default="buyer",
        validators=[DataRequired(message="Choose one.")],
    )
    company = StringField("Company name", validators=[DataRequired(), Length(max=160)])
    display_name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Work e-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description="At least 10 characters. A passphrase is easiest to remember.",
    )


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me signed in for 14 days")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description="At least 10 characters.",
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description="At least 10 characters. Every other session will be signed out.",
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""
