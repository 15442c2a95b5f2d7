"""``flask search reindex`` and ``flask search sync``."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from marketplace.search.services import rebuild_index, sync_all

search_cli = AppGroup("search", help="Full-text search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the database into a new folder and swap it in."""
    started = time.perf_counter()
    count = rebuild_index()
    elapsed = time.perf_counter() - started
    click.echo(f"Indexed {count:,} published vendors in {elapsed:.1f} s.")


@search_cli.command("sync")
def sync_command() -> None:
    """Apply vendor changes that were committed but not yet indexed.

    Safe on several hosts at once: on PostgreSQL appliers take turns (an advisory lock), so each
    pending change is applied once.
    """
    click.echo(f"Applied {sync_all():,} pending vendor changes.")


@search_cli.command("ensure")
def ensure_command() -> None:
    """Build the index if it is missing or empty, else apply pending changes (used by make run)."""
    from marketplace.search.backend import SearchError
    from marketplace.search.services import get_backend

    backend = get_backend()
    try:
        ready = backend.healthy() and backend.doc_count() > 0
    except SearchError:
        ready = False
    if ready:
        click.echo(f"Search index ready; applied {sync_all():,} pending vendor changes.")
        return
    started = time.perf_counter()
    count = rebuild_index()
    click.echo(
        f"Built the search index: {count:,} vendors in {time.perf_counter() - started:.1f} s."
    )
