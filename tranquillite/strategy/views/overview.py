"""The strategy overview: areas, their action sheets, filters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.strategy import selectors
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


urlpatterns = [path("", overview, name="overview")]
