"""Sign-up, sign-in, verification, password reset, the account page and the dashboard."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from marketplace.accounts import services
from marketplace.accounts.auth import safe_next
from marketplace.accounts.dashboards import dashboard_context
from marketplace.accounts.forms import (
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from marketplace.accounts.tokens import TokenError
from marketplace.clock import utcnow
from marketplace.extensions import db, limiter
from marketplace.forms import apply_field_errors
from marketplace.parsing import FieldErrors

bp = Blueprint("accounts", __name__)


def _limit(key: str) -> str:
    return str(current_app.config[key])


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("REGISTER_RATE_LIMIT"), methods=["POST"])
def register() -> str | Response:
    """Create a buyer or vendor account."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        data = services.RegistrationInput(
            role=form.role.data or "",
            company=form.company.data or "",
            display_name=form.display_name.data or "",
            email=form.email.data or "",
            password=form.password.data or "",
        )
        try:
            user = services.register_user(data, utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            db.session.commit()
            login_user(user)
            flash(
                f"Welcome! We sent a confirmation link to {user.email}. "
                "Please open it to confirm your address.",
                "success",
            )
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("LOGIN_RATE_LIMIT"), methods=["POST"])
def login() -> str | Response:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("accounts.dashboard")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "", utcnow())
        if user is None:
            db.session.rollback()
            form.form_errors.append("That e-mail and password do not match an active account.")
        else:
            db.session.commit()
            login_user(user, remember=bool(form.remember.data))
            flash(f"Signed in as {user.display_name}.", "success")
            return redirect(safe_next(url_for("accounts.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out of this browser."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/verify/<token>")
def verify_email(token: str) -> Response:
    """Follow the link from the confirmation mail."""
    try:
        user = services.verify_email(token, utcnow())
    except TokenError as exc:
        flash(str(exc), "error")
        return redirect(
            url_for("accounts.account")
            if current_user.is_authenticated
            else url_for("accounts.login")
        )
    db.session.commit()
    flash(f"Thank you: {user.email} is confirmed.", "success")
    return redirect(
        url_for("accounts.dashboard")
        if current_user.is_authenticated
        else url_for("accounts.login")
    )


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit(lambda: _limit("RESET_RATE_LIMIT"))
def resend_verification() -> Response:
    """Send the confirmation mail again."""
    form = EmptyForm()
    if form.validate_on_submit() and not current_user.email_verified:
        services.send_verification_email(current_user)
        db.session.commit()
        flash(f"We sent a new confirmation link to {current_user.email}.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RESET_RATE_LIMIT"), methods=["POST"])
def forgot_password() -> str | Response:
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        flash(
            "If an account uses that address, we have sent it a link to reset the password. "
            "It works once, for one hour.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RESET_RATE_LIMIT"), methods=["POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password from a reset link."""
    try:
        services.check_reset_token(token)
    except TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data or "", utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        except TokenError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("accounts.forgot_password"))
        else:
            db.session.commit()
            logout_user()
            flash("Your password is changed. Please sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account")
@login_required
def account() -> str:
    """Account settings: e-mail status, password, sessions."""
    return render_template(
        "accounts/account.html", password_form=ChangePasswordForm(), empty_form=EmptyForm()
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> str | Response:
    """Change the password; other sessions are signed out, this one stays."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                utcnow(),
            )
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        else:
            db.session.commit()
            login_user(current_user)  # re-issue this browser's cookie with the new token
            flash("Password changed. Your other sessions were signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form, empty_form=EmptyForm())


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    """Sign out every browser and device, this one included."""
    form = EmptyForm()
    if form.validate_on_submit():
        services.logout_everywhere(current_user)
        db.session.commit()
        logout_user()
        flash("You are signed out everywhere.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/dashboard")
@login_required
def dashboard() -> str:
    """The role's home: requests (buyer), profile and leads (vendor), moderation (admin)."""
    context = dashboard_context(current_user)
    return render_template(f"accounts/dashboard_{current_user.role}.html", **context)
