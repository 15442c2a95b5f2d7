"""The notifications page behind the bell."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from marketplace.accounts.forms import EmptyForm
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notify.models import Notification
from marketplace.notify.services import mark_notifications_read

bp = Blueprint("notify", __name__)


@bp.route("/notifications")
@login_required
def notifications() -> str:
    """The signed-in user's notifications, newest first."""
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("notify/notifications.html", items=items, form=EmptyForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    """Mark every notification read."""
    if EmptyForm().validate_on_submit():
        mark_notifications_read(current_user.id, utcnow())
        db.session.commit()
    return redirect(url_for("notify.notifications"))
