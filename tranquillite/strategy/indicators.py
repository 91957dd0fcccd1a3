"""Indicators of the action sheets and their measurements: reads and writes.

Rights (strategy/permissions.py): creating, changing or deleting an indicator is managing the
strategy (`can_manage_strategy`); entering a measurement is reporting on the sheet
(`can_report_on`: the managers, or a partner member whose organisation leads the sheet or is
its partner). A computed indicator (`source_key` set) takes its values from its source only:
one measurement per month, dated the **last day of the month**, holding that month's figure
(not a running total). The daily `compute_indicators` command computes the last complete
month; a manager recomputes an indicator's whole history on demand.

Writes go through `save()` and `delete()` one row at a time: django-auditlog keeps their
history (strategy/history.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Territory
from tranquillite.strategy import charts, sources
from tranquillite.strategy.models import (
    ActionSheet,
    Indicator,
    IndicatorDirection,
    Measurement,
    MeasurementOrigin,
)
from tranquillite.strategy.permissions import can_manage_strategy, can_report_on

logger = logging.getLogger(__name__)

# What a measurement may hold (Measurement.value: 14 digits, 2 decimals).
MAX_VALUE = Decimal("999999999999.99")
# How far back "recompute" goes when the indicator says nothing of its start.
DEFAULT_HISTORY_MONTHS = 12
MAX_HISTORY_MONTHS = 120


# --- Progress -------------------------------------------------------------------------------


def progress(
    baseline: Decimal | None,
    target: Decimal | None,
    value: Decimal | None,
    direction: str = IndicatorDirection.INCREASE,
) -> int | None:
    """How far `value` has come from `baseline` towards `target`, in whole percent (0–100).

    None when the baseline, the target or the value is missing, or when the target lies on the
    wrong side of the baseline for the direction (a "lower is better" indicator aiming higher:
    the indicator is inconsistent, no figure is better than a wrong one). A target equal to
    the baseline means "hold the line": 100 when the value is at least as good, else 0.
    """
    if baseline is None or target is None or value is None:
        return None
    sign = 1 if direction == IndicatorDirection.INCREASE else -1
    gap = (target - baseline) * sign
    if gap < 0:
        return None
    gained = (value - baseline) * sign
    if gap == 0:
        return 100 if gained >= 0 else 0
    percent = (gained * 100 / gap).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(min(Decimal(100), max(Decimal(0), percent)))


# --- Reads ----------------------------------------------------------------------------------


# The sheet page shows each indicator's latest values only (a compact chart and its table,
# two years of monthly values); the indicator's page shows them all.
SHEET_CHART_POINTS = 24
_VALUE_ROW = '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td></tr>'


def _measurements() -> Prefetch[Any]:
    return Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    measurements: list[Measurement]  # oldest first: all of them, or the latest on a sheet page
    latest: Measurement | None
    progress: int | None
    source: sources.IndicatorSource | None
    chart: SafeString
    count: int = 0  # every measurement of the indicator, shown or not

    @property
    def is_partial(self) -> bool:
        """Only the latest measurements are shown (the sheet page)."""
        return self.count > len(self.measurements)

    @property
    def value_rows(self) -> SafeString:
        """The rows (date, value) of the compact chart's data table, newest first: built in
        Python, each value formatted once (a template loop with filters costs ten times
        more, and its indentation doubles the page's size)."""
        return mark_safe(  # noqa: S308  (dates and numbers: digits and separators, escaped)
            "".join(
                _VALUE_ROW.format(
                    escape(charts.short_date(m.measured_on)), escape(charts.number(m.value))
                )
                for m in reversed(self.measurements)
            )
        )

    @property
    def is_computed(self) -> bool:
        return self.indicator.is_computed

    @property
    def baseline_display(self) -> str:
        return charts.number(self.indicator.baseline)

    @property
    def target_display(self) -> str:
        return charts.number(self.indicator.target)

    @property
    def latest_display(self) -> str:
        return charts.number(self.latest.value) if self.latest else ""

    @property
    def rows(self) -> list[tuple[Measurement, str]]:
        """(measurement, value as shown), newest first: the chart's data table."""
        return [(m, charts.number(m.value)) for m in reversed(self.measurements)]

    @property
    def source_missing(self) -> bool:
        """Computed from a source no module registers any more."""
        return self.indicator.is_computed and self.source is None


def summarise(
    indicator: Indicator,
    *,
    small: bool = False,
    measurements: list[Measurement] | None = None,
    count: int | None = None,
) -> IndicatorSummary:
    """The indicator with its measurements (oldest first: the prefetched ones unless given,
    e.g. only the latest, out of `count`), latest value, progress and chart."""
    if measurements is None:
        measurements = list(indicator.measurements.all())
    count = len(measurements) if count is None else count
    latest = measurements[-1] if measurements else None
    return IndicatorSummary(
        indicator=indicator,
        measurements=measurements,
        count=count,
        latest=latest,
        progress=progress(
            indicator.baseline,
            indicator.target,
            latest.value if latest else None,
            indicator.direction,
        ),
        source=sources.get(indicator.source_key) if indicator.source_key else None,
        chart=charts.line_chart(
            [(m.measured_on, m.value) for m in measurements],
            title=indicator.name,
            unit=indicator.unit,
            baseline=indicator.baseline,
            target=indicator.target,
            id_prefix=f"chart-{'s' if small else 'l'}-{indicator.public_id.hex}",
            small=small,
            total=count,
        ),
    )


def summaries_for_sheet(sheet: ActionSheet) -> list[IndicatorSummary]:
    """The sheet's indicators for its page, each with its latest `SHEET_CHART_POINTS`
    measurements and the count of all: two queries whatever their number (the latest per
    indicator are a window function's, the count a subquery's)."""
    count = (
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by()
        .values("indicator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = Measurement.objects.order_by("-measured_on", "-pk")[:SHEET_CHART_POINTS]
    indicators = (
        sheet.indicators.order_by("position", "name")
        .annotate(measurement_count=Coalesce(Subquery(count), 0))
        .prefetch_related(Prefetch("measurements", queryset=latest, to_attr="latest_measurements"))
    )
    return [
        summarise(
            indicator,
            small=True,
            measurements=indicator.latest_measurements[::-1],
            count=indicator.measurement_count,
        )
        for indicator in indicators
    ]


def indicator_for(user: Any, territory: Territory, public_id: Any) -> Indicator | None:
    return (
        Indicator.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("sheet__axis__strategy", "sheet__lead", "sheet__territory")
        .prefetch_related(_measurements())
        .first()
    )


# --- Writes ---------------------------------------------------------------------------------


def _require_manage(actor: Any, sheet: ActionSheet) -> None:
    if not can_manage_strategy(actor, sheet):
        raise PermissionDenied("strategy.manage_strategy")


def _require_report(actor: Any, sheet: ActionSheet) -> None:
    if not can_report_on(actor, sheet):
        raise PermissionDenied(_("You do not report on this action sheet."))


def computed_refusal(indicator: Indicator) -> ValidationError:
    source = sources.get(indicator.source_key)
    label = source.label if source else indicator.source_key
    return ValidationError(
        _(
            "This indicator is computed by the platform (%(source)s): its values cannot be "
            "entered by hand."
        )
        % {"source": label}
    )


def check_value(value: Decimal) -> None:
    if abs(value) > MAX_VALUE:
        raise ValidationError(_("This value is too large."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("A value has at most two decimals."))


def check_date(measured_on: date) -> None:
    if measured_on > timezone.localdate():
        raise ValidationError(_("A measurement cannot be dated in the future."))


@transaction.atomic
def save_indicator(*, actor: Any, sheet: ActionSheet, form: Any) -> Indicator:
    """Creates or changes an indicator of `sheet` from a valid IndicatorForm."""
    _require_manage(actor, sheet)
    indicator: Indicator = form.save(commit=False)
    if indicator.pk is not None and indicator.sheet_id != sheet.pk:
        raise PermissionDenied
    indicator.sheet = sheet
    indicator.territory = sheet.territory
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def delete_indicator(*, actor: Any, indicator: Indicator) -> None:
    _require_manage(actor, indicator.sheet)
    # One row at a time so that the change history keeps each measurement's deletion.
    for measurement in indicator.measurements.all():
        measurement.delete()
    indicator.delete()


@dataclass(frozen=True)
class Recorded:
    measurement: Measurement
    replaced: Decimal | None  # the value this date held before, if it had one


@transaction.atomic
def record_measurement(
    *,
    actor: Any,
    indicator: Indicator,
    measured_on: date,
    value: Decimal,
    note: str = "",
    origin: str = MeasurementOrigin.MANUAL,
) -> Recorded:
    """Adds the value of `indicator` on `measured_on`, or corrects it when that date already
    has one (one value per indicator and date)."""
    _require_report(actor, indicator.sheet)
    if indicator.is_computed:
        raise computed_refusal(indicator)
    check_date(measured_on)
    check_value(value)
    check_free_text(actor, indicator.territory, note)
    existing = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, measured_on=measured_on)
        .first()
    )
    replaced = existing.value if existing else None
    measurement = existing or Measurement(
        territory=indicator.territory, indicator=indicator, measured_on=measured_on
    )
    measurement.value = value
    measurement.note = note.strip()[:300]
    measurement.origin = origin
    measurement.recorded_by = actor
    measurement.save()
    return Recorded(measurement, replaced)


@transaction.atomic
def delete_measurement(*, actor: Any, indicator: Indicator, measured_on: date) -> Measurement:
    _require_report(actor, indicator.sheet)
    if indicator.is_computed:
        raise computed_refusal(indicator)
    measurement = Measurement.objects.filter(indicator=indicator, measured_on=measured_on).first()
    if measurement is None:
        raise ValidationError(_("There is no measurement on this date."))
    measurement.delete()
    return measurement


# --- Computed indicators --------------------------------------------------------------------


class SourceUnavailable(Exception):
    """The indicator names a source that no module registers (any more)."""


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def last_complete_month(today: date) -> tuple[int, int]:
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.year, previous.month


def months_from(start: date, until: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from `start`'s month to `until`, both included."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= until:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def history_months(indicator: Indicator, today: date) -> list[tuple[int, int]]:
    """The months "recompute" covers: from the strategy's start (or the day after the
    baseline, or a year back), to the last complete month; ten years at most."""
    strategy = indicator.sheet.axis.strategy
    if strategy.starts_on:
        start = strategy.starts_on
    elif indicator.baseline_on:
        start = indicator.baseline_on + timedelta(days=1)
    else:
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        for _month in range(DEFAULT_HISTORY_MONTHS - 1):
            start = (start - timedelta(days=1)).replace(day=1)
    months = months_from(start, last_complete_month(today))
    return months[-MAX_HISTORY_MONTHS:]


@dataclass
class Computed:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Months the source withheld (sources.Withheld): no value, none kept from before.
    withheld: int = 0
    months: list[tuple[int, int]] = field(default_factory=list)


def compute_month(indicator: Indicator, year: int, month: int, outcome: Computed) -> None:
    """Writes the month's value of a computed indicator, dated the month's last day; writes
    nothing when it has not changed (the history only records real changes)."""
    source = sources.get(indicator.source_key)
    if source is None:
        raise SourceUnavailable(indicator.source_key)
    start, end = month_bounds(year, month)
    try:
        figure = source.value(indicator.sheet, start, end)
    except sources.Withheld:
        outcome.months.append((year, month))
        outcome.withheld += 1
        Measurement.objects.filter(
            indicator=indicator, measured_on=end, origin=MeasurementOrigin.COMPUTED
        ).delete()
        return
    value = figure.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    check_value(value)
    existing = Measurement.objects.filter(indicator=indicator, measured_on=end).first()
    outcome.months.append((year, month))
    if existing is None:
        Measurement.objects.create(
            territory=indicator.territory,
            indicator=indicator,
            measured_on=end,
            value=value,
            origin=MeasurementOrigin.COMPUTED,
        )
        outcome.added += 1
    elif existing.value != value or existing.origin != MeasurementOrigin.COMPUTED:
        existing.value = value
        existing.origin = MeasurementOrigin.COMPUTED
        existing.note = ""
        existing.recorded_by = None
        existing.save()
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def compute_months(indicator: Indicator, months: Iterable[tuple[int, int]]) -> Computed:
    """All of `months` or nothing: a source that fails leaves the indicator as it was."""
    outcome = Computed()
    with transaction.atomic():
        for year, month in months:
            compute_month(indicator, year, month, outcome)
    return outcome


def recompute(*, actor: Any, indicator: Indicator, today: date | None = None) -> Computed:
    """A manager's "recompute now": the indicator's whole history, from its source."""
    _require_manage(actor, indicator.sheet)
    if not indicator.is_computed:
        raise ValidationError(_("This indicator is not computed by the platform."))
    if sources.get(indicator.source_key) is None:
        raise ValidationError(
            _("The source of this indicator is not available: choose another one.")
        )
    months = history_months(indicator, today or timezone.localdate())
    try:
        return compute_months(indicator, months)
    except ValidationError:
        raise
    except Exception as error:  # a source's bug must not become a server error page
        logger.exception("Indicator source %s failed for %s", indicator.source_key, indicator.pk)
        raise ValidationError(
            _("The computation failed: nothing was changed. The error is in the server log.")
        ) from error
