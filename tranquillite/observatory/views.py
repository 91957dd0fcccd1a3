"""The observatory's pages: the figures of the individual follow-ups, anonymous and with the
small-count rule applied (observatory/suppression.py), and their CSV export.

Nothing here is nominative: the figures come from the anonymous shadows only
(followups.CaseStatistic, community_service.PlacementStatistic). Reading them is not logged;
exporting them is, with a reason, like every export of the platform.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.followups.models import FollowUpKind
from tranquillite.observatory import community_service
from tranquillite.observatory.followups import FollowUpFigures, figures_for, years_of
from tranquillite.observatory.forms import ExportForm, FiguresForm, YearExportForm, YearForm
from tranquillite.observatory.suppression import SMALL, WITHHELD

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
