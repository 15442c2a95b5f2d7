"""``flask notify worker``: several workers on PostgreSQL send each mail exactly once; SIGTERM is
graceful (the mail in hand is finished, nothing is left claimed, exit status 0).

The workers are real ``flask --app wsgi notify worker`` processes. They deliver through
:class:`FileTransport` (selected with ``MAIL_TRANSPORT``), which appends "pid mail-id" lines to
the file named by ``OUTBOX_RECORD_FILE`` with O_APPEND, so concurrent writers never interleave.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.notify.models import OutboxEmail
from marketplace.notify.services import queue_email, run_worker

ROOT = Path(__file__).resolve().parents[2]
TRANSPORT = "tests.integration.test_outbox_worker:FileTransport"


class FileTransport:
    """Records each delivery as one O_APPEND write; ``OUTBOX_SEND_DELAY`` slows each send."""

    def __init__(self) -> None:
        self.path = os.environ["OUTBOX_RECORD_FILE"]
        self.delay = float(os.environ.get("OUTBOX_SEND_DELAY", "0"))

    def send(self, mail: OutboxEmail) -> None:
        if self.delay:
            time.sleep(self.delay)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, f"{os.getpid()} {mail.id}\n".encode())
        finally:
            os.close(fd)


def _queue(app, count: int) -> list[int]:
    with app.app_context():
        mails = [queue_email(f"u{n}@b.example", f"Mail {n}", "Body") for n in range(count)]
        db.session.commit()
        return [m.id for m in mails]


def _worker_env(app, tmp_path: Path, record: Path, delay: float = 0.0) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_PATH=str(tmp_path / "worker-instance"),
        SECRET_KEY="test-secret-key",
        SEARCH_INDEX_DIR=str(tmp_path / "search"),
        SMTP_HOST="",
        MAIL_TRANSPORT=TRANSPORT,
        OUTBOX_RECORD_FILE=str(record),
        OUTBOX_SEND_DELAY=str(delay),
        PYTHONPATH=str(ROOT),
    )
    return env


def _start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notify", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _records(path: Path) -> list[tuple[int, int]]:
    if not path.exists():
        return []
    return [tuple(map(int, line.split())) for line in path.read_text().splitlines()]  # type: ignore[misc]


def _statuses(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)
        ).all()
        db.session.remove()
        return {status: count for status, count in rows}


@pytest.mark.slow
@pytest.mark.postgres
def test_three_workers_send_500_mails_exactly_once(app, tmp_path):
    if app.config["DB_BACKEND"] != "postgres":
        pytest.skip("several workers need PostgreSQL (SKIP LOCKED); SQLite runs one worker")
    ids = _queue(app, 500)
    record = tmp_path / "sent.log"
    env = _worker_env(app, tmp_path, record, delay=0.005)
    workers = [_start_worker(env, "--once") for _ in range(3)]
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()[-2000:]
    records = _records(record)
    sent_ids = sorted(mail_id for _, mail_id in records)
    assert sent_ids == sorted(ids)  # every mail, each exactly once
    assert len({pid for pid, _ in records}) >= 2, "the workers did not overlap"
    assert _statuses(app) == {"sent": 500}


def test_a_single_worker_drains_the_outbox(app, tmp_path):
    """The SQLite path (conditional UPDATE) and PostgreSQL alike, in process."""
    ids = _queue(app, 20)
    record = tmp_path / "sent.log"
    os.environ["OUTBOX_RECORD_FILE"] = str(record)
    try:
        with app.app_context():
            report = run_worker(FileTransport(), once=True)
    finally:
        del os.environ["OUTBOX_RECORD_FILE"]
    assert report.sent == 20
    assert sorted(m for _, m in _records(record)) == ids
    assert _statuses(app) == {"sent": 20}


@pytest.mark.slow
def test_sigterm_finishes_the_mail_in_hand_and_exits_0(app, tmp_path):
    _queue(app, 200)
    record = tmp_path / "sent.log"
    env = _worker_env(app, tmp_path, record, delay=0.05)
    worker = _start_worker(env)  # long-running, not --once
    deadline = time.monotonic() + 60
    while not _records(record) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _records(record), "the worker sent nothing"
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err.decode()[-2000:]
    sent = len(_records(record))
    statuses = _statuses(app)
    assert statuses.get("sending", 0) == 0  # nothing left claimed
    assert statuses.get("sent") == sent < 200
    assert statuses.get("pending") == 200 - sent
    assert f"sent {sent}".encode() in out
