"""The outbox: mails ride the caller's transaction and go out once, with retries."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import OutboxEmail
from marketplace.notify.services import queue_email, send_pending


class RecordingTransport:
    def __init__(self, fail_times: int = 0):
        self.sent: list[int] = []
        self.fail_times = fail_times

    def send(self, mail):
        if self.fail_times:
            self.fail_times -= 1
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.sent.append(mail.id)


def test_a_rolled_back_action_sends_nothing(ctx):
    queue_email("a@b.example", "Hello", "Body")
    db.session.rollback()
    assert db.session.scalar(select(OutboxEmail)) is None


def test_each_mail_is_sent_once(ctx):
    for n in range(3):
        queue_email(f"u{n}@b.example", "Hello", "Body")
    db.session.commit()
    transport = RecordingTransport()
    assert send_pending(transport=transport).sent == 3
    assert send_pending(transport=transport).sent == 0
    assert len(transport.sent) == 3
    assert all(m.status == "sent" and m.sent_at for m in db.session.scalars(select(OutboxEmail)))


def test_failures_are_retried_with_backoff_and_the_error_recorded(ctx):
    queue_email("a@b.example", "Hello", "Body")
    db.session.commit()
    now = utcnow()
    transport = RecordingTransport(fail_times=1)
    report = send_pending(now=now, transport=transport)
    assert report.failed == 1
    mail = db.session.scalar(select(OutboxEmail))
    assert mail.status == "pending" and mail.attempts == 1
    assert "connection lost" in mail.last_error
    assert send_pending(now=now, transport=transport).sent == 0  # not due yet
    assert send_pending(now=now + timedelta(minutes=2), transport=transport).sent == 1


def test_header_injection_is_refused(ctx):
    import pytest

    with pytest.raises(ValueError):
        queue_email("a@b.example\r\nBcc: evil@x.example", "Hi", "Body")


def test_without_smtp_mails_are_written_to_the_log(ctx, caplog):
    queue_email("log@b.example", "Confirm", "Open http://localhost/verify/abc")
    db.session.commit()
    with caplog.at_level("INFO"):
        assert send_pending().sent == 1
    assert "http://localhost/verify/abc" in caplog.text
