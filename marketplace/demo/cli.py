"""``flask demo load``: the deterministic demo directory (see marketplace/demo/generator.py)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--vendors", default=3000, show_default=True, help="How many vendors to create.")
@click.option(
    "--seed", default=20261123, show_default=True, help="Random seed (same seed, same data)."
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def load_command(vendors: int, seed: int, if_empty: bool) -> None:
    """Load demo vendors, buyers, requests, quotes and reviews."""
    from marketplace.demo.generator import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("Database already has data; demo load skipped.")
        return
    summary = load_demo(vendors=vendors, seed=seed)
    click.echo(summary)
