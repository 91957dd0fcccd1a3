"""The outgoing-mail register (registre du courrier départ): one page per year, and its CSV
export. The register names no one (a role and a case number), so reading it is not a read of
nominative data; its export is still logged with a reason, like every export."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_int, current_territory, query_value
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.letters.forms import RegisterExportForm
from tranquillite.letters.selectors import register_of, register_years

PAGE_SIZE = 100


def _year_of(request: HttpRequest, years: list[int]) -> int:
    default = years[0] if years else timezone.localdate().year
    year = query_value(request, "annee", as_int(1900, 9999), default)
    return year if year in years else default


def _register_page(
    request: HttpRequest, *, year: int | None = None, export_form: RegisterExportForm | None = None
) -> HttpResponse:
    territory = current_territory(request)
    years = register_years(request.user, territory)
    year = year if year is not None else _year_of(request, years)
    page = Paginator(register_of(request.user, territory, year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "letters/register.html",
        {
            "years": years,
            "year": year,
            "page_query": f"annee={year}",
            "page": page,
            "export_form": export_form or RegisterExportForm(initial={"year": year}),
        },
        status=400 if export_form is not None else 200,
    )


@require_right("letters.view_mail_register")
def register(request: HttpRequest) -> HttpResponse:
    return _register_page(request)


@require_POST
@require_right("letters.view_mail_register")
def register_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = RegisterExportForm(request.POST)
    if not form.is_valid():
        year = form.cleaned_data.get("year")
        return _register_page(request, year=year, export_form=form)
    year = form.cleaned_data["year"]
    # The export is traced, with its reason, before any row leaves.
    record_access(request, AccessAction.EXPORT, reason=form.cleaned_data["reason"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    # Watermark: who exported, when (CNIL: exports carry who/when).
    writer.writerow(
        [f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"]  # type: ignore[union-attr]
    )
    writer.writerow(["numéro", "date", "objet", "référence", "destinataire"])
    for mail in register_of(request.user, territory, year).iterator():
        writer.writerow(
            [
                mail.number,
                mail.sent_on.isoformat(),
                *map(defuse_formula, (mail.subject, mail.reference, mail.addressee)),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="courrier-depart-{territory.slug}-{year}.csv"'
    )
    return response
