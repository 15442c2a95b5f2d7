"""Vendor billing: the flat Pro plan through Stripe Checkout, the Customer Portal and a webhook.

Setting it up (production):
- ``STRIPE_SECRET_KEY`` (sk_...), ``STRIPE_PRICE_PRO`` (the monthly price id) and
  ``STRIPE_WEBHOOK_SECRET`` (whsec_... of the endpoint ``POST /billing/webhook``). Without them
  the billing pages say billing is not configured and every other feature works; without the
  webhook secret, webhooks answer 503 and are never processed unverified.
- Webhook events to send: checkout.session.completed, customer.subscription.created,
  customer.subscription.updated, customer.subscription.deleted, invoice.payment_failed.
  Others are recorded and ignored.
- Run ``flask --app wsgi billing expire-grace`` from cron (hourly is plenty): it moves vendors
  whose failed payment was not fixed within ``BILLING_GRACE_DAYS`` (7) back to Free.
- Optional: ``PRO_PRICE_LABEL`` (text on the plans pages, default "$149 / month"),
  ``STRIPE_API_BASE`` (another API host; the tests point it at a fake server).

Only this package imports ``stripe``. A plan never changes a rank: Pro buys unlimited quotes,
the badge and full analytics, never a position.
"""
