"""The audit log: filters, pagination, CSV export with formula neutralising, append-only."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace.admin.audit import (
    AuditFilter,
    audit_page,
    csv_cell,
    parse_audit_filter,
    record,
)
from marketplace.admin.audit_trigger import CREATE_AUDIT_LOG_TRIGGER
from marketplace.admin.models import AuditLog
from marketplace.extensions import db
from marketplace.parsing import FieldErrors
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor
from tests.fixtures.trust import ref

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
    ],
)
def test_csv_cells_that_look_like_formulas_get_a_leading_apostrophe(value, expected):
    assert csv_cell(value) == expected


def test_no_code_path_updates_or_deletes_audit_rows():
    offenders = []
    pattern = re.compile(
        r"(update|delete)\(\s*AuditLog|AuditLog\)\.(update|delete)|"
        r"delete\(\s*entry|audit_log\s+set|delete\s+from\s+audit_log",
        re.IGNORECASE,
    )
    for path in PACKAGE.rglob("*.py"):
        if path.name == "audit_trigger.py":
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path))
    assert offenders == []


@pytest.fixture
def log(app):
    """Entries of several actions, admins, targets and days (created_at set explicitly)."""
    with app.app_context():
        alice = create_user("admin", display_name="Alice")
        bob = create_user("admin", email="=HYPERLINK(evil)@example.com", display_name="Bob")
        vendor = create_vendor(status="pending")
        base = datetime(2026, 11, 2, 12, tzinfo=UTC)
        rows = [
            (alice, "vendor.approve", "vendor", vendor.id, base),
            (alice, "vendor.suspend", "vendor", vendor.id, base + timedelta(days=1)),
            (bob, "review.publish", "review", 7, base + timedelta(days=2)),
            (bob, "flag.resolve", "flag", 3, base + timedelta(days=3)),
            (None, "review.auto_publish", "review", 8, base + timedelta(days=4)),
        ]
        for actor, action, target_type, target_id, when in rows:
            entry = record(
                actor,
                action,
                target_type,
                target_id,
                before={"status": "a"},
                after={"status": "b"},
                reason="=1+1 and, a comma",
            )
            entry.created_at = when
        data = {"alice": ref(alice), "bob": ref(bob), "vendor": vendor.id}
        db.session.commit()
        return data


def test_filters_narrow_the_log(app, log):
    with app.app_context():

        def actions(**kwargs):
            return [e.action for e in audit_page(AuditFilter(**kwargs), 1).entries]

        assert actions() == [
            "review.auto_publish",
            "flag.resolve",
            "review.publish",
            "vendor.suspend",
            "vendor.approve",
        ]
        assert actions(action="vendor.suspend") == ["vendor.suspend"]
        assert actions(actor_id=log["bob"].id) == ["flag.resolve", "review.publish"]
        assert actions(target_type="review") == ["review.auto_publish", "review.publish"]
        assert actions(target_type="vendor", target_id=log["vendor"]) == [
            "vendor.suspend",
            "vendor.approve",
        ]
        assert actions(
            date_from=datetime(2026, 11, 3).date(), date_to=datetime(2026, 11, 4).date()
        ) == ["review.publish", "vendor.suspend"]


def test_pagination_counts_pages(app, log):
    with app.app_context():
        first = audit_page(AuditFilter(), 1, per_page=2)
        last = audit_page(AuditFilter(), 99, per_page=2)
        assert (first.total, first.pages, len(first.entries)) == (5, 3, 2)
        assert (last.page, [e.action for e in last.entries]) == (3, ["vendor.approve"])


def test_bad_filters_are_refused_not_queried():
    with pytest.raises(FieldErrors) as err:
        parse_audit_filter(
            {
                "action": "drop table",
                "target_type": "user",
                "actor": "1 or 1=1",
                "date_from": "2026-13-01",
                "date_to": "yesterday",
            }
        )
    assert set(err.value.errors) == {"action", "target_type", "actor", "date_from", "date_to"}
    with pytest.raises(FieldErrors):
        parse_audit_filter({"date_from": "2026-11-05", "date_to": "2026-11-01"})


def test_audit_page_shows_filtered_entries(app, client, log):
    login(client, log["alice"])
    page = client.get("/admin/audit?action=review.publish")
    assert page.status_code == 200
    assert b"<code>review.publish</code>" in page.data
    assert b"<code>vendor.suspend</code>" not in page.data
    assert b"/admin/audit.csv?action=review.publish" in page.data
    bad = client.get("/admin/audit?date_from=soon")
    assert bad.status_code == 422 and b"Use a date like" in bad.data


def test_csv_export_is_filtered_and_neutralises_formulas(app, client, log):
    login(client, log["alice"])
    response = client.get(f"/admin/audit.csv?actor={log['bob'].id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "id",
        "created_at",
        "actor_id",
        "actor_email",
        "action",
        "target_type",
        "target_id",
        "details",
    ]
    assert [r[4] for r in rows[1:]] == ["flag.resolve", "review.publish"]
    assert {r[3] for r in rows[1:]} == {"'=HYPERLINK(evil)@example.com"}
    assert '"reason": "=1+1 and, a comma"' in rows[1][7]  # JSON cell starts with "{"
    everything = client.get("/admin/audit.csv")
    system = [
        r
        for r in csv.reader(io.StringIO(everything.get_data(as_text=True)))
        if r[4] == "review.auto_publish"
    ]
    assert system[0][3] == "system"


@pytest.mark.postgres
@pytest.mark.parametrize("db_backend", ["postgres"])
def test_postgres_trigger_refuses_update_and_delete(app, db_backend):
    """The lead's migration installs the trigger; until then the test installs it for itself."""
    with app.app_context():
        admin = create_user("admin")
        record(admin, "vendor.approve", "vendor", 1, before={}, after={})
        db.session.commit()
        with db.engine.connect() as conn:
            installed = conn.execute(
                text("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_append_only'")
            ).first()
        if not installed:
            with db.engine.begin() as conn:
                conn.execute(text(CREATE_AUDIT_LOG_TRIGGER))
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with db.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
                conn.execute(text(statement))
        # Deleting the acting user nulls the actor (ON DELETE SET NULL) and nothing else.
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": admin.id})
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT actor_id, action FROM audit_log")).all() == [
                (None, "vendor.approve")
            ]
        if not installed:
            from marketplace.admin.audit_trigger import DROP_AUDIT_LOG_TRIGGER

            with db.engine.begin() as conn:
                conn.execute(text(DROP_AUDIT_LOG_TRIGGER))
        assert AuditLog.__tablename__ == "audit_log"
