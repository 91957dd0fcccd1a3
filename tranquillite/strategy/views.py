from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.strategy import selectors
from tranquillite.strategy.budget import budget_by_year
from tranquillite.strategy.forms import SheetFilterForm


@require_right("core.view_territory")
def overview(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    strategy = selectors.current_strategy(request.user, territory, request.GET.get("strategie"))
    form = SheetFilterForm(request.GET or None, territory=territory)
    sheet_filter = (
        selectors.SheetFilter(**form.cleaned_data) if form.is_valid() else selectors.SheetFilter()
    )
    axes = selectors.axes_with_sheets(strategy, sheet_filter) if strategy else []
    return render(
        request,
        "strategy/overview.html",
        {
            "strategy": strategy,
            "strategies": selectors.strategies_for(request.user, territory),
            "axes": axes,
            "form": form,
            "shown_count": sum(len(getattr(axis, "shown", [])) for axis in axes),
        },
    )


@require_right("core.view_territory")
def sheet_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = selectors.sheet_for(request.user, current_territory(request), public_id)
    if sheet is None:
        raise Http404
    lines = list(sheet.budget_lines.all())
    return render(
        request,
        "strategy/sheet_detail.html",
        {"sheet": sheet, "budget_lines": lines, "budget_years": budget_by_year(lines)},
    )
