"""``flask notify send``: deliver the outbox."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.notify.services import send_pending

notify_cli = AppGroup("notify", help="E-mail outbox.")


@notify_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Most mails to send in this run.")
def send_command(limit: int) -> None:
    """Send due mails from the outbox (SMTP when SMTP_HOST is set, else the log)."""
    report = send_pending(limit=limit)
    click.echo(f"sent {report.sent}, will retry {report.failed}, gave up {report.gave_up}")
