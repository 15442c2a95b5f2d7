"""Load-balancer probes: ``/healthz`` (the process is up) and ``/readyz`` (it can serve).

``/healthz`` touches nothing (no database, no index), so a slow database never gets a healthy
process restarted. ``/readyz`` runs ``SELECT 1`` and asks the search backend whether it can
answer. A database failure is 503: the host can serve nothing. An unhealthy search index is
reported but still 200 by default, because searches then fall back to a database query (DESIGN:
never a 500), and taking every host out of rotation for a missing local index would turn a
degraded search into an outage; ``/readyz?strict=1`` makes it a 503 too, for probes that want
that. Failures are ``application/problem+json`` naming the failed checks.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from sqlalchemy import text
from werkzeug.wrappers import Response

from marketplace.errors import problem
from marketplace.extensions import db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz() -> Response:
    """The process is up and answering; no I/O."""
    response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # any failure means "not ready"; logged with its reason
        log.warning("Readiness: database check failed.", exc_info=True)
        db.session.rollback()
        return "unavailable"
    return "ok"


def _check_search() -> str:
    from marketplace.search.services import get_backend

    try:
        return "ok" if get_backend().healthy() else "unavailable"
    except Exception:  # a misconfigured or unreachable backend is "not ready", never a 500
        log.warning("Readiness: search check failed.", exc_info=True)
        return "unavailable"


@bp.route("/readyz")
@limiter.exempt
def readyz() -> Response:
    """Database and search reachable: 200 JSON, or 503 problem+json naming what failed."""
    checks = {"database": _check_database(), "search": _check_search()}
    strict = request.args.get("strict") in {"1", "true", "yes"}
    required = ["database", "search"] if strict else ["database"]
    failed = [name for name in required if checks[name] != "ok"]
    if failed:
        response = problem(
            503, "Not ready", f"Unavailable: {', '.join(failed)}.", checks=checks, failed=failed
        )
    else:
        status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
        response = jsonify(status=status, checks=checks)
    response.headers["Cache-Control"] = "no-store"
    return response
