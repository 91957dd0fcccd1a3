"""Figures of field presence (mediators, park wardens): hours of presence, entries of the
daily log, contacts (the public reached: the sum of the entries' group sizes), conflicts
handled and settled, referrals by partner — by team, neighbourhood and month, each beside
the previous period — and the indicator sources of the action sheets (strategy/sources.py).

The daily log names no one, yet a count of 1 to 4 contacts or conflicts in one neighbourhood
and month can still point at a family of a small city: every count goes through the
small-count rule (suppression.py), each column of a table protected as one group with its
total. Hours of presence are the teams' working time, not people of the public: they are
published as they are.

Whole territory, whatever the reader's teams: these are anonymous aggregates for those who
answer for the policy (`observatory.view_statistics`). Each table is one or two GROUP BY
queries over the period and the previous one together, so the page takes a fixed number of
queries whatever the number of entries.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import Function, LogEntry, Outcome, Partner, Shift, Team
from tranquillite.observatory.followups import Row, Table, _publishable
from tranquillite.observatory.suppression import Cell, protect_columns

# The figures, in the order of the tables' columns. Hours are not a count of people.
FIGURES: dict[str, Any] = {
    "hours": gettext_lazy("Hours of presence"),
    "entries": gettext_lazy("Entries"),
    "contacts": gettext_lazy("Contacts (public reached)"),
    "conflicts": gettext_lazy("Conflicts handled"),
    "settled": gettext_lazy("Conflicts settled"),
    "referrals": gettext_lazy("Referrals and partners alerted"),
}
COUNTS = ("entries", "contacts", "conflicts", "settled", "referrals")
MONTHS_SHOWN = 12


class Span:
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # excluded
    label: str


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods(month: date, span: str) -> tuple[Period, Period]:
    """The period asked for (a month, or the calendar year of that month) and the one
    before it."""
    if span == Span.YEAR:
        year = month.year
        return (
            Period(date(year, 1, 1), date(year + 1, 1, 1), str(year)),
            Period(date(year - 1, 1, 1), date(year, 1, 1), str(year - 1)),
        )
    start = month.replace(day=1)
    before = _shift_months(start, -1)
    return (
        Period(start, _first_of_next_month(start), formats.date_format(start, "F Y")),
        Period(before, start, formats.date_format(before, "F Y")),
    )


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def _entries(territory: Territory, start: date, end: date, kind: str) -> QuerySet[LogEntry]:
    queryset = LogEntry.objects.filter(
        territory=territory, occurred_at__gte=_aware(start), occurred_at__lt=_aware(end)
    )
    return queryset.filter(team__kind=kind) if kind else queryset


def _shifts(territory: Territory, start: date, end: date, kind: str) -> QuerySet[Shift]:
    """Shifts worked (clocked in and out) whose date is in the period."""
    queryset = Shift.objects.filter(
        territory=territory,
        date__gte=start,
        date__lt=end,
        started_at__isnull=False,
        ended_at__isnull=False,
    )
    return queryset.filter(team__kind=kind) if kind else queryset


_DURATION = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
_CONFLICT = Q(function=Function.CONFLICT_HANDLING)
_SETTLED = _CONFLICT & Q(outcome=Outcome.SETTLED)
_REFERRAL = ~Q(partner=Partner.NONE)


def _entry_figures(now: Q, suffix: str) -> dict[str, Any]:
    return {
        f"entries{suffix}": Count("pk", filter=now),
        f"contacts{suffix}": Sum("group_size", filter=now),
        f"conflicts{suffix}": Count("pk", filter=now & _CONFLICT),
        f"settled{suffix}": Count("pk", filter=now & _SETTLED),
        f"referrals{suffix}": Count("pk", filter=now & _REFERRAL),
    }


def _hours(value: timedelta | None) -> int:
    return round(value.total_seconds() / 3600) if value else 0


@dataclass
class FieldFigures:
    current: Period
    previous: Period
    kind: str
    # (figure label, this period, previous period)
    key_figures: list[tuple[str, Cell, Cell]]
    tables: list[Table]


def _by_team_and_place(
    territory: Territory, current: Period, previous: Period, kind: str
) -> tuple[dict[Any, dict[str, int]], dict[Any, dict[str, int]]]:
    """({team: figures}, {neighbourhood: figures}), each figure beside the previous period's
    (`name` and `name_previous`), in two queries: the entries, then the shifts, of both
    periods at once, grouped by team and neighbourhood together and summed both ways (every
    figure is a count, a sum or a duration: the sums are exact). One pass over a year and the
    one before instead of two: 408 → 177 ms for a year on 10,000,000 entries with the JIT
    off (docs/benchmarks.md)."""
    teams: dict[Any, dict[str, Any]] = {}
    places: dict[Any, dict[str, Any]] = {}

    def add(key: Any, found: dict[Any, dict[str, Any]], values: dict[str, Any]) -> None:
        into = found.setdefault(key, {})
        for name, value in values.items():
            if value is not None:
                into[name] = into.get(name, 0) + value if name in into else value

    now = Q(occurred_at__gte=_aware(current.start))
    row: Any
    for row in (
        _entries(territory, previous.start, current.end, kind)
        .values("team", "neighbourhood")
        .annotate(**_entry_figures(now, ""), **_entry_figures(~now, "_previous"))
        .order_by()
    ):
        values = {k: v for k, v in row.items() if k not in ("team", "neighbourhood")}
        add(row["team"], teams, values)
        add(row["neighbourhood"], places, values)
    shift_now = Q(date__gte=current.start)
    for row in (
        _shifts(territory, previous.start, current.end, kind)
        .values("team", "sector__neighbourhood")
        .annotate(
            worked=Sum(_DURATION, filter=shift_now),
            worked_before=Sum(_DURATION, filter=~shift_now),
        )
        .order_by()
    ):
        values = {"worked": row["worked"], "worked_before": row["worked_before"]}
        add(row["team"], teams, values)
        add(row["sector__neighbourhood"], places, values)
    for found in (teams, places):
        for figures in found.values():
            for name in (*COUNTS, *(f"{n}_previous" for n in COUNTS)):
                figures[name] = figures.get(name) or 0
            worked: timedelta | None = figures.pop("worked", None)
            before: timedelta | None = figures.pop("worked_before", None)
            figures["hours"], figures["hours_previous"] = _hours(worked), _hours(before)
    return teams, places


def _table(
    key: str,
    caption: str,
    dimension: str,
    labelled_rows: Sequence[tuple[str, dict[str, int]]],
    columns: tuple[str, str],
) -> Table:
    """One row per label, two columns per figure (this period, the one before); every count
    column protected with its total (suppression.py); hours published as they are."""
    names = [(name, suffix) for name in FIGURES for suffix in ("", "_previous")]
    values = [
        [row.get(f"{name}{suffix}", 0) for name, suffix in names] for _l, row in labelled_rows
    ]
    protected, totals = protect_columns(values) if values else ([], [])
    if not values:
        totals = [Cell(0) for _name in names]
    for index, (name, _suffix) in enumerate(names):
        if name == "hours":  # working time of the teams, not a count of people
            for row_index, row_values in enumerate(values):
                protected[row_index][index] = Cell(row_values[index])
            totals[index] = Cell(sum(row_values[index] for row_values in values))
    figures = [
        (f"{name}{suffix}", f"{FIGURES[name]} — {columns[0] if not suffix else columns[1]}")
        for name, suffix in names
    ]
    rows = [
        Row(label, cells) for (label, _values), cells in zip(labelled_rows, protected, strict=True)
    ]
    return Table(key, caption, dimension, figures, rows, Row(_("Total"), totals))


def _partners_table(territory: Territory, current: Period, previous: Period, kind: str) -> Table:
    now = Q(occurred_at__gte=_aware(current.start))
    found: dict[str, dict[str, Any]] = {
        row["partner"]: dict(row)
        for row in _entries(territory, previous.start, current.end, kind)
        .filter(_REFERRAL)
        .values("partner")
        .annotate(now=Count("pk", filter=now), before=Count("pk", filter=~now))
        .order_by()
    }
    partners = [(value, str(label)) for value, label in Partner.choices if value != Partner.NONE]
    values = [
        [found.get(value, {}).get("now", 0), found.get(value, {}).get("before", 0)]
        for value, _label in partners
    ]
    protected, totals = protect_columns(values)
    label = str(FIGURES["referrals"])
    return Table(
        "partners",
        _("Referrals and partners alerted, by partner"),
        _("Partner"),
        [("now", f"{label} — {current.label}"), ("before", f"{label} — {previous.label}")],
        [Row(name, cells) for (_v, name), cells in zip(partners, protected, strict=True)],
        Row(_("Total"), totals),
    )


def figures_for(territory: Territory, month: date, span: str, kind: str = "") -> FieldFigures:
    """Every table of the page and of its exports. `kind`: a team kind, or "" for all."""
    current, previous = periods(month, span)
    columns = (current.label, previous.label)
    teams = {team.pk: team.name for team in Team.objects.filter(territory=territory)}
    by_team, by_place = _by_team_and_place(territory, current, previous, kind)
    team_rows = sorted(
        ((teams.get(pk, "—"), values) for pk, values in by_team.items()), key=lambda r: r[0]
    )
    neighbourhoods = list(Neighbourhood.objects.filter(territory=territory).order_by("name"))
    place_rows = [(n.name, by_place.get(n.pk, {})) for n in neighbourhoods]
    team_table = _table("teams", _("By team"), _("Team"), team_rows, columns)
    tables = [
        team_table,
        _table("neighbourhoods", _("By neighbourhood"), _("Neighbourhood"), place_rows, columns),
        _months_table(territory, month, kind),
        _partners_table(territory, current, previous, kind),
    ]
    assert team_table.total is not None
    totals = team_table.total.cells
    key_figures = []
    for index, name in enumerate(FIGURES):
        now, before = totals[2 * index], totals[2 * index + 1]
        key_figures.append((str(FIGURES[name]), now, before))
    return FieldFigures(current, previous, kind, key_figures, tables)


def _months_table(territory: Territory, month: date, kind: str) -> Table:
    """The 12 months ending with the chosen one, each beside the same month a year before."""
    last = month.replace(day=1)
    first = _shift_months(last, -(MONTHS_SHOWN - 1))
    earliest = _shift_months(first, -12)
    end = _first_of_next_month(last)
    by_month: dict[date, dict[str, int]] = {}
    every = Q(pk__isnull=False)
    for row in (
        _entries(territory, earliest, end, kind)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(**_entry_figures(every, ""))
        .order_by()
    ):
        month_of: Any = row["month"]
        key = month_of.date() if isinstance(month_of, datetime) else month_of
        counts: dict[str, Any] = dict(row)
        by_month.setdefault(key, {}).update(
            {name: value or 0 for name, value in counts.items() if name != "month"}
        )
    for row in (
        _shifts(territory, earliest, end, kind)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(worked=Sum(_DURATION))
        .order_by()
    ):
        by_month.setdefault(row["month"], {})["hours"] = _hours(row["worked"])
    rows = []
    for offset in range(MONTHS_SHOWN):
        day = _shift_months(first, offset)
        values = dict(by_month.get(day, {}))
        year_before = by_month.get(_shift_months(day, -12), {})
        values.update({f"{name}_previous": value for name, value in year_before.items()})
        rows.append((formats.date_format(day, "F Y"), values))
    return _table(
        "months",
        _("By month, beside the same month a year before"),
        _("Month"),
        rows,
        (_("this month"), _("a year before")),
    )


# --- Indicator sources (strategy/sources.py) ----------------------------------------------
# Whole-territory totals of one kind of team over `start`–`end` (both included); a count of
# 1 to 4 is withheld (SmallCount), like every published count.


def _until(end: date) -> date:
    return end + timedelta(days=1)


@functools.cache  # one function per kind: registering twice is then a no-op
def hours_of_presence(kind: str) -> Any:
    def compute(territory: Territory, start: date, end: date) -> Decimal:
        total = _shifts(territory, start, _until(end), kind).aggregate(total=Sum(_DURATION))
        value: timedelta | None = total["total"]
        hours = Decimal(value.total_seconds()) / 3600 if value else Decimal(0)
        return hours.quantize(Decimal("0.1"))

    return compute


@functools.cache
def counted(kind: str, figure: str) -> Any:
    def compute(territory: Territory, start: date, end: date) -> Decimal:
        entries = _entries(territory, start, _until(end), kind)
        if figure == "contacts":
            value = entries.aggregate(total=Sum("group_size"))["total"] or 0
        else:
            condition = {
                "entries": Q(pk__isnull=False),
                "conflicts": _CONFLICT,
                "settled": _SETTLED,
                "referrals": _REFERRAL,
            }[figure]
            value = entries.filter(condition).count()
        return _publishable(value)

    return compute
