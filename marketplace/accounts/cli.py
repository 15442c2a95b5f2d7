"""``flask users create-admin EMAIL``."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from marketplace.accounts.services import create_admin
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.parsing import FieldErrors, ParseError

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
def create_admin_command(email: str, name: str) -> None:
    """Create an admin. Password from ADMIN_PASSWORD, else prompted (hidden, twice)."""
    password = os.environ.get("ADMIN_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = create_admin(email, password, name, utcnow())
    except (FieldErrors, ParseError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Admin {user.email} created.")
