from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tranquillite.audit.forms import ExportForm, LogFilterForm
from tranquillite.audit.models import AccessAction
from tranquillite.audit.selectors import (
    LogFilter,
    access_log_for,
    change_history,
    page_of,
    who_saw,
)
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_int, current_territory, query_value
from tranquillite.core.spreadsheets import defuse_formula

EXPORT_MAX_ROWS = 200_000


def _filter_from(form: LogFilterForm) -> LogFilter:
    if not form.is_valid():
        return LogFilter()
    data = form.cleaned_data
    return LogFilter(
        actor=data["actor"],
        action=data["action"],
        object_type=data["object_type"],
        object_id=data["object_id"],
        since=data["since"],
        until=data["until"],
    )


def _before(request: HttpRequest) -> int | None:
    return query_value(request, "avant", as_int(1), None)


def _log_page(
    request: HttpRequest, form: LogFilterForm, export_form: ExportForm, *, status: int = 200
) -> HttpResponse:
    territory = current_territory(request)
    entries, next_before = page_of(
        access_log_for(territory, _filter_from(form)), before_id=_before(request)
    )
    query = request.GET.copy()
    query.pop("avant", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "entries": entries,
            "next_before": next_before,
            "query": query.urlencode(),
            "export_form": export_form,
            "can_export": request.user.has_perm("audit.export_access_log", territory),
        },
        status=status,
    )


@require_right("audit.view_access_log")
def log(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    return _log_page(
        request, form, ExportForm(initial=form.cleaned_data if form.is_valid() else None)
    )


@require_right("audit.view_access_log")
def record_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Who saw this record: every access to it, newest first."""
    territory = current_territory(request)
    entries, next_before = page_of(
        who_saw(territory, object_type, object_id), before_id=_before(request), size=100
    )
    return render(
        request,
        "audit/record_history.html",
        {
            "object_type": object_type,
            "object_id": object_id,
            "entries": entries,
            "next_before": next_before,
            "changes": change_history(territory, object_type, object_id),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_POST
@require_right("audit.export_access_log")
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    territory = current_territory(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _log_page(request, LogFilterForm(), form, status=400)
    log_filter = _filter_from(form)
    # The export is itself traced, with its reason, before any row leaves.
    record_access(request, AccessAction.LOG_EXPORT, reason=form.cleaned_data["reason"])
    rows = access_log_for(territory, log_filter).values_list(
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "reason",
        "ip_address",
    )[:EXPORT_MAX_ROWS]
    writer = csv.writer(_Echo(), delimiter=";")
    stamp = f"Export {timezone.localtime():%Y-%m-%d %H:%M} — {request.user.email}"  # type: ignore[union-attr]

    def lines() -> Any:
        # Watermark: who exported, when (CNIL: exports carry who/when).
        yield writer.writerow([stamp])
        yield writer.writerow(
            ["date", "utilisateur", "action", "type", "identifiant", "libellé", "motif", "ip"]
        )
        for at, *rest in rows.iterator(chunk_size=5000):
            yield writer.writerow([timezone.localtime(at).isoformat(), *map(defuse_formula, rest)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="journal-acces-{territory.slug}-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response
