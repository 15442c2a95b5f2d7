"""``flask billing expire-grace``: end Pro for vendors whose payment grace period is over."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.billing.services import expire_grace
from marketplace.clock import utcnow
from marketplace.extensions import db

billing_cli = AppGroup("billing", help="Vendor billing (Stripe).")


@billing_cli.command("expire-grace")
def expire_grace_command() -> None:
    """Move vendors whose failed payment was not fixed within the grace period to Free."""
    moved = expire_grace(utcnow())
    db.session.commit()
    if moved:
        from marketplace.search.backend import SearchError
        from marketplace.search.services import sync_all

        try:
            sync_all()  # the Pro badge leaves search results now, not at the next change
        except SearchError:
            click.echo("Search index not updated; run `flask search sync`.", err=True)
    click.echo(f"Moved {moved} vendor{'s' if moved != 1 else ''} to the Free plan.")
