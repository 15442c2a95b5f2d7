"""/requests/<id>/compare: the side-by-side table, explanation, weights, CSV and print view."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts.forms import EmptyForm
from marketplace.compare import CRITERIA, CompareError, money_str, round_score
from marketplace.comparison.services import (
    CRITERION_LABELS,
    ComparisonPage,
    QuoteRequest,
    api_body,
    build_comparison,
    chart_rows,
    comparison_csv,
    parse_weights,
    request_for_comparison,
    save_weights,
)
from marketplace.extensions import db
from marketplace.parsing import FieldErrors

bp = Blueprint("compare", __name__)


def _load(request_id: int) -> QuoteRequest:
    found = request_for_comparison(request_id, current_user)
    if found is None:
        abort(404)
    return found


def _page(found: QuoteRequest) -> tuple[ComparisonPage, dict[str, str]]:
    """Weights from the query string (re-rank without saving), else the request's own."""
    errors: dict[str, str] = {}
    weights = None
    if any(f"w_{c}" in request.args for c in CRITERIA):
        try:
            weights = parse_weights(request.args.to_dict())
        except FieldErrors as exc:
            errors = exc.errors
    try:
        return build_comparison(found, weights), errors
    except CompareError as exc:
        return build_comparison(found, None), {"weights": str(exc)}


@bp.route("/requests/<int:request_id>/compare")
@login_required
def request_compare(request_id: int) -> str:
    """The buyer's (and admins') side-by-side comparison of the request's quotes."""
    found = _load(request_id)
    page, errors = _page(found)
    return render_template(
        "comparison/compare.html",
        page=page,
        errors=errors,
        labels=CRITERION_LABELS,
        api_body=api_body(page) if page.comparison else None,
        criteria=CRITERIA,
        chart=chart_rows(page),
        money_str=money_str,
        round_score=round_score,
        form=EmptyForm(),
    )


@bp.route("/requests/<int:request_id>/compare/weights", methods=["POST"])
@login_required
def save_request_weights(request_id: int) -> Response | str:
    """Save the weights on the request (its buyer only)."""
    found = _load(request_id)
    if current_user.role != "buyer":
        abort(403)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        weights = parse_weights(request.form.to_dict())
    except FieldErrors as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("compare.request_compare", request_id=found.id))
    save_weights(current_user.id, found, weights)
    db.session.commit()
    flash("Weights saved. The ranking below uses them.", "success")
    return redirect(url_for("compare.request_compare", request_id=found.id))


@bp.route("/requests/<int:request_id>/compare.csv")
@login_required
def request_compare_csv(request_id: int) -> Response:
    """The comparison as CSV for a spreadsheet (formula injection neutralised)."""
    found = _load(request_id)
    page, _ = _page(found)
    response = Response(comparison_csv(page), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="request-{found.id}-comparison.csv"'
    )
    return response


@bp.route("/requests/<int:request_id>/compare/print")
@login_required
def request_compare_print(request_id: int) -> str:
    """A printable page to save as PDF for sign-off."""
    found = _load(request_id)
    page, _ = _page(found)
    return render_template(
        "comparison/print.html",
        page=page,
        labels=CRITERION_LABELS,
        criteria=CRITERIA,
        chart=chart_rows(page),
        money_str=money_str,
        round_score=round_score,
    )
