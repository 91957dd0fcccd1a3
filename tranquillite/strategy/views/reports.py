"""The strategy's reports: the committee pack (PDF), the spreadsheet export, the page listing
them, and the public summary (no sign-in: mounted under /public/ by config/urls.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_date, current_territory
from tranquillite.core.models import Territory
from tranquillite.governance.models import Meeting
from tranquillite.governance.selectors import bodies_for
from tranquillite.strategy import committee, evaluations, public, selectors
from tranquillite.strategy.models import Strategy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The public summary changes when a committee evaluates a sheet: an hour's staleness is fine.
PUBLIC_MAX_AGE = 3600


def _uuid_or_404(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _strategy_or_404(request: HttpRequest) -> Strategy:
    strategy = selectors.current_strategy(
        request.user, current_territory(request), _uuid_or_404(request.GET.get("strategie"))
    )
    if strategy is None:
        raise Http404
    return strategy


def _meetings(request: HttpRequest, territory: Territory) -> Any:
    """Meetings of the committees the user sees, from a month ago on: a pack is for one."""
    since = timezone.now() - timedelta(days=30)
    return (
        Meeting.objects.in_territory(territory)
        .filter(body__in=bodies_for(request.user, territory).values("pk"), starts_at__gte=since)
        .filter(body__kind__in=evaluations.EVALUATING_KINDS)
        .exclude(status="cancelled")
        .select_related("body")
        .order_by("starts_at")
    )


@require_right("strategy.export_strategy")
def reports(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    strategy = selectors.current_strategy(
        request.user, territory, _uuid_or_404(request.GET.get("strategie"))
    )
    query = f"?strategie={strategy.public_id}" if strategy and not strategy.is_current else ""
    public_url = request.build_absolute_uri(reverse("public:strategy", args=[territory.slug]))
    json_url = request.build_absolute_uri(reverse("public:strategy_json", args=[territory.slug]))
    return render(
        request,
        "strategy/reports.html",
        {
            "strategy": strategy,
            "strategies": selectors.strategies_for(request.user, territory),
            "meetings": list(_meetings(request, territory)[:8]),
            "today": timezone.localdate(),
            "public_url": public_url + query,
            "public_json_url": json_url + query,
        },
    )


@require_right("strategy.export_strategy")
def committee_pack(request: HttpRequest) -> HttpResponse:
    """The pack of a committee meeting: every sheet due for review by the meeting's date
    (`?reunion=`), or by `?date=` (today by default), with its indicators and last
    evaluation. Internal to the committee; stamped with who printed it and when."""
    territory = current_territory(request)
    meeting = None
    meeting_id = _uuid_or_404(request.GET.get("reunion"))
    if meeting_id:
        meeting = evaluations.meeting_for(request.user, territory, meeting_id)
        if meeting is None:
            raise Http404
        due_by = evaluations.meeting_day(meeting)
    else:
        # A download has no page to carry a message: a wrong date is a 400 that says why.
        try:
            due_by = as_date(request.GET.get("date") or timezone.localdate().isoformat())
        except ValueError:
            return HttpResponseBadRequest(_("The date must read YYYY-MM-DD."))
    strategy = _strategy_or_404(request)
    pack = committee.committee_pack(strategy, due_by=due_by, meeting=meeting)
    pdf = committee.committee_pack_pdf(pack, printed_by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dossier-comite-{due_by:%Y%m%d}.pdf"'
    return response


@require_right("strategy.export_strategy")
def export(request: HttpRequest) -> HttpResponse:
    strategy = _strategy_or_404(request)
    workbook = committee.strategy_workbook(strategy, exported_by=request.user)
    response = HttpResponse(workbook, content_type=XLSX)
    name = f"strategie-{strategy.territory.slug}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def public_summary(
    request: HttpRequest, territory_slug: str, as_json: bool = False
) -> HttpResponse:
    """No sign-in: the strategy as the city publishes it (strategy/public.py says what is in
    it, and what never is)."""
    territory = public.public_territory(territory_slug)
    if territory is None:
        raise Http404
    strategy = public.public_strategy(territory, _uuid_or_404(request.GET.get("strategie")))
    if strategy is None:
        raise Http404
    summary = public.public_summary(territory, strategy)
    if as_json or request.GET.get("format") == "json":
        response: HttpResponse = JsonResponse(summary, json_dumps_params={"ensure_ascii": False})
        # Any website may read it from the browser: it is public and carries no credential.
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = render(
            request,
            "strategy/public/summary.html",
            {
                "summary": summary,
                "territory_slug": territory.slug,
                "strategy_id": strategy.public_id,
                "strategies": [
                    {"title": s.title, "public_id": s.public_id, "current": s == strategy}
                    for s in public.public_strategies(territory)
                ],
            },
        )
    # Shared caches may keep it for an hour; a signed-in visitor's answer (which may carry a
    # session cookie) is made `no-store, private` by core's PrivateCacheMiddleware.
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


urlpatterns = [
    path("rapports/", reports, name="reports"),
    path("dossier-comite.pdf", committee_pack, name="committee_pack"),
    path("export.xlsx", export, name="export"),
]

# Mounted at /public/ (namespace "public") by config/urls.py: no sign-in.
public_urlpatterns = [
    path("<slug:territory_slug>/strategie/", public_summary, name="strategy"),
    path(
        "<slug:territory_slug>/strategie.json",
        public_summary,
        {"as_json": True},
        name="strategy_json",
    ),
]
