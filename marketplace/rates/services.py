"""Exchange rates: load a dated CSV, and read the latest rate of each currency."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.parsing import FieldErrors, ParseError, parse_money
from marketplace.rates.models import ExchangeRate


@dataclass(frozen=True)
class RateTable:
    """The latest known rate per currency and the oldest date among them (what we cite)."""

    usd_per: dict[str, Decimal]
    as_of: date | None

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.usd_per)


def load_rates_csv(path: Path) -> int:
    """Upsert rows ``currency,usd_per,as_of`` (header required); returns rows written.

    All rows are checked before any is written, so a bad file changes nothing.
    """
    errors: dict[str, str] = {}
    rows: list[tuple[str, Decimal, date]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or {"currency", "usd_per", "as_of"} - set(reader.fieldnames):
            raise FieldErrors({"header": "The file needs the columns currency,usd_per,as_of."})
        for n, row in enumerate(reader, start=2):
            code = (row.get("currency") or "").strip().upper()
            if len(code) != 3 or not code.isascii() or not code.isalpha():
                errors[f"line {n}"] = f"{code!r} is not a three-letter currency code."
                continue
            try:
                usd_per = parse_money(row.get("usd_per") or "", places=8, allow_zero=False)
                as_of = date.fromisoformat((row.get("as_of") or "").strip())
            except (ParseError, ValueError) as exc:
                errors[f"line {n}"] = str(exc)
                continue
            rows.append((code, usd_per, as_of))
    if errors:
        raise FieldErrors(errors)
    for code, usd_per, as_of in rows:
        existing = db.session.execute(
            select(ExchangeRate).where(ExchangeRate.currency == code, ExchangeRate.as_of == as_of)
        ).scalar_one_or_none()
        if existing:
            existing.usd_per = usd_per
        else:
            db.session.add(ExchangeRate(currency=code, usd_per=usd_per, as_of=as_of))
    db.session.flush()
    return len(rows)


def current_rates() -> RateTable:
    """The latest rate of each currency; USD is always 1."""
    latest = (
        select(ExchangeRate.currency, func.max(ExchangeRate.as_of).label("as_of"))
        .group_by(ExchangeRate.currency)
        .subquery()
    )
    rows = db.session.execute(
        select(ExchangeRate.currency, ExchangeRate.usd_per, ExchangeRate.as_of).join(
            latest,
            (latest.c.currency == ExchangeRate.currency) & (latest.c.as_of == ExchangeRate.as_of),
        )
    ).all()
    usd_per = {code: rate for code, rate, _ in rows}
    usd_per["USD"] = Decimal("1")
    dates = [as_of for _, _, as_of in rows]
    return RateTable(usd_per=usd_per, as_of=min(dates) if dates else None)
