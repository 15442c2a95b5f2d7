"""Dated exchange rates: USD per one unit of each currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db_types import FixedDecimal
from marketplace.extensions import db


class ExchangeRate(db.Model):  # type: ignore[name-defined,misc]
    """``usd_per`` US dollars buy one unit of ``currency`` on ``as_of``."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("currency", "as_of", name="uq_exchange_rates_currency_as_of"),
        CheckConstraint("usd_per > 0", name="usd_per_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    usd_per: Mapped[Decimal] = mapped_column(FixedDecimal(8))
    as_of: Mapped[date] = mapped_column(Date, index=True)

    def __repr__(self) -> str:
        return f"<ExchangeRate {self.currency} {self.usd_per} {self.as_of}>"
