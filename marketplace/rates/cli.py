"""``flask rates load FILE.csv``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from marketplace.rates.services import load_rates_csv

rates_cli = AppGroup("rates", help="Exchange rates.")


@rates_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(path: Path) -> None:
    """Load a CSV of currency,usd_per,as_of (USD per one unit of the currency)."""
    try:
        count = load_rates_csv(path)
    except FieldErrors as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Loaded {count} exchange rates from {path}.")
