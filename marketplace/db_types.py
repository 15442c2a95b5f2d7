"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has neither a decimal type nor timezone-aware timestamps: SQLAlchemy's ``Numeric`` goes
through float there, and ``DateTime(timezone=True)`` comes back naive. These decorators store
exact integers and UTC, and hand the application ``Decimal`` and aware ``datetime`` on both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class FixedDecimal(TypeDecorator[Decimal]):
    """An exact decimal stored as an integer count of 10^-scale units (money, rates, ratings).

    Integer storage keeps sums, comparisons, CHECK constraints and sorting exact and identical
    on both databases; ``scale=2`` is cents, ``scale=4`` suits unit prices like $0.0350.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def __repr__(self) -> str:  # rendered into migrations, so the scale must survive
        return f"FixedDecimal(scale={self.scale})"

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float | bool):
            raise TypeError("FixedDecimal takes Decimal, int or str, never float or bool")
        amount = Decimal(value) * self._factor
        if amount != amount.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(amount)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-self.scale))

    def literal_processor(self, dialect: Dialect) -> Any:
        return lambda value: str(int(Decimal(value) * self._factor))


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC; refuses naive input so local times never sneak in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
