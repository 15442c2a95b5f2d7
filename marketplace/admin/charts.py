"""Server-rendered SVG charts: accessible, no JavaScript, no inline styles (the CSP forbids them).

Each function returns ``Markup`` for an inline ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that states every figure in words, and visible text labels on every bar, so the chart
reads the same to a screen reader, in print and with CSS off. Colours are presentation
attributes (``fill="..."``), which a ``style-src 'self'`` policy allows; class names let the
stylesheet restyle them (``.chart`` in site.css styles the wrapping ``<figure class="chart">``
and the ``bar``, ``gridline``, ``axis`` and ``value`` classes inside).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

Number = int | float | Decimal
Formatter = Callable[[Number], str]

PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6")
AXIS = "#6b7280"
GRID = "#e5e7eb"
TEXT = "#111827"
FONT = 'font-family="system-ui, sans-serif"'


def default_format(value: Number) -> str:
    """Whole numbers with thousands separators; others to one decimal place."""
    if isinstance(value, int) or (isinstance(value, Decimal | float) and value == int(value)):
        return f"{int(value):,}"
    return f"{float(value):,.1f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    exponent = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return float(step * exponent)
    return float(10 * exponent)  # pragma: no cover


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" {FONT} font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    unit: str = "",
    fmt: Formatter = default_format,
    chart_id: str | None = None,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Vertical bars, one group per label and one bar per series (weekly trends).

    ``None`` is "no data" (no bar, labelled "no data" in the description), unlike 0.
    """
    chart_id = chart_id or "chart-" + _slug(title)
    suffix = f" {unit}" if unit else ""
    values = [v for _, vals in series for v in vals if v is not None]
    top = _nice_max(float(max(values, default=0)))
    left, right, top_pad, bottom = 44, 8, 18 + (16 if len(series) > 1 else 0), 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(len(labels), 1)
    band = plot_w / n
    bar_w = max(min(band * 0.8 / max(len(series), 1), 40), 2)

    desc_parts = []
    for name, vals in series:
        words = ", ".join(
            f"{label}: {fmt(v) + suffix if v is not None else 'no data'}"
            for label, v in zip(labels, vals, strict=True)
        )
        desc_parts.append(f"{name}: {words}." if len(series) > 1 else f"{words}.")
    parts = _open(chart_id, title, " ".join(desc_parts), width, height)

    # Legend (only when there is more than one series).
    if len(series) > 1:
        legend_x = left
        for i, (name, _) in enumerate(series):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(
                f'<rect class="{_bar_class(i)}" x="{legend_x}" y="2" width="10" height="10" '
                f'fill="{colour}"/>'
            )
            parts.append(f'<text x="{legend_x + 14}" y="11" fill="{TEXT}">{escape(name)}</text>')
            legend_x += 22 + 7 * len(name)
    # Grid lines and axis labels at 0, half and the top.
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(
            f'<line class="{"gridline" if fraction else "axis"}" x1="{left}" y1="{y:.1f}" '
            f'x2="{width - right}" y2="{y:.1f}" stroke="{GRID if fraction else AXIS}" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">'
            f"{escape(fmt(_axis_value(top * fraction)))}</text>"
        )
    # Bars with their value above and the label below.
    for i, label in enumerate(labels):
        group_x = left + band * i + (band - bar_w * len(series)) / 2
        for s, (_, vals) in enumerate(series):
            value = vals[i]
            x = group_x + bar_w * s
            if value is None:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top_pad + plot_h - 3:.1f}" '
                    f'text-anchor="middle" fill="{AXIS}" font-size="10">&#8211;</text>'
                )
                continue
            h = plot_h * float(value) / top
            y = top_pad + plot_h - h
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect class="{_bar_class(s)}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
            parts.append(
                f'<text class="value" x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" '
                'text-anchor="middle" '
                f'fill="{TEXT}" font-size="10">{escape(fmt(value))}</text>'
            )
        parts.append(
            f'<text x="{left + band * i + band / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" fill="{AXIS}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def _bar_class(series: int) -> str:
    # The stylesheet colours ".bar"; later series keep their own fill attribute.
    return "bar" if series == 0 else f"bar-s{series}"


def _axis_value(value: float) -> Number:
    return int(value) if value == int(value) else value


def hbar_chart(
    title: str,
    items: Sequence[tuple[str, Number]],
    *,
    unit: str | tuple[str, str] = "",
    fmt: Formatter = default_format,
    chart_id: str | None = None,
    width: int = 640,
    row: int = 24,
    label_width: int = 200,
) -> Markup:
    """Horizontal bars, one per item, longest first as given (rankings: top categories).

    ``unit`` may be a (singular, plural) pair: "1 request", "5 requests".
    """
    chart_id = chart_id or "chart-" + _slug(title)
    one, many = unit if isinstance(unit, tuple) else (unit, unit)

    def suffix_for(value: Number) -> str:
        word = one if value == 1 else many
        return f" {word}" if word else ""

    top = max((float(v) for _, v in items), default=0) or 1.0
    height = max(row * len(items), row) + 8
    desc = "; ".join(f"{label}: {fmt(v)}{suffix_for(v)}" for label, v in items) or "No data."
    parts = _open(chart_id, title, desc, width, height)
    bar_space = width - label_width - 70
    for i, (label, value) in enumerate(items):
        y = 4 + row * i
        w = bar_space * float(value) / top
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{label_width}" y="{y + 3}" '
            f'width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text class="value" x="{label_width + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" '
            f'fill="{TEXT}">'
            f"{escape(fmt(value))}{escape(suffix_for(value))}</text>"
        )
    if not items:
        parts.append(f'<text x="8" y="{row / 2 + 4}" fill="{AXIS}">No data yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
