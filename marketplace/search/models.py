"""The durable half of the search write path.

A vendor change records its id here in the same transaction; after commit the row is applied to
the index under the writer lock and deleted. Rows left by a dead worker are caught up by
``flask search sync``. No foreign key: a deleted vendor's row must survive to remove it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class SearchPending(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "search_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(index=True)
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<SearchPending vendor={self.vendor_id}>"
