"""The observatory's pages: the figures of the individual follow-ups, anonymous and with the
small-count rule applied (observatory/suppression.py), and their CSV export.

Nothing here is nominative: the figures come from the anonymous shadows only
(followups.CaseStatistic). Reading them is not logged; exporting them is, with a reason, like
every export of the platform.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.spreadsheets import defuse_formula, fill_table
from tranquillite.field.models import TeamKind
from tranquillite.followups.models import FollowUpKind
from tranquillite.observatory import community_service, field
from tranquillite.observatory.followups import FollowUpFigures, figures_for, years_of
from tranquillite.observatory.forms import (
    ExportForm,
    FieldExportForm,
    FieldFiguresForm,
    FiguresForm,
    YearExportForm,
    YearForm,
)
from tranquillite.observatory.suppression import SMALL, WITHHELD, Cell

RIGHT = "observatory.view_statistics"


def _years(request: HttpRequest) -> list[int]:
    return years_of(current_territory(request)) or [timezone.localdate().year]


def _page(
    request: HttpRequest,
    kind: str,
    year: int,
    *,
    form: FiguresForm,
    export_form: ExportForm | None = None,
) -> HttpResponse:
    years = _years(request)
    figures = figures_for(current_territory(request), kind, year)
    return render(
        request,
        "observatory/followups.html",
        {
            "form": form,
            "figures": figures,
            "kind_label": FollowUpKind(kind).label,
            "export_form": export_form
            or ExportForm(initial={"kind": kind, "year": year}, years=years),
            "small": SMALL,
            "withheld": WITHHELD,
        },
        status=400 if export_form is not None else 200,
    )


@require_right(RIGHT)
def follow_up_figures(request: HttpRequest) -> HttpResponse:
    years = _years(request)
    kind, year = FollowUpKind.LAW_REMINDER.value, years[0]
    form = FiguresForm(request.GET or None, years=years, initial={"kind": kind, "year": year})
    if form.is_bound and form.is_valid():
        kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    return _page(request, kind, year, form=form)


def _csv(figures: FollowUpFigures, kind_label: str, watermark: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    # Watermark: who exported, when (CNIL: exports carry who/when).
    writer.writerow([watermark])
    writer.writerow([f"{kind_label} — {figures.year}"])
    writer.writerow(
        [
            _(
                "Counts of 1 to 4 read “< 5”; “×” is withheld so that no small count can be "
                "recomputed from a total."
            )
        ]
    )
    writer.writerow([])
    writer.writerow([_("Key figures")])
    for label, cell in figures.key_figures:
        writer.writerow([defuse_formula(label), cell.shown])
    for table in figures.tables:
        writer.writerow([])
        writer.writerow([defuse_formula(table.caption)])
        for row in table.csv_rows():
            writer.writerow([defuse_formula(value) for value in row])
    return buffer.getvalue()


@require_POST
@require_right(RIGHT)
def follow_up_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    years = _years(request)
    form = ExportForm(request.POST, years=years)
    if not form.is_valid():
        kind = form.cleaned_data.get("kind") or FollowUpKind.LAW_REMINDER.value
        year = form.cleaned_data.get("year") or years[0]
        return _page(
            request,
            kind,
            year,
            form=FiguresForm(initial={"kind": kind, "year": year}, years=years),
            export_form=form,
        )
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    # The export is traced, with its reason, before any figure leaves.
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    figures = figures_for(territory, kind, year)
    watermark = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]
    response = HttpResponse(
        _csv(figures, str(FollowUpKind(kind).label), watermark),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="observatoire-suivis-{territory.slug}-{kind}-{year}.csv"'
    )
    return response


# --- Field presence (observatory/field.py) -----------------------------------------------


def _field_page(
    request: HttpRequest,
    month: date,
    span: str,
    kind: str,
    *,
    form: FieldFiguresForm,
    export_form: FieldExportForm | None = None,
) -> HttpResponse:
    figures = field.figures_for(current_territory(request), month, span, kind)
    initial = {"mois": month, "periode": span, "equipes": kind, "format": "csv"}
    return render(
        request,
        "observatory/field.html",
        {
            "form": form,
            "figures": figures,
            "kind_label": dict(TeamKind.choices).get(kind, _("All teams")),
            "export_form": export_form or FieldExportForm(initial=initial, kinds=TeamKind.choices),
            "small": SMALL,
            "withheld": WITHHELD,
        },
        status=400 if export_form is not None else 200,
    )


def _field_choice(cleaned: dict[str, Any]) -> tuple[date, str, str]:
    month = cleaned.get("mois") or timezone.localdate().replace(day=1)
    return month.replace(day=1), cleaned.get("periode") or "month", cleaned.get("equipes") or ""


@require_GET
@require_right(RIGHT)
def field_figures(request: HttpRequest) -> HttpResponse:
    default = timezone.localdate().replace(day=1)
    initial = {"mois": default, "periode": "month", "equipes": ""}
    form = FieldFiguresForm(request.GET or None, initial=initial, kinds=TeamKind.choices)
    month, span, kind = default, "month", ""
    if form.is_bound and form.is_valid():
        month, span, kind = _field_choice(form.cleaned_data)
    return _field_page(request, month, span, kind, form=form)


def _field_csv(figures: field.FieldFigures, title: str, watermark: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([watermark])
    writer.writerow([defuse_formula(title)])
    writer.writerow(
        [
            _(
                "Counts of 1 to 4 read “< 5”; “×” is withheld so that no small count can be "
                "recomputed from a total."
            )
        ]
    )
    writer.writerow([])
    writer.writerow([_("Key figures"), figures.current.label, figures.previous.label])
    for label, now, before in figures.key_figures:
        writer.writerow([defuse_formula(label), now.shown, before.shown])
    for table in figures.tables:
        writer.writerow([])
        writer.writerow([defuse_formula(table.caption)])
        for row in table.csv_rows():
            writer.writerow([defuse_formula(value) for value in row])
    return buffer.getvalue()


def _shown(cell: Cell) -> int | str:
    """A published count as a number (the spreadsheet sums it), a withheld one as its mark."""
    return cell.shown if cell.is_suppressed else cell.value


def _field_xlsx(figures: field.FieldFigures, title: str, watermark: str) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    about = workbook.active
    about.title = _("About")[:31]
    for line in (
        title,
        watermark,
        _(
            "Counts of 1 to 4 read “< 5”; “×” is withheld so that no small count can be "
            "recomputed from a total."
        ),
    ):
        about.append([defuse_formula(line)])
    key = workbook.create_sheet(_("Key figures")[:31])
    fill_table(
        key,
        [_("Figure"), figures.current.label, figures.previous.label],
        [
            [defuse_formula(label), _shown(now), _shown(before)]
            for label, now, before in figures.key_figures
        ],
        {},
        wide={1: 34},
    )
    for table in figures.tables:
        tab = workbook.create_sheet(defuse_formula(table.caption)[:31].replace("/", "-"))
        rows = [
            [defuse_formula(row.label), *[_shown(cell) for cell in row.cells]]
            for row in [*table.rows, *([table.total] if table.total else [])]
        ]
        fill_table(
            tab,
            [table.dimension, *[label for _key, label in table.figures]],
            rows,
            {},
            wide={1: 28},
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@require_POST
@require_right(RIGHT)
def field_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = FieldExportForm(request.POST, kinds=TeamKind.choices)
    if not form.is_valid():
        month, span, kind = _field_choice(form.cleaned_data)
        initial = {"mois": month, "periode": span, "equipes": kind}
        return _field_page(
            request,
            month,
            span,
            kind,
            form=FieldFiguresForm(initial=initial, kinds=TeamKind.choices),
            export_form=form,
        )
    month, span, kind = _field_choice(form.cleaned_data)
    # The export is traced, with its reason, before any figure leaves.
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    figures = field.figures_for(territory, month, span, kind)
    kind_label = dict(TeamKind.choices).get(kind, _("All teams"))
    title = f"{_('Field figures')} — {kind_label} — {figures.current.label}"
    watermark = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]
    name = f"observatoire-terrain-{territory.slug}-{figures.current.start:%Y-%m}-{span}"
    if form.cleaned_data["format"] == "xlsx":
        response = HttpResponse(
            _field_xlsx(figures, title, watermark),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(
        _field_csv(figures, title, watermark), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- Community service (TIG) ---------------------------------------------------------------


def _tig_years(request: HttpRequest) -> list[int]:
    return community_service.statistic_years(current_territory(request)) or [
        timezone.localdate().year
    ]


def _tig_page(
    request: HttpRequest,
    year: int,
    *,
    form: YearForm,
    export_form: YearExportForm | None = None,
) -> HttpResponse:
    figures = community_service.figures_for(current_territory(request), year)
    return render(
        request,
        "observatory/community_service.html",
        {
            "form": form,
            "figures": figures,
            "export_form": export_form
            or YearExportForm(initial={"year": year}, years=_tig_years(request)),
            "small": SMALL,
            "withheld": WITHHELD,
        },
        status=400 if export_form is not None else 200,
    )


@require_right(RIGHT)
def community_service_figures(request: HttpRequest) -> HttpResponse:
    """Community service without names: posts offered and filled, placements, hours,
    completion rate and time to complete — from the anonymous shadows only."""
    years = _tig_years(request)
    year = years[0]
    form = YearForm(request.GET or None, years=years, initial={"year": year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    return _tig_page(request, year, form=form)


def _tig_csv(figures: community_service.CommunityServiceFigures, watermark: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([watermark])
    writer.writerow([f"{_('Community service (TIG)')} — {figures.year}"])
    writer.writerow(
        [
            _(
                "Counts of 1 to 4 read “< 5”; “×” is withheld so that no small count can be "
                "recomputed from a total."
            )
        ]
    )
    writer.writerow([])
    writer.writerow([_("Key figures")])
    for label, cell in figures.key_figures:
        writer.writerow([defuse_formula(label), cell.shown])
    for table in figures.tables:
        writer.writerow([])
        writer.writerow([defuse_formula(table.caption)])
        for row in table.csv_rows():
            writer.writerow([defuse_formula(value) for value in row])
    writer.writerow([])
    writer.writerow([_("Hours done by year")])
    for year, hours in figures.hours_by_year:
        writer.writerow([year, hours.shown])
    return buffer.getvalue()


@require_POST
@require_right(RIGHT)
def community_service_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    years = _tig_years(request)
    form = YearExportForm(request.POST, years=years)
    if not form.is_valid():
        year = form.cleaned_data.get("year") or years[0]
        return _tig_page(
            request,
            year,
            form=YearForm(initial={"year": year}, years=years),
            export_form=form,
        )
    year = form.cleaned_data["year"]
    # The export is traced, with its reason, before any figure leaves.
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    figures = community_service.figures_for(territory, year)
    watermark = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]
    response = HttpResponse(_tig_csv(figures, watermark), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="observatoire-tig-{territory.slug}-{year}.csv"'
    )
    return response
