"""The committee pack (one PDF for a committee meeting) and the spreadsheet export of a strategy.

Both are internal documents (right `strategy.export_strategy`): the pack carries the last
evaluation's comment, the export every budget line. Neither holds a person's name, except the
stamp of who printed or exported it (CNIL: exports and prints carry who and when).

The pack is read with a fixed number of queries whatever the number of sheets due (bulk
reads: every sheet's status, the sheets due with their axis and lead, their partners, their
indicators with the latest measurement, their evaluations, the year's budget lines, the year's
activity figures): a 45-sheet contract costs what a 3-sheet one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any, cast

from django.conf import settings
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tranquillite.core.spreadsheets import defuse_formula, fill_table
from tranquillite.strategy.budget import YearBudget, budget_by_year
from tranquillite.strategy.evaluations import due_condition
from tranquillite.strategy.indicators import progress
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    ActivityStatus,
    BudgetLine,
    Evaluation,
    Indicator,
    Measurement,
    SheetPartner,
    SheetStatus,
    Strategy,
)
from tranquillite.strategy.rollup import Rollup, rollup

# --- Which sheets a committee reviews ------------------------------------------------------


def sheets_due(strategy: Strategy, by: date) -> QuerySet[ActionSheet]:
    """The sheets of `strategy` a committee meeting on `by` reviews, by the evaluations' rule
    (`evaluations.due_condition`: the review date has come, or an open sheet was never
    evaluated), so that the pack lists what the meeting's evaluation page lists."""
    return ActionSheet.objects.filter(
        territory_id=strategy.territory_id, axis__strategy=strategy
    ).filter(due_condition(by))


def sheet_order(number: str) -> tuple[Any, ...]:
    """ "1.2" before "1.10": numbers compared part by part, as a reader expects."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[.\s-]+", number)
    )


# --- Indicators ----------------------------------------------------------------------------


def indicators_with_latest() -> QuerySet[Indicator]:
    """Indicators annotated with their latest measurement (`latest_value`, `latest_on`): one
    query for any number of indicators (the unique (indicator, date) index serves it)."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on")
    return Indicator.objects.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    ).order_by("position", "name")


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    latest_value: Decimal | None
    latest_on: date | None
    progress: int | None


def indicator_rows(indicators: Iterable[Indicator]) -> list[IndicatorRow]:
    rows = []
    for indicator in indicators:
        latest_value = getattr(indicator, "latest_value", None)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                latest_value=latest_value,
                latest_on=getattr(indicator, "latest_on", None),
                progress=progress(
                    indicator.baseline, indicator.target, latest_value, indicator.direction
                ),
            )
        )
    return rows


# --- Activities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFigures:
    """A year's activities of a sheet: planned (dated in the year, whatever became of them),
    held, cancelled. A request not yet planned is not counted."""

    planned: int = 0
    held: int = 0
    cancelled: int = 0


def activity_figures(sheet_ids: Iterable[int], year: int) -> dict[int, ActivityFigures]:
    """One grouped query for every sheet."""
    day = Coalesce(F("held_on"), F("planned_on"))
    rows = (
        Activity.objects.filter(sheet_id__in=list(sheet_ids))
        .annotate(day=day)
        .filter(day__year=year)
        .exclude(status=ActivityStatus.REQUESTED)
        .values("sheet_id")
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(status=ActivityStatus.HELD)),
            cancelled=Count("pk", filter=Q(status=ActivityStatus.CANCELLED)),
        )
        .order_by()
    )
    return {
        row["sheet_id"]: ActivityFigures(row["planned"], row["held"], row["cancelled"])
        for row in rows
    }


# --- The committee pack --------------------------------------------------------------------


@dataclass(frozen=True)
class PackSheet:
    sheet: ActionSheet
    partners: list[SheetPartner]
    indicators: list[IndicatorRow]
    last_evaluation: Evaluation | None
    activities: ActivityFigures
    budget_lines: list[BudgetLine]
    budget: YearBudget | None


@dataclass(frozen=True)
class CommitteePack:
    strategy: Strategy
    meeting: Any  # governance.Meeting or None
    due_by: date
    year: int
    rollup: Rollup
    statuses: list[tuple[str, int]]
    sheets: list[PackSheet]


def committee_pack(strategy: Strategy, *, due_by: date, meeting: Any = None) -> CommitteePack:
    """Everything the pack shows, in 7 queries whatever the number of sheets."""
    year = due_by.year
    every_sheet = list(
        ActionSheet.objects.filter(territory_id=strategy.territory_id, axis__strategy=strategy)
        .values_list("status", "progress")
        .order_by()
    )
    summary = rollup(every_sheet)
    due = list(
        sheets_due(strategy, due_by)
        .select_related("axis", "lead")
        .prefetch_related(
            Prefetch(
                "partner_links",
                queryset=SheetPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch("indicators", queryset=indicators_with_latest()),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("meeting__body").order_by(
                    "-evaluated_on", "-recorded_at"
                ),
            ),
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.filter(year=year).order_by("funder"),
                to_attr="year_lines",
            ),
        )
    )
    due.sort(key=lambda sheet: (sheet.axis.number, sheet_order(sheet.number)))
    figures = activity_figures((sheet.pk for sheet in due), year)
    sheets = []
    for sheet in due:
        lines = cast("list[BudgetLine]", sheet.year_lines)
        budget = budget_by_year(lines)
        evaluations = list(sheet.evaluations.all())
        sheets.append(
            PackSheet(
                sheet=sheet,
                partners=list(sheet.partner_links.all()),
                indicators=indicator_rows(sheet.indicators.all()),
                last_evaluation=evaluations[0] if evaluations else None,
                activities=figures.get(sheet.pk, ActivityFigures()),
                budget_lines=lines,
                budget=budget[0] if budget else None,
            )
        )
    statuses = [
        (str(label), summary.by_status[value])
        for value, label in SheetStatus.choices
        if summary.by_status.get(value)
    ]
    return CommitteePack(
        strategy=strategy,
        meeting=meeting,
        due_by=due_by,
        year=year,
        rollup=summary,
        statuses=statuses,
        sheets=sheets,
    )


def committee_pack_pdf(pack: CommitteePack, *, printed_by: Any) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "strategy/pdf/committee_pack.html",
        {
            "pack": pack,
            "territory": pack.strategy.territory,
            "printed_by": printed_by,
            "printed_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


# --- The spreadsheet export ----------------------------------------------------------------

DATE_FORMAT = "DD/MM/YYYY"
AMOUNT_FORMAT = "#,##0.00"


def _text(value: Any) -> str:
    return defuse_formula(value)


def strategy_workbook(strategy: Strategy, *, exported_by: Any) -> bytes:
    """The strategy as an .xlsx workbook: sheets "Fiches", "Indicateurs", "Mesures", and a
    last one saying who exported it and when. Dates and numbers are real cells; every text
    cell is defused (a title typed as "=HYPERLINK(...)" stays text)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    sheets = list(
        ActionSheet.objects.filter(territory_id=strategy.territory_id, axis__strategy=strategy)
        .select_related("axis", "lead")
        .prefetch_related(
            Prefetch(
                "partner_links",
                queryset=SheetPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            "neighbourhoods",
        )
    )
    sheets.sort(key=lambda sheet: (sheet.axis.number, sheet_order(sheet.number)))
    totals: dict[tuple[int, int], Decimal] = {
        (row["sheet_id"], row["year"]): row["total"]
        for row in BudgetLine.objects.filter(sheet__in=[s.pk for s in sheets])
        .values("sheet_id", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    years = sorted({year for _sheet, year in totals})
    indicators = list(
        indicators_with_latest()
        .filter(sheet__in=[s.pk for s in sheets])
        .select_related("sheet")
        .order_by("sheet_id", "position", "name")
    )
    order = {sheet.pk: index for index, sheet in enumerate(sheets)}
    indicators.sort(key=lambda i: order[i.sheet_id])
    measurements = list(
        Measurement.objects.filter(indicator__in=[i.pk for i in indicators])
        .select_related("indicator__sheet")
        .order_by("indicator_id", "measured_on")
    )
    indicator_order = {indicator.pk: index for index, indicator in enumerate(indicators)}
    measurements.sort(key=lambda m: (indicator_order[m.indicator_id], m.measured_on))

    workbook = Workbook()
    tab = workbook.active
    assert tab is not None
    tab.title = pgettext("workbook tab", "Sheets")
    header = [
        _("Number"),
        _("Area"),
        _("Title"),
        _("Lead"),
        _("Partners (role)"),
        _("Neighbourhoods"),
        _("Status"),
        _("Progress (%)"),
        _("Next review"),
        _("Target public"),
        _("Objectives"),
        *[_("Budget %(year)s (€)") % {"year": year} for year in years],
    ]
    rows: list[list[Any]] = []
    for sheet in sheets:
        partners = "; ".join(
            f"{link.organisation.name} ({link.role})" if link.role else link.organisation.name
            for link in sheet.partner_links.all()
        )
        rows.append(
            [
                _text(sheet.number),
                _text(sheet.axis),
                _text(sheet.title),
                _text(sheet.lead.name),
                _text(partners),
                _text(", ".join(n.name for n in sheet.neighbourhoods.all())),
                _text(sheet.get_status_display()),
                sheet.progress,
                sheet.next_review_on,
                _text(sheet.target_public),
                _text(sheet.objectives),
                *[totals.get((sheet.pk, year)) for year in years],
            ]
        )
    formats = {9: DATE_FORMAT, **{12 + n: AMOUNT_FORMAT for n in range(len(years))}}
    fill_table(tab, header, rows, formats, wide={3: 50, 5: 45, 11: 60})

    tab = workbook.create_sheet(pgettext("workbook tab", "Indicators"))
    header = [
        _("Sheet"),
        _("Indicator"),
        _("Kind"),
        _("Unit"),
        _("Direction"),
        _("Baseline"),
        _("Baseline date"),
        _("Target"),
        _("Target date"),
        _("Latest value"),
        _("Latest value date"),
        _("Progress towards target (%)"),
        _("Source"),
        _("Public"),
    ]
    rows = []
    for row in indicator_rows(indicators):
        indicator = row.indicator
        rows.append(
            [
                _text(indicator.sheet.number),
                _text(indicator.name),
                _text(indicator.get_kind_display()),
                _text(indicator.unit),
                _text(indicator.get_direction_display()),
                indicator.baseline,
                indicator.baseline_on,
                indicator.target,
                indicator.target_on,
                row.latest_value,
                row.latest_on,
                row.progress,
                _text(indicator.source_key or _("Entered or imported")),
                _("yes") if indicator.is_public else _("no"),
            ]
        )
    fill_table(tab, header, rows, {7: DATE_FORMAT, 9: DATE_FORMAT, 11: DATE_FORMAT}, wide={2: 45})

    tab = workbook.create_sheet(pgettext("workbook tab", "Measurements"))
    header = [_("Sheet"), _("Indicator"), _("Date"), _("Value"), _("Origin")]
    rows = [
        [
            _text(m.indicator.sheet.number),
            _text(m.indicator.name),
            m.measured_on,
            m.value,
            _text(m.get_origin_display()),
        ]
        for m in measurements
    ]
    fill_table(tab, header, rows, {3: DATE_FORMAT}, wide={2: 45})

    about = workbook.create_sheet(pgettext("workbook tab", "About"))
    exported_at = timezone.localtime()
    for label, value in [
        (_("Strategy"), _text(strategy.title)),
        (_("Territory"), _text(strategy.territory.council_name)),
        (_("Exported by"), _text(exported_by.get_full_name() or exported_by.email)),
        (_("Exported on"), exported_at.replace(tzinfo=None)),
    ]:
        about.append([label, value])
    about["B4"].number_format = "DD/MM/YYYY HH:MM"
    for cell in about["A"]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 50

    workbook.properties.creator = "Tranquillité"
    workbook.properties.title = strategy.title
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
