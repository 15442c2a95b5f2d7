"""Plans, the vendor's billing page, Checkout and Portal redirects, and the Stripe webhook."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.auth import role_required
from marketplace.accounts.forms import EmptyForm
from marketplace.billing import services
from marketplace.clock import utcnow
from marketplace.errors import problem
from marketplace.extensions import csrf, db
from marketplace.security import CSP

log = logging.getLogger(__name__)

bp = Blueprint("billing", __name__)

# The billing page's forms end in a 303 to Stripe's hosted pages; browsers apply form-action to
# that redirect, so this page (only) allows Stripe's Checkout and Portal origins.
STRIPE_FORM_TARGETS = "https://checkout.stripe.com https://billing.stripe.com"
BILLING_CSP = CSP.replace("form-action 'self'", f"form-action 'self' {STRIPE_FORM_TARGETS}")

CHECKOUT_RESULTS = {"success", "cancelled"}


@bp.route("/pricing")
def pricing() -> str:
    """The Free and Pro plans, for anyone (vendors deciding whether to list)."""
    return render_template(
        "billing/pricing.html",
        facts=services.plan_facts(),
        configured=services.billing_configured(),
    )


@bp.route("/billing")
@role_required("vendor")
def plans() -> Response:
    """The signed-in vendor's plan, subscription state, and the Upgrade / Manage buttons."""
    checkout = request.args.get("checkout")
    page = render_template(
        "billing/plans.html",
        facts=services.plan_facts(),
        overview=services.billing_overview(current_user, utcnow()),
        checkout_result=checkout if checkout in CHECKOUT_RESULTS else None,
        form=EmptyForm(),
    )
    response = make_response(page)
    response.headers["Content-Security-Policy"] = BILLING_CSP
    return response


@bp.route("/billing/upgrade", methods=["POST"])
@role_required("vendor")
def upgrade() -> Response:
    """Start a Stripe Checkout for Pro and send the vendor there (303)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt = session.get("billing_attempt", 0)
    attempt = attempt if isinstance(attempt, int) and 0 <= attempt < 10_000 else 0
    try:
        url = services.start_checkout(current_user, utcnow(), attempt=attempt)
    except services.BillingError as exc:
        if isinstance(exc, services.BillingUnavailable):
            # Stripe replays a saved failure for the same idempotency key: next try, new key.
            session["billing_attempt"] = attempt + 1
        # A customer created before the failure is kept: it exists at Stripe and is reused.
        db.session.commit()
        flash(str(exc), "error")
        return redirect(url_for("billing.plans"))
    db.session.commit()
    return redirect(url, code=303)


@bp.route("/billing/portal", methods=["POST"])
@role_required("vendor")
def portal() -> Response:
    """Open the Stripe Customer Portal for the signed-in vendor's own customer (303)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        url = services.open_portal(current_user)
    except services.BillingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("billing.plans"))
    return redirect(url, code=303)


@bp.route("/billing/webhook", methods=["POST"])
@csrf.exempt
def webhook() -> Response:
    """Stripe's webhook: verified, recorded once, applied; 2xx only when it is safe to forget."""
    try:
        result = services.receive_webhook(
            request.get_data(cache=False), request.headers.get("Stripe-Signature"), utcnow()
        )
    except services.WebhookNotConfigured:
        log.warning("Stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return problem(
            503,
            "Billing is not configured",
            "This site has no Stripe webhook secret; events are not accepted.",
        )
    except services.BadWebhook as exc:
        db.session.rollback()
        return problem(400, "Invalid webhook", str(exc))
    except services.BillingUnavailable as exc:
        db.session.rollback()
        log.warning("Stripe webhook deferred: %s", exc)
        return problem(503, "Try again later", "Stripe could not be reached; deliver it again.")
    db.session.commit()
    return jsonify(received=True, duplicate=result.duplicate, handled=result.handled)
