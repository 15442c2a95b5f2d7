"""The e-mail outbox and in-app notifications.

Mails are rows written in the caller's transaction (so a rolled-back action sends nothing) and
delivered by ``flask notify send``. Delivery is at-most-once: a row is claimed with a conditional
UPDATE (pending -> sending) before the transport is called, so two senders never both send it.
"""

from __future__ import annotations

import logging
import smtplib
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
    sent = failed = gave_up = 0
    for mail_id in due_ids:
        claimed = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == mail_id, OutboxEmail.status == "pending")
            .values(status="sending", attempts=OutboxEmail.attempts + 1)
        )
        db.session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another sender took it
        mail = db.session.get(OutboxEmail, mail_id)
        assert mail is not None
        try:
            transport.send(mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("Sending mail %s to %s failed: %s", mail.id, mail.to_address, exc)
            mail.last_error = str(exc)[:1000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = "failed"
                gave_up += 1
            else:
                mail.status = "pending"
                mail.next_attempt_at = now + backoff(mail.attempts)
                failed += 1
        else:
            mail.status = "sent"
            mail.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return SendReport(sent=sent, failed=failed, gave_up=gave_up)
