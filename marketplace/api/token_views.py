"""The account page's API token section: list, create (shown once) and revoke own tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from marketplace.accounts.forms import EmptyForm
from marketplace.api.tokens import new_token, own_token, revoke_token, user_tokens
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.forms import apply_field_errors
from marketplace.parsing import FieldErrors

bp = Blueprint("api_tokens", __name__)


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name the token."), Length(max=80)],
        description="What will use it, e.g. “ERP integration”, so you know which to revoke.",
    )


def _page(form: TokenForm, plain: str | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "api/tokens.html",
            form=form,
            tokens=user_tokens(current_user),
            plain=plain,
            now=utcnow(),
        ),
        status,
    )


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> tuple[str, int]:
    """List the user's tokens; on POST create one and show it once."""
    form = TokenForm()
    if form.is_submitted():
        if not form.validate():
            return _page(form, status=400)
        try:
            _token, plain = new_token(current_user, form.name.data or "", utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
            return _page(form, status=400)
        db.session.commit()
        # Rendered, not redirected: the plain token must never sit in a cookie or a URL.
        return _page(TokenForm(formdata=None), plain=plain)
    return _page(form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> Response:
    """Revoke one of the user's own tokens (anyone else's id answers 404)."""
    token = own_token(current_user, token_id)
    if token is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if revoke_token(current_user, token, utcnow()):
        db.session.commit()
        flash(f"Token “{token.name}” revoked: it stops working at once.", "success")
    return redirect(url_for("api_tokens.tokens"))
