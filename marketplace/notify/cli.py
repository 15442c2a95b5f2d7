"""``flask notify send`` (one batch) and ``flask notify worker`` (long-running): the outbox."""

from __future__ import annotations

import signal
from types import FrameType

import click
from flask.cli import AppGroup

from marketplace.notify.services import run_worker, send_pending

notify_cli = AppGroup("notify", help="E-mail outbox.")


@notify_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Most mails to send in this run.")
def send_command(limit: int) -> None:
    """Send due mails from the outbox (SMTP when SMTP_HOST is set, else the log)."""
    report = send_pending(limit=limit)
    click.echo(f"sent {report.sent}, will retry {report.failed}, gave up {report.gave_up}")


@notify_cli.command("worker")
@click.option("--once", is_flag=True, help="Exit when no mail is due (for tests and cron).")
@click.option("--idle", default=2.0, show_default=True, help="Seconds to wait when nothing is due.")
def worker_command(once: bool, idle: float) -> None:
    """Send mails as they become due; run any number, on any number of hosts.

    SIGTERM or SIGINT: finish the mail being sent, then exit 0.
    """
    stopping = {"flag": False}

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    report = run_worker(once=once, idle_seconds=idle, should_stop=lambda: stopping["flag"])
    click.echo(f"sent {report.sent}, will retry {report.failed}, gave up {report.gave_up}")
