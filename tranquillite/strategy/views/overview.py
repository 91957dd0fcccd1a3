"""The strategy overview: where it stands at a glance (progress rolled up from the sheets'
last evaluations, status counts), then its areas and their action sheets, with filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_uuid, current_territory, query_value
from tranquillite.strategy import evaluations, selectors
from tranquillite.strategy.forms import SheetFilterForm
from tranquillite.strategy.models import ActionSheet, SheetStatus
from tranquillite.strategy.rollup import rollup


@require_right("core.view_territory")
def overview(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    strategy = selectors.current_strategy(
        request.user, territory, query_value(request, "strategie", as_uuid, None)
    )
    form = SheetFilterForm(request.GET or None, territory=territory)
    sheet_filter = (
        selectors.SheetFilter(**form.cleaned_data) if form.is_valid() else selectors.SheetFilter()
    )
    axes = selectors.axes_with_sheets(strategy, sheet_filter) if strategy else []
    today = timezone.localdate()
    context: dict[str, Any] = {
        "strategy": strategy,
        "strategies": selectors.strategies_for(request.user, territory),
        "axes": axes,
        "form": form,
        "shown_count": sum(len(getattr(axis, "shown", [])) for axis in axes),
        "today": today,
        "can_manage": request.user.has_perm("strategy.manage_strategy", territory),
        "can_report": request.user.has_perm("strategy.report_on_actions", territory),
    }
    if strategy is not None:
        # Over every sheet of the strategy, whatever the filters: the deputy mayor's figures.
        progress = selectors.progress_of(strategy)
        for axis in axes:
            axis.rollup = progress.by_axis.get(axis.pk) or rollup([])  # type: ignore[attr-defined]
        context["progress"] = progress
        context["status_counts"] = [
            (value, label, progress.overall.by_status.get(value, 0))
            for value, label in SheetStatus.choices
        ]
        context["due_count"] = (
            ActionSheet.objects.filter(axis__strategy=strategy)
            .filter(evaluations.due_condition(today))
            .count()
        )
    return render(request, "strategy/overview.html", context)


urlpatterns = [path("", overview, name="overview")]
