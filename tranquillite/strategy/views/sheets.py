"""An action sheet's page, and the writing of its fields, partners, budget and documents."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.strategy import activities, evaluations, indicators, selectors
from tranquillite.strategy.budget import budget_by_year


@require_right("core.view_territory")
def sheet_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    sheet = selectors.sheet_for(request.user, current_territory(request), public_id)
    if sheet is None:
        raise Http404
    lines = list(sheet.budget_lines.all())
    return render(
        request,
        "strategy/sheet_detail.html",
        {
            "sheet": sheet,
            "budget_lines": lines,
            "budget_years": budget_by_year(lines),
            "indicators": indicators.summaries_for_sheet(sheet),
            "activities": activities.activities_for_sheet(sheet),
            "evaluations": evaluations.history_for_sheet(sheet),
        },
    )


urlpatterns = [path("fiches/<uuid:public_id>/", sheet_detail, name="sheet")]
