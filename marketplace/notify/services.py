"""The e-mail outbox and in-app notifications.

Mails are rows written in the caller's transaction (so a rolled-back action sends nothing) and
delivered by ``flask notify send`` (one batch) or ``flask notify worker`` (long-running; any
number of them on any number of hosts). Delivery is at-most-once: a row is claimed (pending ->
sending, committed) before the transport is called, so two senders never both send it. On
PostgreSQL workers claim with ``FOR UPDATE SKIP LOCKED``; elsewhere with a conditional UPDATE.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from flask import current_app
from sqlalchemy import func, select, update

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import Notification, OutboxEmail
from marketplace.parsing import clean_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def queue_email(to_address: str, subject: str, body_text: str) -> OutboxEmail:
    """Add a mail to the outbox in the current transaction."""
    if any(ch in to_address + subject for ch in "\r\n"):
        raise ValueError("header injection attempt in outbox mail")
    mail = OutboxEmail(
        to_address=to_address,
        subject=clean_text(subject, max_length=200),
        body_text=body_text,
    )
    db.session.add(mail)
    return mail


def notify_user(user_id: int, kind: str, message: str, link: str = "") -> Notification:
    """Add an in-app notification (the bell) in the current transaction."""
    note = Notification(
        user_id=user_id, kind=kind, message=clean_text(message, max_length=300)[:300], link=link
    )
    db.session.add(note)
    return note


def unread_notification_count(user_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_notifications_read(user_id: int, now: datetime) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class Transport(Protocol):
    def send(self, mail: OutboxEmail) -> None: ...


class LogTransport:
    """No SMTP configured: write the whole mail to the log so a developer can click its link."""

    def send(self, mail: OutboxEmail) -> None:
        log.info(
            "E-mail (no SMTP_HOST set, logged instead)\nTo: %s\nSubject: %s\n\n%s",
            mail.to_address,
            mail.subject,
            mail.body_text,
        )


@dataclass
class SmtpTransport:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str

    def send(self, mail: OutboxEmail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message.set_content(mail.body_text)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def transport_from_config() -> Transport:
    cfg = current_app.config
    if cfg.get("MAIL_TRANSPORT"):
        # A dotted path ("package.module:Class") set by the operator, e.g. a provider's API client.
        from werkzeug.utils import import_string

        return import_string(cfg["MAIL_TRANSPORT"])()  # type: ignore[no-any-return]
    if cfg["SMTP_HOST"]:
        return SmtpTransport(
            cfg["SMTP_HOST"],
            cfg["SMTP_PORT"],
            cfg["SMTP_USERNAME"],
            cfg["SMTP_PASSWORD"],
            cfg["SMTP_STARTTLS"],
            cfg["MAIL_FROM"],
        )
    return LogTransport()


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    gave_up: int


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def claim_next(now: datetime) -> int | None:
    """Claim one due mail (pending -> sending, attempts + 1) and commit; its id, or None.

    PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so any number of workers on any number of
    hosts each take a different row without waiting on each other. SQLite (one host): a
    conditional UPDATE, so even two senders racing never both claim a row.
    """
    due = (
        select(OutboxEmail.id)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(1)
    )
    if _is_postgres():
        mail_id = db.session.scalar(due.with_for_update(skip_locked=True))
        if mail_id is None:
            db.session.rollback()
            return None
        db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == mail_id)
            .values(status="sending", attempts=OutboxEmail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return int(mail_id)
    for _ in range(5):  # lost a race for the first due row: try the next one
        mail_id = db.session.scalar(due)
        if mail_id is None:
            db.session.rollback()
            return None
        if _claim_conditionally(int(mail_id)):
            return int(mail_id)
    return None


def _claim_conditionally(mail_id: int) -> bool:
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == mail_id, OutboxEmail.status == "pending")
        .values(status="sending", attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(claimed.rowcount) == 1  # type: ignore[attr-defined]


def deliver_claimed(mail_id: int, transport: Transport, now: datetime) -> str:
    """Send a mail this process claimed; returns "sent", "retry" or "failed" (gave up)."""
    mail = db.session.get(OutboxEmail, mail_id)  # expired by the claim's commit: fresh row
    assert mail is not None
    try:
        transport.send(mail)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Sending mail %s to %s failed: %s", mail.id, mail.to_address, exc)
        mail.last_error = str(exc)[:1000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = "failed"
            outcome = "failed"
        else:
            mail.status = "pending"
            mail.next_attempt_at = now + backoff(mail.attempts)
            outcome = "retry"
    else:
        mail.status = "sent"
        mail.sent_at = utcnow()
        outcome = "sent"
    db.session.commit()
    return outcome


def _report(outcomes: list[str]) -> SendReport:
    return SendReport(
        sent=outcomes.count("sent"),
        failed=outcomes.count("retry"),
        gave_up=outcomes.count("failed"),
    )


def send_pending(
    now: datetime | None = None, transport: Transport | None = None, limit: int = 100
) -> SendReport:
    """Deliver due mails once each; failures are retried with backoff, recording the error."""
    now = now or utcnow()
    transport = transport or transport_from_config()
    due_ids = db.session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    outcomes: list[str] = []
    for mail_id in due_ids:
        if not _claim_conditionally(mail_id):
            continue  # another sender took it
        outcomes.append(deliver_claimed(mail_id, transport, now))
    return _report(outcomes)


def run_worker(
    transport: Transport | None = None,
    *,
    once: bool = False,
    idle_seconds: float = 2.0,
    should_stop: Callable[[], bool] = lambda: False,
    clock: Callable[[], datetime] = utcnow,
) -> SendReport:
    """``flask notify worker``: claim and send due mails one at a time until told to stop.

    ``once``: stop when nothing is due (tests, cron). ``should_stop`` is checked between mails,
    so a SIGTERM finishes the mail in hand and never leaves a claimed row behind.
    """
    transport = transport or transport_from_config()
    outcomes: list[str] = []
    while not should_stop():
        now = clock()
        mail_id = claim_next(now)
        if mail_id is None:
            if once:
                break
            deadline = time.monotonic() + idle_seconds
            while time.monotonic() < deadline and not should_stop():
                time.sleep(min(0.2, idle_seconds))
            continue
        outcomes.append(deliver_claimed(mail_id, transport, now))
    db.session.remove()
    return _report(outcomes)
