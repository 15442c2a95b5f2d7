"""``flask quotes tick``: deadlines, quote expiry and 24-hour reminders (run it every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.clock import utcnow
from marketplace.extensions import db

quotes_cli = AppGroup("quotes", help="The quote workflow.")


@quotes_cli.command("tick")
def tick_command() -> None:
    """Close requests past their deadline, expire quotes, send reminders (idempotent)."""
    from marketplace.quotes.services import tick

    report = tick(utcnow())
    db.session.commit()
    click.echo(str(report))
