"""The figures of the tension alerts (observatory/tensions.py) and their CSV/XLSX export.

Anonymous (the alerts' figures name no one and hold no description): reading them is not
logged; exporting them is, with a reason, like every export of the platform."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.observatory.suppression import SMALL, WITHHELD
from tranquillite.observatory.tensions import figures_for, rows_for_export, years_of

RIGHT = "observatory.view_statistics"


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year raised"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(year, str(year)) for year in years]


class ExportForm(YearForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv"
    )
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the access log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()


def _years(request: HttpRequest) -> list[int]:
    return years_of(current_territory(request)) or [timezone.localdate().year]


def _page(
    request: HttpRequest, year: int, form: YearForm, export_form: ExportForm | None
) -> HttpResponse:
    return render(
        request,
        "observatory/tensions.html",
        {
            "form": form,
            "figures": figures_for(current_territory(request), year),
            "export_form": export_form or ExportForm(initial={"year": year}, years=_years(request)),
            "small": SMALL,
            "withheld": WITHHELD,
        },
        status=400 if export_form is not None else 200,
    )


@require_GET
@require_right(RIGHT)
def alert_figures(request: HttpRequest) -> HttpResponse:
    years = _years(request)
    year = years[0]
    form = YearForm(request.GET or None, years=years, initial={"year": year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    return _page(request, year, form, None)


@require_POST
@require_right(RIGHT)
def alert_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    years = _years(request)
    form = ExportForm(request.POST, years=years)
    if not form.is_valid():
        year = form.cleaned_data.get("year") or years[0]
        return _page(request, year, YearForm(initial={"year": year}, years=years), form)
    year, kind = form.cleaned_data["year"], form.cleaned_data["format"]
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    watermark = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]
    rows = [
        [watermark],
        [f"{territory.name} — {year}"],
        *rows_for_export(figures_for(territory, year)),
    ]
    name = f"observatoire-alertes-{territory.slug}-{year}"
    if kind == "xlsx":
        from openpyxl import Workbook  # type: ignore[import-untyped]

        book = Workbook()
        tab = book.active
        tab.title = str(year)
        for row in rows:
            tab.append([defuse_formula(value) for value in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    for row in rows:
        writer.writerow([defuse_formula(value) for value in row])
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
