"""The figures of the technical issues for the committees: issues raised, fixed, refused, open
past their deadline, and the median and 90th percentile of the time to acknowledge and to
fix, per organisation, category and neighbourhood, for the issues raised in a year; the page,
its CSV and XLSX exports. The raw figures come from `technical_issues.figures`; the small-count
rule (suppression.py) is applied here, before anything is shown or exported: counts of 1–4
read "< 5" (with secondary suppression), and a time computed over fewer than 5 issues is not
published."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.models import Territory
from tranquillite.core.spreadsheets import defuse_formula, fill_table
from tranquillite.observatory.suppression import SMALL, THRESHOLD, WITHHELD, Cell, protect_columns
from tranquillite.technical_issues.figures import DIMENSIONS, Group, groups_by, percentile
from tranquillite.technical_issues.models import TechnicalIssue

RIGHT = "technical_issues.oversee_issues"
DIMENSION_LABELS = {
    "organisation": gettext_lazy("By organisation"),
    "category": gettext_lazy("By category"),
    "neighbourhood": gettext_lazy("By neighbourhood"),
}


@dataclass
class Row:
    label: str
    counts: list[Cell]
    times: list[str]  # median / p90 to acknowledge, median / p90 to fix (days)


@dataclass
class Table:
    dimension: str
    caption: str
    rows: list[Row]
    totals: list[Cell]


def _days(hours: float | None, sample: int) -> str:
    if sample < THRESHOLD:
        return SMALL if sample else "—"
    if hours is None:
        return "—"
    return f"{hours / 24:.1f}".replace(".", ",")


def _times(group: Group) -> list[str]:
    return [
        _days(percentile(group.to_acknowledge, 0.5), len(group.to_acknowledge)),
        _days(percentile(group.to_acknowledge, 0.9), len(group.to_acknowledge)),
        _days(percentile(group.to_fix, 0.5), len(group.to_fix)),
        _days(percentile(group.to_fix, 0.9), len(group.to_fix)),
    ]


def tables(territory: Territory, year: int) -> list[Table]:
    start = timezone.make_aware(datetime.combine(datetime(year, 1, 1).date(), time(0)))
    end = timezone.make_aware(datetime.combine(datetime(year + 1, 1, 1).date(), time(0)))
    found = groups_by(territory, start, end)
    out = []
    for dimension in DIMENSIONS:
        counts = [[g.raised, g.fixed, g.refused, g.open_late] for g in found[dimension]]
        protected, totals = protect_columns(counts) if counts else ([], [])
        rows = [
            Row(group.label, cells, _times(group))
            for group, cells in zip(found[dimension], protected, strict=True)
        ]
        out.append(Table(dimension, str(DIMENSION_LABELS[dimension]), rows, totals))
    return out


def headers() -> list[str]:
    return [
        _("Raised"),
        _("Fixed"),
        _("Refused"),
        _("Open past deadline"),
        _("Median days to acknowledge"),
        _("90th percentile, days to acknowledge"),
        _("Median days to fix"),
        _("90th percentile, days to fix"),
    ]


def years_of(territory: Territory) -> list[int]:
    dates = TechnicalIssue.objects.filter(territory=territory).dates("created_at", "year")
    found = sorted({d.year for d in dates}, reverse=True)
    return found or [timezone.localdate().year]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year raised"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(year, str(year)) for year in years]


class ExportForm(YearForm):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the export"),
        max_length=500,
        help_text=gettext_lazy("Required: the export itself is written to the access log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()


def _page(
    request: HttpRequest, year: int, form: YearForm, export_form: ExportForm | None = None
) -> HttpResponse:
    territory = current_territory(request)
    years = years_of(territory)
    return render(
        request,
        "observatory/technical_issues.html",
        {
            "form": form,
            "year": year,
            "tables": tables(territory, year),
            "headers": headers(),
            "export_form": export_form or ExportForm(initial={"year": year}, years=years),
            "small": SMALL,
            "withheld": WITHHELD,
        },
        status=400 if export_form is not None else 200,
    )


@require_right(RIGHT)
def figures_page(request: HttpRequest) -> HttpResponse:
    years = years_of(current_territory(request))
    year = years[0]
    form = YearForm(request.GET or None, years=years, initial={"year": year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    return _page(request, year, form)


def _rows(found: list[Table]) -> list[list[str]]:
    out: list[list[str]] = []
    for each in found:
        out.append([each.caption])
        out.append(["", *headers()])
        for row in each.rows:
            out.append([row.label, *[c.shown for c in row.counts], *row.times])
        out.append([_("Total"), *[c.shown for c in each.totals]])
        out.append([])
    return out


@require_POST
@require_right(RIGHT)
def figures_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    years = years_of(territory)
    form = ExportForm(request.POST, years=years)
    if not form.is_valid():
        year = form.cleaned_data.get("year") or years[0]
        return _page(request, year, YearForm(initial={"year": year}, years=years), form)
    year, kind = form.cleaned_data["year"], form.cleaned_data["format"]
    # The export is traced, with its reason, before any figure leaves.
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    found = tables(territory, year)
    watermark = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]
    note = _(
        "Counts of 1 to 4 read “< 5”; “×” is withheld so that no small count can be "
        "recomputed from a total; a time over fewer than 5 issues is not published."
    )
    name = f"observatoire-signalements-{territory.slug}-{year}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([watermark])
        writer.writerow([note])
        writer.writerow([])
        for row in _rows(found):
            writer.writerow([defuse_formula(value) for value in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    tab = workbook.active
    assert tab is not None
    tab.title = _("Technical issues")
    for each in found:
        sheet = workbook.create_sheet(str(each.caption)[:31])
        fill_table(
            sheet,
            ["", *headers()],
            [
                [defuse_formula(row.label), *[c.shown for c in row.counts], *row.times]
                for row in each.rows
            ]
            + [[_("Total"), *[c.shown for c in each.totals]]],
            {},
            wide={1: 40},
        )
    tab.append([watermark])
    tab.append([note])
    binary = io.BytesIO()
    workbook.save(binary)
    response = HttpResponse(
        binary.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
