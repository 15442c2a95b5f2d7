"""The outsourcing vendor marketplace: ``create_app`` is the application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from marketplace.config import BASE_DIR, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Reads like a table of contents and does no database I/O."""
    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_mapping(settings)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def register_extensions(app: Flask) -> None:
    from marketplace import models  # noqa: F401  (every table registered before migrate binds)
    from marketplace.accounts.auth import init_login
    from marketplace.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.api.token_views import bp as api_tokens_bp
    from marketplace.api.views import bp as api_bp
    from marketplace.billing.views import bp as billing_bp
    from marketplace.comparison.views import bp as compare_bp
    from marketplace.directory.views import bp as directory_bp
    from marketplace.health import bp as health_bp
    from marketplace.notify.views import bp as notify_bp
    from marketplace.pages import bp as pages_bp
    from marketplace.quotes.views import bp as quotes_bp
    from marketplace.reviews.views import bp as reviews_bp
    from marketplace.search.views import bp as search_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(quotes_bp)


def register_errorhandlers(app: Flask) -> None:
    from marketplace.errors import init_errors

    init_errors(app)


def register_request_hooks(app: Flask) -> None:
    from marketplace.directory.counters import init_counters
    from marketplace.search.services import init_search
    from marketplace.security import init_security

    init_security(app)
    init_search(app)
    init_counters(app)


def register_template_helpers(app: Flask) -> None:
    from marketplace.templating import init_templating

    init_templating(app)


def register_cli(app: Flask) -> None:
    from marketplace.accounts.cli import users_cli
    from marketplace.billing.cli import billing_cli
    from marketplace.demo.cli import demo_cli
    from marketplace.notify.cli import notify_cli
    from marketplace.quotes.cli import quotes_cli
    from marketplace.rates.cli import rates_cli
    from marketplace.search.cli import search_cli

    for group in (users_cli, demo_cli, notify_cli, rates_cli, search_cli, quotes_cli, billing_cli):
        app.cli.add_command(group)
