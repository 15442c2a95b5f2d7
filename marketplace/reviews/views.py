"""Writing a review, the vendor's reviews and replies, and reporting a vendor or a review."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.auth import role_required, safe_next
from marketplace.admin import services as moderation
from marketplace.clock import utcnow
from marketplace.directory.models import Vendor
from marketplace.directory.services import vendor_for_user
from marketplace.extensions import db, limiter
from marketplace.forms import apply_field_errors
from marketplace.parsing import FieldErrors
from marketplace.quotes.models import QuoteRequest
from marketplace.reviews import services
from marketplace.reviews.forms import ReplyForm, ReportForm, ReviewForm
from marketplace.reviews.models import Review

bp = Blueprint("reviews", __name__)


def _own_request_or_404(request_id: int) -> QuoteRequest:
    """The signed-in buyer's request; anyone else's id answers 404."""
    found = db.session.get(QuoteRequest, request_id)
    if found is None or found.buyer_id != current_user.id:
        abort(404)
    return found


@bp.route("/reviews/new/<int:request_id>", methods=["GET", "POST"])
@role_required("buyer")
def write_review(request_id: int) -> Any:
    """The buyer reviews the vendor it awarded this request to (once)."""
    quote_request = _own_request_or_404(request_id)
    try:
        vendor = services.check_eligibility(current_user, quote_request)
    except services.NotEligible as exc:
        return render_template(
            "reviews/write.html",
            quote_request=quote_request,
            vendor=None,
            form=None,
            blocked=str(exc),
            review=services.existing_review(quote_request),
        ), 409
    form = ReviewForm()
    if form.validate_on_submit():
        data = services.ReviewInput(
            overall=form.overall.data,
            quality=form.quality.data,
            communication=form.communication.data,
            value=form.value.data,
            timeliness=form.timeliness.data,
            title=form.title.data,
            body=form.body.data,
        )
        auto = bool(current_app.config["AUTO_PUBLISH_VERIFIED_REVIEWS"])
        try:
            review = services.submit_review(
                current_user, quote_request, data, utcnow(), auto_publish=auto
            )
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        except (services.NotEligible, IntegrityError):
            db.session.rollback()  # a second submit raced the first: one review per request
            flash("You have already reviewed this request.", "info")
            return redirect(url_for("accounts.dashboard"))
        else:
            db.session.commit()
            flash(
                "Thank you: your review is published."
                if review.status == "published"
                else "Thank you: your review will appear once an admin has checked it "
                "(usually within a working day).",
                "success",
            )
            return redirect(url_for("accounts.dashboard"))
    return render_template(
        "reviews/write.html",
        quote_request=quote_request,
        vendor=vendor,
        form=form,
        blocked=None,
        review=None,
    )


@bp.route("/reviews/received")
@role_required("vendor")
def vendor_reviews() -> Any:
    """The vendor's published reviews, with a reply form under each unanswered one."""
    vendor = vendor_for_user(current_user)
    return _render_vendor_reviews(vendor)


def _render_vendor_reviews(
    vendor: Vendor | None, failed: tuple[int, ReplyForm] | None = None, status: int = 200
) -> Any:
    summary = None
    if vendor is not None:
        summary = services.profile_reviews(vendor, request.args.get("page"))
    pending = 0
    if vendor is not None:
        pending = int(
            db.session.scalar(
                select(func.count(Review.id)).where(
                    Review.vendor_id == vendor.id, Review.status == "pending"
                )
            )
            or 0
        )
    return render_template(
        "reviews/received.html",
        vendor=vendor,
        summary=summary,
        pending=pending,
        failed=failed,
        reply_form=ReplyForm(formdata=None),
    ), status


@bp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@role_required("vendor")
def reply(review_id: int) -> Any:
    """Post the vendor's one public reply to a review of it."""
    vendor = vendor_for_user(current_user)
    review = db.session.get(Review, review_id)
    if vendor is None or review is None or review.vendor_id != vendor.id:
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.reply_to_review(current_user, review, form.body.data, utcnow())
    except FieldErrors as errors:
        db.session.rollback()
        apply_field_errors(form, errors)
        return _render_vendor_reviews(vendor, (review.id, form), 422)
    except services.ReviewError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _render_vendor_reviews(vendor, (review.id, form), 409)
    db.session.commit()
    flash("Your reply is published under the review.", "success")
    return redirect(url_for("reviews.vendor_reviews"))


def _profile_url(vendor: Vendor) -> str:
    if "directory.profile" in current_app.view_functions:
        return url_for("directory.profile", slug=vendor.slug)
    return url_for("pages.home")


def _report(target: Vendor | Review, vendor: Vendor, what: str) -> Any:
    form = ReportForm()
    back = safe_next(_profile_url(vendor))
    if form.validate_on_submit():
        try:
            moderation.flag_target(current_user, target, form.reason.data, utcnow())
        except FieldErrors as errors:
            db.session.rollback()
            apply_field_errors(form, errors)
        except moderation.ModerationError as exc:
            db.session.rollback()
            flash(str(exc), "info")
            return redirect(back)
        else:
            db.session.commit()
            flash("Thank you for the report: an admin will look at it.", "success")
            return redirect(back)
    return render_template(
        "reviews/report.html", form=form, vendor=vendor, what=what, target=target, back=back
    )


def _report_limit() -> str:
    return str(current_app.config["MESSAGE_RATE_LIMIT"])


@bp.route("/report/vendor/<slug>", methods=["GET", "POST"])
@login_required
@limiter.limit(_report_limit, methods=["POST"])
def report_vendor(slug: str) -> Any:
    """Report a published vendor profile to the admins."""
    vendor = db.session.execute(
        select(Vendor).where(Vendor.slug == slug, Vendor.status == "published")
    ).scalar_one_or_none()
    if vendor is None:
        abort(404)
    return _report(vendor, vendor, "profile")


@bp.route("/report/review/<int:review_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(_report_limit, methods=["POST"])
def report_review(review_id: int) -> Any:
    """Report a published review to the admins."""
    review = db.session.get(Review, review_id)
    if review is None or review.status != "published":
        abort(404)
    vendor = db.session.get(Vendor, review.vendor_id)
    if vendor is None or vendor.status != "published":
        abort(404)
    return _report(review, vendor, "review")
