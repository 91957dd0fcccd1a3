"""The historical import's pages (`field.oversee_field`; anyone else gets a 404): send the
spreadsheet, confirm its columns, read the check's errors and preview, import, follow a large
file's progress. Thin: forms in, field/imports.py for the work, field/tasks.py to run it in
the background."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tranquillite.accounts.middleware import HTMX_STOP_POLLING
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.imports import FileRejected
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.field import imports, selectors, tasks
from tranquillite.field.forms import ImportMappingForm, ImportUploadForm
from tranquillite.field.models import ImportBatch, ImportStatus

RIGHT = "field.oversee_field"


@require_right(RIGHT, hide=True)
def import_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.receive(
                actor=request.user, territory=territory, upload=form.cleaned_data["file"]
            )
        except FileRejected as error:
            form.add_error("file", error)
        else:
            return redirect("field:import", batch.public_id)
    return render(
        request,
        "field/imports.html",
        {"form": form, "batches": selectors.import_batches(request.user, territory)[:20]},
        status=400 if form.errors else 200,
    )


@require_GET
@require_right(RIGHT, hide=True)
def import_template(request: HttpRequest) -> HttpResponse:
    """A spreadsheet with the columns the import recognises at once: empty, or (`?exemple=1`)
    with a line per team of the territory, as the import reads it."""
    example = request.GET.get("exemple") == "1"
    name = "main-courante-exemple.csv" if example else "main-courante-modele.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel reads the accents of a CSV with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(column.label for column in imports.COLUMNS.values())
    if example:
        for row in imports.example_rows(current_territory(request)):
            writer.writerow(defuse_formula(cell) for cell in row)
    return response


def _batch(request: HttpRequest, public_id: Any) -> ImportBatch:
    batch = selectors.import_batch_for(request.user, current_territory(request), public_id)
    if batch is None:
        raise Http404
    return batch


def _mapping_form(request: HttpRequest, batch: ImportBatch) -> ImportMappingForm:
    teams = selectors.managed_teams(request.user, batch.territory)
    initial: dict[str, Any] = {f"column_{k}": str(v) for k, v in batch.mapping.items()}
    if batch.default_team is not None:
        initial["default_team"] = batch.default_team.public_id
    data = request.POST if request.POST.get("action") == "columns" else None
    return ImportMappingForm(data, headers=batch.headers, teams=teams, initial=initial)


@require_right(RIGHT, record=ImportBatch)
def import_batch(request: HttpRequest, public_id: Any) -> HttpResponse:
    batch = _batch(request, public_id)
    form = _mapping_form(request, batch)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "columns" and form.is_valid():
                batch = imports.choose_columns(
                    actor=request.user,
                    batch=batch,
                    mapping=form.mapping(),
                    default_team=form.cleaned_data["default_team"],
                )
                tasks.start(batch, apply=False)
                return redirect("field:import", batch.public_id)
            if action == "import":
                batch = imports.confirm(actor=request.user, batch=batch)
                tasks.start(batch, apply=True)
                return redirect("field:import", batch.public_id)
            if action == "undo":
                # The page then says what was undone, when and by whom.
                imports.undo(actor=request.user, batch=batch)
                return redirect("field:import", batch.public_id)
            if action == "abandon":
                imports.abandon(actor=request.user, batch=batch)
                messages.success(request, _("Import abandoned: the file is deleted."))
                return redirect("field:imports")
        except FileRejected as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            raise Http404 from error
    return render(
        request,
        "field/import.html",
        {"batch": batch, "form": form, "Status": ImportStatus},
        status=400 if form.errors else 200,
    )


@require_GET
@require_right(RIGHT, record=ImportBatch)
def import_progress(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The progress bar, polled by htmx while the work runs; once it is over, the page
    reloads to show the result and the polling stops."""
    batch = _batch(request, public_id)
    if not batch.is_running:
        response = HttpResponse(status=HTMX_STOP_POLLING)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "field/import_progress.html", {"batch": batch})
