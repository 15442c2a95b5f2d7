"""The database side of search: durable change records, applying them, and the DB fallback.

Every vendor change calls :func:`enqueue_vendor` inside its transaction; the id is written to
``search_pending`` with it, so a rolled-back change leaves nothing to index, and a committed one
is never lost even if the process dies before indexing it (``flask search sync`` catches up).
"""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.search.models import SearchPending


def enqueue_vendor(vendor_id: int) -> None:
    """Record that ``vendor_id`` changed; the index follows after the commit."""
    db.session.add(SearchPending(vendor_id=vendor_id))
