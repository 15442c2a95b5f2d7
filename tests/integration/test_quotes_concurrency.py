"""Races: two accepts at once give exactly one accepted quote; concurrent ticks tell people once.

SQLite: threads, each with its own app context and session, on the test's real database file.
PostgreSQL: processes (spawn), each building its own app from the database URL.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import Notification
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.services import WorkflowError, award_quote, tick
from tests.conftest import base_config
from tests.fixtures.quotes import make_request

RACERS = 4


def _scenario(app) -> tuple[int, int, list[int]]:
    """An open request with RACERS quotes, committed; returns (request, buyer, quote ids)."""
    with app.app_context():
        now = utcnow()
        s = make_request(now=now, vendors=RACERS)
        quote_ids = [s.quote(n, now=now).id for n in range(RACERS)]
        db.session.commit()
        return s.request.id, s.buyer.id, quote_ids


def _try_award(buyer_id: int, quote_id: int) -> str:
    buyer = db.session.get(User, buyer_id)
    quote = db.session.get(Quote, quote_id)
    try:
        award_quote(buyer, quote, utcnow())
        db.session.commit()
    except (WorkflowError, IntegrityError):
        db.session.rollback()
        return "refused"
    except OperationalError:  # SQLite "database is locked": the other writer holds the lock
        db.session.rollback()
        return "locked"
    return "won"


def _assert_one_winner(app, request_id: int, outcomes: list[str]) -> None:
    assert outcomes.count("won") == 1, outcomes
    with app.app_context():
        accepted = db.session.scalar(
            select(func.count(Quote.id)).where(
                Quote.request_id == request_id, Quote.status == "accepted"
            )
        )
        rejected = db.session.scalar(
            select(func.count(Quote.id)).where(
                Quote.request_id == request_id, Quote.status == "rejected"
            )
        )
        assert (accepted, rejected) == (1, RACERS - 1)
        assert db.session.get(QuoteRequest, request_id).status == "awarded"


@pytest.mark.slow
def test_racing_accepts_from_threads_give_one_award(app):
    if app.config["DB_BACKEND"] != "sqlite":
        pytest.skip("threads race on SQLite; PostgreSQL races processes below")
    request_id, buyer_id, quote_ids = _scenario(app)
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def racer(quote_id: int) -> None:
        with app.app_context():
            db.session.get(User, buyer_id)  # load before the start line
            barrier.wait()
            outcomes.append(_try_award(buyer_id, quote_id))
            db.session.remove()

    threads = [threading.Thread(target=racer, args=(q,)) for q in quote_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    _assert_one_winner(app, request_id, outcomes)


def _award_in_process(
    url: str, instance: str, buyer_id: int, quote_id: int, barrier, results
) -> None:
    app = create_app(base_config(Path(instance), url))
    with app.app_context():
        db.session.get(User, buyer_id)
        db.session.get(Quote, quote_id)
        barrier.wait(timeout=60)
        results.put(_try_award(buyer_id, quote_id))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_racing_accepts_from_processes_give_one_award(app, tmp_path):
    if app.config["DB_BACKEND"] != "postgres":
        pytest.skip("processes race on PostgreSQL; SQLite races threads above")
    request_id, buyer_id, quote_ids = _scenario(app)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(RACERS)
    results = ctx.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    processes = [
        ctx.Process(
            target=_award_in_process,
            args=(url, str(tmp_path / f"p{n}"), buyer_id, q, barrier, results),
        )
        for n, q in enumerate(quote_ids)
    ]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=30)
        assert p.exitcode == 0
    _assert_one_winner(app, request_id, outcomes)


@pytest.mark.slow
def test_concurrent_ticks_close_and_notify_once(app):
    with app.app_context():
        now = utcnow()
        s = make_request(now=now, vendors=1)
        s.request.quotes_due_at = now  # due now; the ticks run just after
        db.session.commit()
        buyer_id = s.buyer.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ticker() -> None:
        with app.app_context():
            barrier.wait()
            try:
                report = tick(utcnow())
                db.session.commit()
                outcomes.append(f"closed {report.closed}")
            except OperationalError:
                db.session.rollback()
                outcomes.append("locked")  # the next minute's run picks up anything left
            db.session.remove()

    threads = [threading.Thread(target=ticker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("closed 1") == 1, outcomes
    with app.app_context():
        told = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == buyer_id, Notification.kind == "request_deadline_passed"
            )
        )
        assert told == 1
