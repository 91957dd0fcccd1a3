"""Views of the strategy's indicators: the indicator's page (chart, table, measurements),
creating and changing indicators, and the import of measurements from a spreadsheet."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_uuid, current_territory, error_text, query_value
from tranquillite.core.imports import FileRejected
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.strategy import imports, indicators, selectors
from tranquillite.strategy.charts import number
from tranquillite.strategy.forms import (
    IndicatorForm,
    IndicatorImportForm,
    MeasurementDeleteForm,
    MeasurementForm,
)
from tranquillite.strategy.models import ActionSheet, Indicator, Strategy
from tranquillite.strategy.permissions import can_manage_strategy, can_report_on

VIEW = "core.view_territory"
MANAGE = "strategy.manage_strategy"
REPORT = "strategy.report_on_actions"


def _indicator_or_404(request: HttpRequest, public_id: Any) -> Indicator:
    indicator = indicators.indicator_for(request.user, current_territory(request), public_id)
    if indicator is None:
        raise Http404
    return indicator


def _sheet_or_404(request: HttpRequest, public_id: Any) -> ActionSheet:
    sheet = (
        ActionSheet.objects.visible_to(request.user)
        .in_territory(current_territory(request))
        .filter(public_id=public_id)
        .select_related("axis__strategy", "territory")
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


def _day(value: date) -> str:
    return str(date_format(value, "SHORT_DATE_FORMAT"))


def _indicator_page(
    request: HttpRequest,
    indicator: Indicator,
    form: MeasurementForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    sheet = indicator.sheet
    can_manage = can_manage_strategy(request.user, sheet)
    can_report = can_manage or can_report_on(request.user, sheet)
    summary = indicators.summarise(indicator)
    entry_allowed = can_report and not indicator.is_computed
    if form is None and entry_allowed:
        initial: dict[str, Any] = {}
        correcting = request.GET.get("corriger", "")
        for measurement in summary.measurements:
            if measurement.measured_on.isoformat() == correcting:
                initial = {
                    "measured_on": measurement.measured_on,
                    "value": measurement.value,
                    "note": measurement.note,
                }
        form = MeasurementForm(initial=initial)
    return render(
        request,
        "strategy/indicators/detail.html",
        {
            "indicator": indicator,
            "sheet": sheet,
            "summary": summary,
            "can_manage": can_manage,
            "can_report": can_report,
            "form": form if entry_allowed else None,
        },
        status=status,
    )


@require_right(VIEW)
def indicator_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _indicator_page(request, _indicator_or_404(request, public_id))


@require_POST
@require_right(REPORT)
def measurement_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    indicator = _indicator_or_404(request, public_id)
    if not can_report_on(request.user, indicator.sheet):
        raise PermissionDenied
    form = MeasurementForm(request.POST)
    if not form.is_valid():
        return _indicator_page(request, indicator, form, status=400)
    try:
        recorded = indicators.record_measurement(
            actor=request.user, indicator=indicator, **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error_text(error))
        return _indicator_page(request, indicator, form, status=400)
    values = {
        "date": _day(recorded.measurement.measured_on),
        "value": number(recorded.measurement.value),
        "unit": indicator.unit,
    }
    if recorded.replaced is None:
        messages.success(request, _("Value of %(date)s recorded: %(value)s %(unit)s.") % values)
    else:
        messages.success(
            request,
            _(
                "The value of %(date)s already existed: it has been corrected from %(old)s to "
                "%(value)s %(unit)s."
            )
            % {**values, "old": number(recorded.replaced)},
        )
    return HttpResponseRedirect(reverse("strategy:indicator", args=[indicator.public_id]))


@require_POST
@require_right(REPORT)
def measurement_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    indicator = _indicator_or_404(request, public_id)
    if not can_report_on(request.user, indicator.sheet):
        raise PermissionDenied
    form = MeasurementDeleteForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        deleted = indicators.delete_measurement(
            actor=request.user, indicator=indicator, measured_on=form.cleaned_data["measured_on"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The value of %(date)s (%(value)s) has been deleted.")
            % {"date": _day(deleted.measured_on), "value": number(deleted.value)},
        )
    return HttpResponseRedirect(reverse("strategy:indicator", args=[indicator.public_id]))


def _fill_computed(request: HttpRequest, indicator: Indicator) -> None:
    """A computed indicator gets its history at once rather than at the next nightly run."""
    try:
        computed = indicators.recompute(actor=request.user, indicator=indicator)
    except ValidationError as error:
        messages.warning(request, error_text(error))
    else:
        messages.info(
            request,
            ngettext(
                "%(count)s monthly value computed.",
                "%(count)s monthly values computed.",
                len(computed.months),
            )
            % {"count": len(computed.months)},
        )


@require_right(MANAGE)
def indicator_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = _sheet_or_404(request, public_id)
    if not can_manage_strategy(request.user, sheet):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicators.save_indicator(actor=request.user, sheet=sheet, form=form)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("The indicator “%(name)s” has been added.") % {"name": indicator.name}
            )
            if indicator.is_computed:
                _fill_computed(request, indicator)
            return HttpResponseRedirect(reverse("strategy:indicator", args=[indicator.public_id]))
    return render(
        request,
        "strategy/indicators/form.html",
        {"form": form, "sheet": sheet, "indicator": None},
        status=400 if form.errors else 200,
    )


@require_right(MANAGE)
def indicator_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    indicator = _indicator_or_404(request, public_id)
    sheet = indicator.sheet
    if not can_manage_strategy(request.user, sheet):
        raise PermissionDenied
    source_before = indicator.source_key
    form = IndicatorForm(request.POST or None, instance=indicator, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicators.save_indicator(actor=request.user, sheet=sheet, form=form)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The indicator has been saved."))
            if indicator.is_computed and indicator.source_key != source_before:
                _fill_computed(request, indicator)
            return HttpResponseRedirect(reverse("strategy:indicator", args=[indicator.public_id]))
    return render(
        request,
        "strategy/indicators/form.html",
        {
            "form": form,
            "sheet": sheet,
            "indicator": indicator,
            "measurement_count": len(indicator.measurements.all()),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require_right(MANAGE)
def indicator_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    indicator = _indicator_or_404(request, public_id)
    sheet = indicator.sheet
    indicators.delete_indicator(actor=request.user, indicator=indicator)
    messages.success(
        request, _("The indicator “%(name)s” has been deleted.") % {"name": indicator.name}
    )
    return HttpResponseRedirect(reverse("strategy:sheet", args=[sheet.public_id]))


@require_POST
@require_right(MANAGE)
def indicator_recompute(request: HttpRequest, public_id: Any) -> HttpResponse:
    indicator = _indicator_or_404(request, public_id)
    try:
        computed = indicators.recompute(actor=request.user, indicator=indicator)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _(
                "Recomputed over %(months)s months: %(added)s values added, %(updated)s "
                "changed, %(unchanged)s unchanged."
            )
            % {
                "months": len(computed.months),
                "added": computed.added,
                "updated": computed.updated,
                "unchanged": computed.unchanged,
            },
        )
    return HttpResponseRedirect(reverse("strategy:indicator", args=[indicator.public_id]))


# --- Import from a spreadsheet --------------------------------------------------------------


def _strategy(request: HttpRequest) -> Strategy | None:
    public_id = query_value(request, "strategie", as_uuid, None)
    return selectors.current_strategy(request.user, current_territory(request), public_id)


@require_right(REPORT)
def import_start(request: HttpRequest) -> HttpResponse:
    """Step 1, the file; its preview answers the upload (step 2)."""
    territory = current_territory(request)
    strategy = _strategy(request)
    form = IndicatorImportForm(
        request.POST or None,
        request.FILES or None,
        territory=territory,
        initial={"strategy": strategy.public_id if strategy else None},
    )
    if request.method == "POST" and form.is_valid():
        strategy = form.cleaned_data["strategy"]
        try:
            table = imports.read_table(form.cleaned_data["file"])
        except FileRejected as error:
            form.add_error("file", error)
        else:
            checked = imports.check(
                table.rows, actor=request.user, strategy=strategy, headers=table.headers
            )
            token = (
                imports.keep_for_confirmation(request.session, strategy=strategy, table=table)
                if checked.is_valid
                else None
            )
            return _preview(request, strategy, checked, token=token)
    return render(
        request,
        "strategy/indicators/import.html",
        {"form": form, "strategy": strategy},
        status=400 if form.errors else 200,
    )


def _preview(
    request: HttpRequest,
    strategy: Strategy,
    checked: imports.Checked,
    *,
    token: str | None,
    after_confirmation: bool = False,
) -> HttpResponse:
    return render(
        request,
        "strategy/indicators/import_preview.html",
        {
            "strategy": strategy,
            "checked": checked,
            "token": token,
            "counts": {
                "new": checked.count(imports.NEW),
                "replaces": checked.count(imports.REPLACES),
                "unchanged": checked.count(imports.UNCHANGED),
                "errors": checked.count(imports.ERROR),
            },
            "after_confirmation": after_confirmation,
        },
        status=200 if checked.is_valid else 400,
    )


@require_POST
@require_right(REPORT)
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: the rows kept at the preview, checked again, written all or none."""
    pending = imports.take_for_confirmation(request.session, request.POST.get("token", ""))
    territory = current_territory(request)
    if pending is None or pending.territory_id != territory.pk:
        messages.error(
            request,
            _("This import has already been confirmed, or has expired: choose the file again."),
        )
        return HttpResponseRedirect(reverse("strategy:indicator_import"))
    strategy = selectors.current_strategy(request.user, territory, pending.strategy_id)
    if strategy is None:
        raise Http404
    outcome = imports.apply_import(
        actor=request.user, strategy=strategy, rows=pending.rows, headers=pending.headers
    )
    if not outcome.written:
        messages.error(
            request,
            _(
                "Nothing has been imported: the data changed since the preview and some rows "
                "are no longer valid. Correct the file and import it again."
            ),
        )
        return _preview(request, strategy, outcome.checked, token=None, after_confirmation=True)
    message = ngettext(
        "%(added)s value added",
        "%(added)s values added",
        outcome.added,
    ) % {"added": outcome.added}
    message += ngettext(
        ", %(replaced)s value replaced",
        ", %(replaced)s values replaced",
        outcome.replaced,
    ) % {"replaced": outcome.replaced}
    if outcome.unchanged:
        message += ngettext(
            ", %(unchanged)s already up to date",
            ", %(unchanged)s already up to date",
            outcome.unchanged,
        ) % {"unchanged": outcome.unchanged}
    messages.success(request, _("Import done: %(details)s.") % {"details": message})
    sheets = {result.indicator.sheet_id for result in outcome.checked.results if result.indicator}
    if len(sheets) == 1:
        first = next(r.indicator for r in outcome.checked.results if r.indicator)
        return HttpResponseRedirect(reverse("strategy:sheet", args=[first.sheet.public_id]))
    return HttpResponseRedirect(reverse("strategy:overview") + f"?strategie={strategy.public_id}")


@require_right(REPORT)
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV to fill in: the columns, and one line per indicator open to import of the
    sheets the user reports on."""
    strategy = _strategy(request)
    if strategy is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mesures-indicateurs.csv"'
    response.write("\ufeff")  # so that Excel reads the accents as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(list(imports.CANONICAL.values()))
    sheets = (
        ActionSheet.objects.visible_to(request.user)
        .in_territory(strategy.territory)
        .filter(axis__strategy=strategy)
        .select_related("territory")
        .prefetch_related("indicators")
        .order_by("axis__number", "number")
    )
    for sheet in sheets:
        if not can_report_on(request.user, sheet):
            continue
        for indicator in sheet.indicators.all():
            if not indicator.is_computed:
                writer.writerow(
                    [defuse_formula(sheet.number), defuse_formula(indicator.name), "", "", ""]
                )
    return response


urlpatterns = [
    path("indicateurs/importer/", import_start, name="indicator_import"),
    path("indicateurs/importer/confirmer/", import_confirm, name="indicator_import_confirm"),
    path("indicateurs/importer/modele.csv", import_template, name="indicator_import_template"),
    path("fiches/<uuid:public_id>/indicateurs/nouveau/", indicator_create, name="indicator_create"),
    path("indicateurs/<uuid:public_id>/", indicator_detail, name="indicator"),
    path("indicateurs/<uuid:public_id>/modifier/", indicator_edit, name="indicator_edit"),
    path("indicateurs/<uuid:public_id>/supprimer/", indicator_delete, name="indicator_delete"),
    path(
        "indicateurs/<uuid:public_id>/recalculer/",
        indicator_recompute,
        name="indicator_recompute",
    ),
    path("indicateurs/<uuid:public_id>/mesures/", measurement_add, name="measurement_add"),
    path(
        "indicateurs/<uuid:public_id>/mesures/supprimer/",
        measurement_delete,
        name="measurement_delete",
    ),
]
