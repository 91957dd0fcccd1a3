"""Figures of the tension alerts: by level and outcome, by month, by neighbourhood, and the
time to lift; the indicator sources for the action sheets.

Read from the anonymous `tensions.AlertFigure` only (one per lifted alert: month, highest
level, outcome, minutes to lift, neighbourhoods), which outlives the alerts' purge. An alert
counts in the year it was raised. Every table passes through the small-count rule
(suppression.py); a duration rests on at least 5 alerts or is withheld. An alert involves two
neighbourhoods or more, so the neighbourhood table counts involvements, not alerts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tranquillite.core.models import Territory
from tranquillite.observatory.followups import Row, SmallCount, Table, _publishable
from tranquillite.observatory.suppression import SMALL, is_small, primary, protect_columns
from tranquillite.tensions.models import AlertFigure, AlertOutcome, Level


@dataclass
class AlertFigures:
    year: int
    key_figures: list[tuple[str, str]]
    tables: list[Table]
    durations: list[tuple[str, str, str, str]]  # level, alerts, median, 90th percentile


def years_of(territory: Territory) -> list[int]:
    return sorted(
        {
            d.year
            for d in AlertFigure.objects.filter(territory=territory).dates("raised_on", "year")
        },
        reverse=True,
    )


def _of_year(territory: Territory, year: int) -> QuerySet[AlertFigure]:
    return AlertFigure.objects.filter(territory=territory, raised_on__year=year)


def _table(
    key: str,
    caption: str,
    dimension: str,
    labels: list[tuple[object, str]],
    counts: dict[tuple[object, str], int],
) -> Table:
    outcomes = list(AlertOutcome)
    values = [[counts.get((row_key, o.value), 0) for o in outcomes] for row_key, _l in labels]
    rows, totals = protect_columns(values) if values else ([], [])
    return Table(
        key=key,
        caption=caption,
        dimension=dimension,
        figures=[(o.value, str(o.label)) for o in outcomes],
        rows=[Row(str(label), cells) for (_k, label), cells in zip(labels, rows, strict=True)],
        total=Row(_("Total"), totals) if values else None,
    )


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",")


def _duration(minutes: list[int]) -> tuple[str, str]:
    """Median and 90th percentile in hours, over 5 alerts or more; else withheld."""
    if is_small(len(minutes)) or not minutes:
        return (SMALL if minutes else "—"), (SMALL if minutes else "—")
    ordered = sorted(minutes)
    p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    return _hours(statistics.median(ordered)), _hours(p90)


def figures_for(territory: Territory, year: int) -> AlertFigures:
    figures = _of_year(territory, year)
    by_level: dict[tuple[object, str], int] = {
        (row["level"], row["outcome"]): row["n"]
        for row in figures.values("level", "outcome").annotate(n=Count("pk"))
    }
    by_month: dict[tuple[object, str], int] = {}
    for raised_on, outcome in figures.values_list("raised_on", "outcome"):
        by_month[(raised_on.month, outcome)] = by_month.get((raised_on.month, outcome), 0) + 1
    by_neighbourhood: dict[tuple[object, str], int] = {
        (row["neighbourhoods__name"], row["outcome"]): row["n"]
        for row in figures.values("neighbourhoods__name", "outcome").annotate(n=Count("pk"))
    }
    names = sorted({str(name) for name, _o in by_neighbourhood if name})
    tables = [
        _table(
            "level",
            _("Alerts lifted by highest level reached and outcome"),
            _("Level"),
            [(lv.value, str(lv.label)) for lv in Level],
            by_level,
        ),
        _table(
            "month",
            _("Alerts by month raised and outcome"),
            _("Month"),
            [(m, date_format(date(year, m, 1), "F")) for m in range(1, 13)],
            by_month,
        ),
        _table(
            "neighbourhood",
            _("Neighbourhoods involved, by outcome (an alert involves two or more)"),
            _("Neighbourhood"),
            [(name, str(name)) for name in names],
            by_neighbourhood,
        ),
    ]
    minutes: dict[str, list[int]] = {}
    for level, lift_minutes in figures.values_list("level", "minutes_to_lift"):
        minutes.setdefault(level, []).append(lift_minutes)
    every = [m for spent in minutes.values() for m in spent]
    durations = []
    groups: list[tuple[str, list[int]]] = [
        *[(str(lv.label), minutes.get(lv.value, [])) for lv in Level],
        (_("All levels"), every),
    ]
    for label, spent in groups:
        median, p90 = _duration(spent)
        durations.append((label, primary(len(spent)).shown, median, p90))
    total = primary(len(every))
    without = primary(
        sum(n for (_level, o), n in by_level.items() if o == AlertOutcome.NO_VIOLENCE)
    )
    share = (
        f"{100 * int(without.value) / len(every):.0f} %"
        if not total.is_suppressed and not without.is_suppressed and every
        else (SMALL if every else "—")
    )
    key_figures = [
        (_("Alerts lifted"), total.shown),
        (_("Ended without violence"), without.shown),
        (_("Share ended without violence"), share),
        (_("Median time to lift (hours)"), _duration(every)[0]),
    ]
    return AlertFigures(year, key_figures, tables, durations)


def rows_for_export(figures: AlertFigures) -> list[list[str]]:
    rows: list[list[str]] = [[_("Key figures")]]
    rows += [[label, value] for label, value in figures.key_figures]
    for table in figures.tables:
        rows += [[], [table.caption], *table.csv_rows()]
    rows += [[], [_("Time to lift (hours)")]]
    rows += [[_("Level"), _("Alerts"), _("Median"), _("90th percentile")]]
    rows += [list(row) for row in figures.durations]
    return rows


# --- Indicator sources (strategy/sources.py) ---------------------------------------------------


def _between(territory: Territory, start: date, end: date) -> QuerySet[AlertFigure]:
    return AlertFigure.objects.filter(territory=territory, raised_on__range=(start, end))


def alerts_lifted(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_between(territory, start, end).count())


def alerts_without_violence(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(
        _between(territory, start, end).filter(outcome=AlertOutcome.NO_VIOLENCE).count()
    )


def share_without_violence(territory: Territory, start: date, end: date) -> Decimal:
    alerts = _between(territory, start, end)
    total = alerts.count()
    if total == 0 or is_small(total):
        raise SmallCount(total)
    without = alerts.filter(outcome=AlertOutcome.NO_VIOLENCE).count()
    return (Decimal(100 * without) / total).quantize(Decimal("0.1"))
