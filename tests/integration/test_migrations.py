"""The models and the migration chain agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.extensions import db


def test_autogenerate_finds_no_difference(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_cli_creates_an_admin(app, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long admin passphrase")
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "Root@Example.com"])
    assert result.exit_code == 0, result.output
    from sqlalchemy import select

    from marketplace.accounts.models import User

    with app.app_context():
        user = db.session.scalars(select(User).where(User.email_key == "root@example.com")).one()
        assert user.role == "admin" and user.email_verified
    again = app.test_cli_runner().invoke(args=["users", "create-admin", "root@example.com"])
    assert again.exit_code != 0 and "already exists" in again.output
