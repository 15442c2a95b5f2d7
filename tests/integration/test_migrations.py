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


def test_the_chain_downgrades_to_nothing_and_back(sqlite_app, tmp_path):
    import flask_migrate
    from sqlalchemy import inspect

    from marketplace import create_app
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'chain.db'}"))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert "audit_log" in inspect(db.engine).get_table_names()
        db.engine.dispose()
