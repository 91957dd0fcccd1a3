"""An action sheet's page, and the writing of its fields, partners, budget and documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_int, as_uuid, current_territory, error_text, query_value
from tranquillite.governance.selectors import bodies_for
from tranquillite.strategy import activities, evaluations, indicators, selectors, sheets
from tranquillite.strategy.budget import budget_by_year
from tranquillite.strategy.forms import (
    ActionSheetForm,
    BudgetFormSet,
    DocumentForm,
    PartnerFormSet,
    WithdrawalForm,
)
from tranquillite.strategy.models import ActionSheet, Strategy
from tranquillite.strategy.permissions import can_manage_strategy, can_report_on

MANAGE = "strategy.manage_strategy"


def _sheet_or_404(request: HttpRequest, public_id: Any, *, for_page: bool = False) -> ActionSheet:
    sheet = selectors.sheet_for(
        request.user, current_territory(request), public_id, for_page=for_page
    )
    if sheet is None:
        raise Http404
    return sheet


def _sheet_page(
    request: HttpRequest,
    sheet: ActionSheet,
    document_form: DocumentForm | None = None,
    withdrawal_form: WithdrawalForm | None = None,
) -> HttpResponse:
    lines = list(sheet.budget_lines.all())
    bound_forms = (document_form, withdrawal_form)
    history = evaluations.history_for_sheet(sheet)
    can_manage = can_manage_strategy(request.user, sheet)
    return render(
        request,
        "strategy/sheet_detail.html",
        {
            "sheet": sheet,
            "budget_lines": lines,
            "budget_years": budget_by_year(lines),
            "indicators": indicators.summaries_for_sheet(sheet),
            "activities": activities.activities_for_sheet(sheet),
            "evaluations": history,
            # Links only to what the user may open: a meeting is seen by whoever sees its
            # body (governance.selectors.bodies_for); other meetings are named, not linked.
            "visible_bodies": set(
                bodies_for(request.user, sheet.territory).values_list("pk", flat=True)
            )
            if any(e.meeting_id for e in history)
            else set(),
            "documents": list(sheet.documents.all()),
            "can_manage": can_manage,
            "can_report": can_manage or can_report_on(request.user, sheet),
            "document_form": (document_form or DocumentForm()) if can_manage else None,
            "withdrawal_form": (withdrawal_form or WithdrawalForm())
            if can_manage and sheet.withdrawn_on is None
            else None,
        },
        status=400 if any(f is not None and f.errors for f in bound_forms) else 200,
    )


@require_right("core.view_territory")
def sheet_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _sheet_page(request, _sheet_or_404(request, public_id, for_page=True))


@require_POST
@require_right(MANAGE)
def sheet_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = _sheet_or_404(request, public_id, for_page=True)
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        return _sheet_page(request, sheet, withdrawal_form=form)
    try:
        sheets.withdraw_sheet(actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The action sheet is withdrawn."))
    return HttpResponseRedirect(reverse("strategy:sheet", args=[sheet.public_id]))


# --- Writing the sheet and its partners -----------------------------------------------------


def _strategy_from_query(request: HttpRequest) -> Strategy:
    public_id = query_value(request, "strategie", as_uuid, None)
    strategy = selectors.current_strategy(request.user, current_territory(request), public_id)
    if strategy is None:
        raise Http404
    return strategy


def _partner_initial(sheet: ActionSheet) -> list[dict[str, Any]]:
    return [
        {
            "organisation": link.organisation.public_id,
            "organisation_id": link.organisation_id,
            "role": link.role,
        }
        for link in sheet.partner_links.all()
    ]


def _add_service_error(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and not set(error.error_dict) <= set(form.fields):
        form.add_error(None, error_text(error))
    else:
        form.add_error(None, error)


def _edit_sheet(
    request: HttpRequest, strategy: Strategy, sheet: ActionSheet | None, initial: dict[str, Any]
) -> HttpResponse:
    territory = current_territory(request)
    data = request.POST if request.method == "POST" else None
    form = ActionSheetForm(
        data, instance=sheet, initial=initial, territory=territory, strategy=strategy
    )
    formset = PartnerFormSet(
        data,
        prefix="partenaires",
        initial=_partner_initial(sheet) if sheet else None,
        form_kwargs={"territory": territory},
    )
    if data is not None:
        form_valid = form.is_valid()
        formset.lead = form.cleaned_data.get("lead")
        if formset.is_valid() and form_valid:
            cleaned = form.cleaned_data
            try:
                saved = sheets.save_sheet(
                    actor=request.user,
                    sheet=sheet,
                    data=sheets.SheetData(
                        axis=cleaned["axis"],
                        number=cleaned["number"],
                        title=cleaned["title"],
                        lead=cleaned["lead"],
                        finding=cleaned["finding"],
                        objectives=cleaned["objectives"],
                        target_public=cleaned["target_public"],
                        calendar=cleaned["calendar"],
                        status=cleaned["status"],
                        next_review_on=cleaned["next_review_on"],
                        neighbourhoods=list(cleaned["neighbourhoods"]),
                    ),
                    partners=[
                        sheets.PartnerData(organisation, role)
                        for organisation, role in formset.partners()
                    ],
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("The action sheet has been created.")
                    if sheet is None
                    else _("The action sheet has been saved."),
                )
                return HttpResponseRedirect(reverse("strategy:sheet", args=[saved.public_id]))
    return render(
        request,
        "strategy/sheet_form.html",
        {"strategy": strategy, "sheet": sheet, "form": form, "formset": formset},
        status=400 if data is not None else 200,
    )


@require_right(MANAGE)
def sheet_create(request: HttpRequest) -> HttpResponse:
    """`?strategie=<public_id>&axe=<area number>` choose the strategy and the area."""
    strategy = _strategy_from_query(request)
    number = query_value(request, "axe", as_int(1, 99), None)
    axis = strategy.axes.filter(number=number).first() if number is not None else None
    return _edit_sheet(request, strategy, None, {"axis": axis} if axis else {})


@require_right(MANAGE)
def sheet_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = _sheet_or_404(request, public_id)
    return _edit_sheet(request, sheet.axis.strategy, sheet, {})


# --- Budget ---------------------------------------------------------------------------------


@require_right(MANAGE)
def sheet_budget(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = _sheet_or_404(request, public_id)
    saved = list(sheet.budget_lines.all())
    data = request.POST if request.method == "POST" else None
    formset = BudgetFormSet(
        data,
        prefix="budget",
        initial=[{"year": x.year, "funder": x.funder, "amount": x.amount} for x in saved],
    )
    refusals: list[str] = []
    if data is not None and formset.is_valid():
        try:
            sheets.save_budget(
                actor=request.user,
                sheet=sheet,
                lines=[sheets.LineData(*line) for line in formset.lines()],
            )
        except ValidationError as error:
            refusals = error.messages
        else:
            messages.success(request, _("The budget has been saved."))
            return HttpResponseRedirect(reverse("strategy:sheet", args=[sheet.public_id]))
    return render(
        request,
        "strategy/budget_form.html",
        {
            "sheet": sheet,
            "formset": formset,
            "refusals": refusals,
            "budget_years": budget_by_year(saved),
        },
        status=400 if data is not None else 200,
    )


# --- Documents ------------------------------------------------------------------------------


@require_POST
@require_right(MANAGE)
def document_upload(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = _sheet_or_404(request, public_id, for_page=True)  # the page again on an error
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sheets.add_document(
                actor=request.user,
                sheet=sheet,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The document has been added."))
            return HttpResponseRedirect(
                reverse("strategy:sheet", args=[sheet.public_id]) + "#documents"
            )
    return _sheet_page(request, sheet, document_form=form)


@require_right("core.view_territory")
def document_download(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Every member of the territory may read a sheet's documents; another territory's
    document is not found. Always an attachment, never shown inline by the browser."""
    document = sheets.document_for(request.user, current_territory(request), public_id)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=sheets.download_name(document),
        content_type=sheets.content_type(document),
    )
    # Streamed from the disk, hence not an HttpResponse.
    return response  # type: ignore[return-value]


@require_POST
@require_right(MANAGE)
def document_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    document = sheets.document_for(request.user, current_territory(request), public_id)
    if document is None:
        raise Http404
    sheet_id = document.sheet.public_id
    try:
        sheets.delete_document(actor=request.user, document=document)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The document has been deleted."))
    return HttpResponseRedirect(reverse("strategy:sheet", args=[sheet_id]) + "#documents")


urlpatterns = [
    path("fiches/nouvelle/", sheet_create, name="sheet_create"),
    path("fiches/<uuid:public_id>/", sheet_detail, name="sheet"),
    path("fiches/<uuid:public_id>/modifier/", sheet_edit, name="sheet_edit"),
    path("fiches/<uuid:public_id>/budget/", sheet_budget, name="sheet_budget"),
    path("fiches/<uuid:public_id>/retirer/", sheet_withdraw, name="sheet_withdraw"),
    path("fiches/<uuid:public_id>/documents/", document_upload, name="document_upload"),
    path("documents/<uuid:public_id>/", document_download, name="document"),
    path("documents/<uuid:public_id>/supprimer/", document_delete, name="document_delete"),
]
