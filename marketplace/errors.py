"""Error pages in the site's look, and problem+json for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

FRIENDLY = {
    400: (
        "Bad request",
        "We could not understand that request. Please check the form and try again.",
    ),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "The page you asked for does not exist or is not public."),
    405: ("Method not allowed", "That action is not available here."),
    413: ("Too large", "That upload or form is larger than 2 MB. Please send something smaller."),
    429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "We have logged the problem. Please try again in a moment."),
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/problem+json"
    )


def problem(status: int, title: str, detail: str = "", **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _handle_http(error: HTTPException) -> Response:
    code = error.code or 500
    title, text = FRIENDLY.get(code, (error.name, error.description or ""))
    if wants_problem_json():
        response = problem(code, title, error.description or text)
    else:
        response = make_response(
            render_template("errors/error.html", code=code, title=title, text=text), code
        )
    # Headers the exception carries (Allow on a 405, WWW-Authenticate, Retry-After) are part of
    # the answer: a client must learn which methods a URL takes.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_errors(app: Flask) -> None:
    # Unexpected exceptions: Flask logs them with the traceback and turns them into a 500,
    # which reaches this same handler (tests run with propagation so they fail loudly).
    app.register_error_handler(HTTPException, _handle_http)
