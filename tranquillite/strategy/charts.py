"""Indicator charts drawn on the server as SVG: no JavaScript, nothing for the CSP to block.

Presentation attributes only (no `style` attribute, no `<style>` element). The measurement
line takes `currentColor`, which the stylesheet sets to the territory's colour (`.tq-chart`).
Each chart is an image (`role="img"`) named by its `<title>` and described by its `<desc>`;
the page shows the measurements' table next to it, the accessible equivalent of the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, get_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MEASURED = "currentColor"
BASELINE = "#3b454f"
TARGET = "#1e6b34"
GRID = "#ced4da"
LABEL = "#3b454f"


# Formatting is done for every point of every chart and table row: it must be cheap. The
# language's formats are read once per language (Django's `floatformat` and `date_format`
# cost tens of microseconds a value: thousands of times a page); the result is the same.
_QUANTA = (Decimal(1), Decimal("0.1"), Decimal("0.01"))
# Django's date format characters that translate to plain digits.
_DATE_PARTS: dict[str, Callable[[date], str]] = {
    "d": lambda day: f"{day.day:02d}",
    "j": lambda day: str(day.day),
    "m": lambda day: f"{day.month:02d}",
    "n": lambda day: str(day.month),
    "Y": lambda day: f"{day.year:04d}",
    "y": lambda day: f"{day.year % 100:02d}",
}


@lru_cache(maxsize=16)
def _number_format(language: str | None) -> tuple[str, str] | None:
    """(decimal separator, thousand separator) of the language, or None when its grouping is
    not by threes (then `floatformat` does the work)."""
    if get_format("NUMBER_GROUPING") != 3:
        return None
    return str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))


@lru_cache(maxsize=16)
def _date_parts(language: str | None) -> tuple[Callable[[date], str] | str, ...] | None:
    """The language's short date format as pieces (digits of the day, literal text), or None
    when it uses anything else (then `date_format` does the work)."""
    parts: list[Callable[[date], str] | str] = []
    for char in str(get_format("SHORT_DATE_FORMAT")):
        if char in _DATE_PARTS:
            parts.append(_DATE_PARTS[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char)
    return tuple(parts)


def number(value: Decimal | float | int | None) -> str:
    """A value as the pages show it: French separators, no useless zero ("2,5", not
    "2,50"; "12", not "12,00"), at most two decimals. Empty for None."""
    if value is None:
        return ""
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    exponent = amount.as_tuple().exponent
    places = 2
    if isinstance(exponent, int):
        if exponent >= 0:
            places = 0
        else:
            places = next((n for n in range(2) if amount == amount.quantize(_QUANTA[n])), 2)
    separators = _number_format(get_language())
    if separators is None:  # pragma: no cover  (no such language shipped)
        return str(floatformat(amount, f"{places}g"))
    rounded = amount.quantize(_QUANTA[places], rounding=ROUND_HALF_UP)
    text = f"{rounded if rounded else rounded.copy_abs():,f}"  # never "-0"
    decimal, thousands = separators
    return text.translate({ord(","): thousands, ord("."): decimal})


def short_date(day: date) -> str:
    parts = _date_parts(get_language())
    if parts is None:  # pragma: no cover  (no such language shipped)
        return str(date_format(day, "SHORT_DATE_FORMAT"))
    return "".join(part if isinstance(part, str) else part(day) for part in parts)


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


LARGE = Frame(width=720, height=320, left=64, right=24, top=24, bottom=40)
SMALL = Frame(width=180, height=56, left=4, right=4, top=6, bottom=6)


def _join(parts: Sequence[SafeString]) -> SafeString:
    """Pieces of markup, each already escaped by format_html, as one."""
    return format_html_join("", "{}", ((part,) for part in parts))


def nice_step(span: float, intervals: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) cutting `span` in about
    `intervals`."""
    if span <= 0:
        return 1.0
    raw = span / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return 10.0 * power  # pragma: no cover  (the loop always returns)


def value_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of the value axis: from zero when every value is positive (counts and
    rates are read against zero), to a round number above the highest value."""
    low = min(0.0, *values)
    high = max(values)
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    return low, high, step


def describe(
    points: Sequence[tuple[date, Decimal]],
    *,
    unit: str,
    baseline: Decimal | None,
    target: Decimal | None,
    total: int | None = None,
) -> str:
    """The chart in words (its `<desc>`). `total`: the indicator's count of measurements when
    the chart shows only the latest `points`."""
    parts = []
    if not points:
        parts.append(_("No measurement yet."))
    else:
        first, last = points[0], points[-1]
        if total is not None and total > len(points):
            parts.append(
                _("The latest %(count)s of %(total)s measurements, from %(first)s to %(last)s.")
                % {
                    "count": len(points),
                    "total": total,
                    "first": short_date(first[0]),
                    "last": short_date(last[0]),
                }
            )
        elif len(points) == 1:
            parts.append(_("One measurement."))
        else:
            parts.append(
                _("%(count)s measurements from %(first)s to %(last)s.")
                % {
                    "count": len(points),
                    "first": short_date(first[0]),
                    "last": short_date(last[0]),
                }
            )
        parts.append(
            _("Latest value: %(value)s %(unit)s on %(date)s.")
            % {"value": number(last[1]), "unit": unit, "date": short_date(last[0])}
        )
    if baseline is not None:
        parts.append(_("Baseline: %(value)s.") % {"value": number(baseline)})
    if target is not None:
        parts.append(_("Target: %(value)s.") % {"value": number(target)})
    return " ".join(parts)


def line_chart(
    points: Sequence[tuple[date, Decimal]],
    *,
    title: str,
    unit: str,
    baseline: Decimal | None,
    target: Decimal | None,
    id_prefix: str,
    small: bool = False,
    total: int | None = None,
) -> SafeString:
    """The measurements as a line over time, with the baseline and the target as labelled
    dashed lines. `points` are (date, value) pairs in date order; `total`, the indicator's
    count of measurements when `points` are only the latest."""
    frame = SMALL if small else LARGE
    points = sorted(points)
    references = [float(v) for v in (baseline, target) if v is not None]
    values = [float(value) for _day, value in points] + references
    low, high, step = value_range(values or [0.0])

    def y(value: float) -> float:
        return round(frame.top + frame.plot_height * (1 - (value - low) / (high - low)), 1)

    first_day = points[0][0] if points else None
    days = (points[-1][0] - first_day).days if first_day and points else 0

    def x(day: date) -> float:
        if not days or first_day is None:
            return frame.left + frame.plot_width / 2
        return round(frame.left + frame.plot_width * (day - first_day).days / days, 1)

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts: list[SafeString] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{} {}" class="tq-chart{}" focusable="false">',
            frame.width,
            frame.height,
            title_id,
            desc_id,
            " tq-chart-small" if small else "",
        ),
        format_html('<title id="{}">{}</title>', title_id, title),
        format_html(
            '<desc id="{}">{}</desc>',
            desc_id,
            describe(points, unit=unit, baseline=baseline, target=target, total=total),
        ),
    ]
    if not small:
        parts.append(_grid(frame, low, high, step, y))
        parts.append(_date_labels(frame, points, x))
    parts.extend(_references(frame, baseline, target, y, small))
    if len(points) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" '
                'stroke-linejoin="round"/>',
                " ".join(f"{x(day)},{y(float(value))}" for day, value in points),
                MEASURED,
                1.5 if small else 2.5,
            )
        )
    # One circle per point, built as plain text (thousands on a page: format_html per point
    # costs too much): coordinates are numbers, the tooltip's text is escaped. The compact
    # chart has no tooltips (too small to point at): its table gives the values.
    if small:
        dot = f'<circle class="tq-chart-point" cx="{{}}" cy="{{}}" r="2" fill="{MEASURED}"/>'
        circles = "".join(dot.format(x(day), y(float(value))) for day, value in points)
    else:
        tooltip = _("%(date)s: %(value)s %(unit)s")
        dot = (
            f'<circle class="tq-chart-point" cx="{{}}" cy="{{}}" r="4" fill="{MEASURED}">'
            "<title>{}</title></circle>"
        )
        circles = "".join(
            dot.format(
                x(day),
                y(float(value)),
                escape(tooltip % {"date": short_date(day), "value": number(value), "unit": unit}),
            )
            for day, value in points
        )
    parts.append(mark_safe(circles))  # noqa: S308  (numbers, and escaped text)
    if not points and not small:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="14">{}</text>',
                frame.left + frame.plot_width / 2,
                frame.top + frame.plot_height / 2,
                LABEL,
                _("No measurement yet."),
            )
        )
    return format_html("{}</svg>", _join(parts))


def _grid(
    frame: Frame, low: float, high: float, step: float, y: Callable[[float], float]
) -> SafeString:
    rows = []
    count = round((high - low) / step)
    for index in range(count + 1):
        value = low + index * step
        rows.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" '
                'fill="{}" font-size="12">{}</text>',
                frame.left,
                frame.width - frame.right,
                y(value),
                y(value),
                GRID,
                frame.left - 8,
                y(value),
                LABEL,
                number(value),
            )
        )
    return _join(rows)


def _date_labels(
    frame: Frame, points: Sequence[tuple[date, Decimal]], x: Callable[[date], float]
) -> SafeString:
    if not points:
        return _join([])
    shown = [points[0][0]]
    if points[-1][0] != points[0][0]:
        shown.append(points[-1][0])
    anchors = ["middle"] if len(shown) == 1 else ["start", "end"]
    baseline = frame.height - frame.bottom + 24
    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-size="12">{}</text>',
        (
            (x(day), baseline, anchor, LABEL, short_date(day))
            for day, anchor in zip(shown, anchors, strict=True)
        ),
    )


def _references(
    frame: Frame,
    baseline: Decimal | None,
    target: Decimal | None,
    y: Callable[[float], float],
    small: bool,
) -> list[SafeString]:
    lines = []
    labelled = [
        (baseline, BASELINE, "3 4", _("Baseline: %(value)s")),
        (target, TARGET, "8 4", _("Target: %(value)s")),
    ]
    positions = [y(float(value)) for value, *_rest in labelled if value is not None]
    close = len(positions) == 2 and abs(positions[0] - positions[1]) < 16
    for index, (value, colour, dashes, word) in enumerate(labelled):
        if value is None:
            continue
        at = y(float(value))
        lines.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}" '
                'stroke-dasharray="{}"/>',
                frame.left,
                frame.width - frame.right,
                at,
                at,
                colour,
                1 if small else 1.5,
                dashes,
            )
        )
        if not small:
            # Above its line; when the two lines are close, the lower one is labelled below.
            below = close and (at > min(positions) or (index == 0 and len(set(positions)) == 1))
            lines.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="12" '
                    'font-weight="bold">{}</text>',
                    frame.width - frame.right,
                    at + 15 if below else at - 5,
                    colour,
                    word % {"value": number(value)},
                )
            )
    return lines
