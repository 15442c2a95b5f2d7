"""The buffered dashboard counters: held in memory until due, then one additive upsert."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from marketplace.directory.counters import (
    PROFILE_VIEWS,
    SEARCH_APPEARANCES,
    ViewCounters,
    counters,
)
from marketplace.directory.models import VendorDailyStat
from marketplace.extensions import db
from tests.fixtures.factories import create_vendor

DAY = date(2026, 11, 23)


def stats(vendor_id: int) -> list[tuple[date, int, int]]:
    db.session.remove()
    s = VendorDailyStat
    rows = db.session.execute(
        select(s.day, s.profile_views, s.search_appearances)
        .where(s.vendor_id == vendor_id)
        .order_by(s.day)
    ).all()
    return [tuple(r) for r in rows]


def test_increments_add_up_in_memory_and_land_in_one_flush(ctx):
    vendor, other = create_vendor(), create_vendor()
    db.session.commit()
    buffer = ViewCounters(flush_seconds=3600)
    buffer.add(SEARCH_APPEARANCES, [vendor.id, other.id], DAY)
    buffer.add(SEARCH_APPEARANCES, [vendor.id], DAY)
    buffer.add(PROFILE_VIEWS, [vendor.id], DAY)
    buffer.add(PROFILE_VIEWS, [vendor.id], date(2026, 11, 24))
    assert not buffer.due()  # an hour has not passed
    assert stats(vendor.id) == []
    assert buffer.flush() == 3  # (vendor, 23rd), (vendor, 24th), (other, 23rd)
    assert stats(vendor.id) == [(DAY, 1, 2), (date(2026, 11, 24), 1, 0)]
    assert stats(other.id) == [(DAY, 0, 1)]
    assert buffer.pending() == 0 and buffer.flush() == 0


def test_flushes_from_several_processes_add_to_the_same_row(ctx):
    vendor = create_vendor()
    db.session.commit()
    first, second = ViewCounters(0), ViewCounters(0)
    for _ in range(3):
        first.add(PROFILE_VIEWS, [vendor.id], DAY)
    second.add(PROFILE_VIEWS, [vendor.id], DAY)
    second.add(SEARCH_APPEARANCES, [vendor.id], DAY)
    first.flush()
    second.flush()
    first.add(PROFILE_VIEWS, [vendor.id], DAY)
    first.flush()
    assert stats(vendor.id) == [(DAY, 5, 1)]


def test_a_failed_flush_keeps_the_increments_for_the_next_one(ctx, monkeypatch, caplog):
    vendor = create_vendor()
    db.session.commit()
    buffer = ViewCounters(0)
    buffer.add(SEARCH_APPEARANCES, [vendor.id, vendor.id], DAY)

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with monkeypatch.context() as m:
        m.setattr("marketplace.directory.counters._upsert", broken)
        assert buffer.flush() == 0
    assert "kept for the next flush" in caplog.text
    assert buffer.pending() == 1
    assert buffer.flush() == 1
    assert stats(vendor.id) == [(DAY, 0, 2)]


@pytest.mark.parametrize("app_config", [{"VIEW_COUNT_FLUSH_SECONDS": 3600}])
def test_pages_do_not_write_until_the_interval_has_passed(app, client, app_config):
    with app.app_context():
        vendor = create_vendor(status="published")
        db.session.commit()
        slug, vendor_id = vendor.slug, vendor.id
    assert client.get(f"/v/{slug}").status_code == 200
    assert client.get(f"/v/{slug}").status_code == 200
    with app.app_context():
        assert stats(vendor_id) == []
        buffer = counters(app)
        assert buffer.pending() == 1
        buffer.flush_seconds = 0  # the interval has passed: the next request writes
    client.get(f"/v/{slug}")
    with app.app_context():
        assert stats(vendor_id)[0][1] == 3
