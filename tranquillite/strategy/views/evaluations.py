"""The committees' evaluations: the sheets due for review, a meeting's evaluation list (its
own page, with a form per sheet; on the governance meeting page, a read-only list), and the
recording of one sheet's evaluation. Every page works without JavaScript; with htmx, a sheet's
form swaps in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_date, as_uuid, current_territory, query_value
from tranquillite.governance.models import Meeting, MeetingStatus
from tranquillite.governance.selectors import bodies_for
from tranquillite.strategy import evaluations, selectors
from tranquillite.strategy.forms import EvaluationForm
from tranquillite.strategy.models import ActionSheet, EvaluationStatus, Strategy


@require_right("core.view_territory")
def review_list(request: HttpRequest) -> HttpResponse:
    """The sheets due for review by a date (today unless `?au=`), with their last evaluation,
    and the coming meetings of the bodies that evaluate them."""
    territory = current_territory(request)
    strategy = selectors.current_strategy(
        request.user, territory, query_value(request, "strategie", as_uuid, None)
    )
    by = query_value(request, "au", as_date, timezone.localdate())
    meetings = (
        Meeting.objects.in_territory(territory)
        .filter(
            body__in=bodies_for(request.user, territory).values("pk"),
            body__kind__in=evaluations.EVALUATING_KINDS,
            status=MeetingStatus.PLANNED,
            starts_at__date__gte=timezone.localdate(),
        )
        .select_related("body")
        .order_by("starts_at")[:5]
    )
    return render(
        request,
        "strategy/evaluations/review_list.html",
        {
            "strategy": strategy,
            "strategies": selectors.strategies_for(request.user, territory),
            "by": by,
            "today": timezone.localdate(),
            "sheets": evaluations.sheets_due_for_review(strategy, by) if strategy else [],
            "meetings": list(meetings),
        },
    )


def _initial(row: evaluations.MeetingSheet) -> dict[str, Any]:
    if row.evaluation is not None:
        mine = row.evaluation
        return {
            "status": mine.status,
            "progress": mine.progress,
            "decision": mine.decision,
            "comment": mine.comment,
        }
    sheet = row.sheet
    return {
        "status": sheet.status if sheet.status in EvaluationStatus.values else "",
        "progress": sheet.progress,
    }


def _prefix(sheet: ActionSheet) -> str:
    return f"e{sheet.public_id.hex[:12]}"


def _form_for(
    row: evaluations.MeetingSheet, bound: tuple[ActionSheet, EvaluationForm] | None
) -> EvaluationForm:
    if bound is not None and bound[0].pk == row.sheet.pk:
        return bound[1]
    return EvaluationForm(prefix=_prefix(row.sheet), initial=_initial(row))


def panel_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    strategy_id: Any = None,
    bound: tuple[ActionSheet, EvaluationForm] | None = None,
    back: str | None = None,
) -> dict[str, Any] | None:
    """What the meeting's evaluation page shows: the territory's strategies (one chosen), the
    chosen strategy's sheets due by the meeting's day and those already evaluated in it, a
    form for each when the user may evaluate. None for a body that evaluates no sheet.
    Three queries. (Governance's meeting page shows `meeting_panel_context` instead.)"""
    if not evaluations.evaluates_strategy(meeting.body):
        return None
    territory = current_territory(request)
    strategies = list(selectors.strategies_for(request.user, territory))
    wanted = str(strategy_id or query_value(request, "strategie", as_uuid, None) or "")
    strategy: Strategy | None = next(
        (s for s in strategies if str(s.public_id) == wanted), strategies[0] if strategies else None
    )
    day = evaluations.meeting_day(meeting)
    may_evaluate = request.user.has_perm("strategy.manage_strategy", territory)
    open_for_evaluation = meeting.status != MeetingStatus.CANCELLED and day <= timezone.localdate()
    every = request.GET.get("toutes") == "1"
    rows = evaluations.sheets_for_meeting(strategy, meeting, every=every) if strategy else []
    meeting_url = reverse("governance:meeting", args=[meeting.public_id])
    page_url = reverse("strategy:meeting_evaluations", args=[meeting.public_id])
    query = f"?strategie={strategy.public_id}" if strategy else ""
    every_query = f"{query}&toutes=1" if strategy else ""
    if may_evaluate and open_for_evaluation:
        for row in rows:
            row.form = _form_for(row, bound)
    return {
        "meeting": meeting,
        "day": day,
        "strategies": strategies,
        "strategy": strategy,
        "rows": rows,
        "evaluated": sum(1 for row in rows if row.evaluation is not None),
        "may_evaluate": may_evaluate,
        "may_export": request.user.has_perm("strategy.export_strategy", territory),
        "open_for_evaluation": open_for_evaluation,
        "is_future": day > timezone.localdate(),
        "meeting_url": meeting_url,
        "base_url": page_url,
        "every": every,
        # The same list with every sheet of the strategy, or only the sheets due.
        "every_url": page_url + every_query,
        "due_url": page_url + query,
        # Where a form sent without JavaScript comes back to.
        "back": back or page_url + (every_query if every else query),
    }


@dataclass
class StrategyRows:
    """One strategy's sheets in the meeting page's list."""

    strategy: Strategy
    rows: list[evaluations.MeetingSheet]


def meeting_panel_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any] | None:
    """The strategy's panel on governance's meeting page: read only, compact. The sheets of
    every strategy the meeting evaluates (due by its day, or evaluated in it) with their last
    evaluation and, once evaluated in this meeting, the new one; the forms are on the
    meeting's evaluation page (`meeting_evaluations`), one link away. None for a body that
    evaluates no sheet (no query then); otherwise one query whatever the number of sheets.
    The one link to the evaluation page opens on its first strategy (the current one), whose
    tabs lead to the others."""
    if not evaluations.evaluates_strategy(meeting.body):
        return None
    territory = current_territory(request)
    day = evaluations.meeting_day(meeting)
    rows = evaluations.meeting_summary(request.user, territory, meeting)
    groups: list[StrategyRows] = []
    for row in rows:
        strategy = row.sheet.axis.strategy
        if not groups or groups[-1].strategy.pk != strategy.pk:
            groups.append(StrategyRows(strategy, []))
        groups[-1].rows.append(row)
    return {
        "meeting": meeting,
        "day": day,
        "rows": rows,
        "groups": groups,
        "evaluated": sum(1 for row in rows if row.evaluation is not None),
        "may_evaluate": request.user.has_perm("strategy.manage_strategy", territory),
        "may_export": request.user.has_perm("strategy.export_strategy", territory),
        "open_for_evaluation": (
            meeting.status != MeetingStatus.CANCELLED and day <= timezone.localdate()
        ),
        "is_future": day > timezone.localdate(),
        "page_url": reverse("strategy:meeting_evaluations", args=[meeting.public_id]),
    }


def _meeting_or_404(request: HttpRequest, public_id: Any) -> Meeting:
    meeting = evaluations.meeting_for(request.user, current_territory(request), public_id)
    if meeting is None:
        raise Http404
    return meeting


@require_right("core.view_territory")
def meeting_evaluations(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    return render(
        request,
        "strategy/evaluations/meeting.html",
        {"meeting": meeting, "panel": panel_context(request, meeting)},
    )


def _safe_next(request: HttpRequest, meeting: Meeting) -> str:
    """Back to the meeting page or to its evaluation page (with their query), nowhere else."""
    wanted = request.POST.get("next", "")
    parts = urlsplit(wanted)
    allowed = {
        reverse("governance:meeting", args=[meeting.public_id]),
        reverse("strategy:meeting_evaluations", args=[meeting.public_id]),
    }
    if parts.scheme or parts.netloc or parts.path not in allowed:
        return reverse("strategy:meeting_evaluations", args=[meeting.public_id])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@require_POST
@require_right("strategy.manage_strategy")
def meeting_evaluate(request: HttpRequest, public_id: Any, sheet_id: Any) -> HttpResponse:
    """Records one sheet's evaluation in the meeting (or corrects it)."""
    meeting = _meeting_or_404(request, public_id)
    sheet = (
        ActionSheet.objects.visible_to(request.user)
        .in_territory(current_territory(request))
        .filter(public_id=sheet_id)
        .select_related("axis__strategy", "lead")
        .first()
    )
    if sheet is None:
        raise Http404
    form = EvaluationForm(request.POST, prefix=_prefix(sheet))
    saved = False
    if form.is_valid():
        try:
            evaluations.evaluate_sheet(
                actor=request.user,
                sheet=sheet,
                meeting=meeting,
                evaluated_on=evaluations.meeting_day(meeting),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = True
    strategy_id = sheet.axis.strategy.public_id
    if getattr(request, "htmx", False):
        # The sheet's block alone, swapped in place (200 even with errors: htmx swaps only
        # successful answers).
        bound = None if saved else (sheet, form)
        context = panel_context(
            request,
            meeting,
            strategy_id=strategy_id,
            bound=bound,
            back=_safe_next(request, meeting),
        )
        assert context is not None
        row = next((r for r in context["rows"] if r.sheet.pk == sheet.pk), None)
        if row is None:  # a sheet neither due nor evaluated here (posted by hand)
            row = evaluations.meeting_sheet(sheet, meeting)
            row.form = _form_for(row, bound)
        return render(
            request,
            "strategy/evaluations/row_response.html",
            {"panel": context, "row": row, "just_saved": saved},
        )
    if saved:
        messages.success(
            request, _("The evaluation of sheet %(number)s is recorded.") % {"number": sheet.number}
        )
        return HttpResponseRedirect(f"{_safe_next(request, meeting)}#fiche-{sheet.public_id}")
    messages.error(
        request,
        _("The evaluation of sheet %(number)s is not recorded: see the sheet's form.")
        % {"number": sheet.number},
    )
    return render(
        request,
        "strategy/evaluations/meeting.html",
        {
            "meeting": meeting,
            "panel": panel_context(
                request,
                meeting,
                strategy_id=strategy_id,
                bound=(sheet, form),
                back=_safe_next(request, meeting),
            ),
        },
        status=400,
    )


urlpatterns = [
    path("revues/", review_list, name="review_list"),
    path(
        "reunions/<uuid:public_id>/evaluations/",
        meeting_evaluations,
        name="meeting_evaluations",
    ),
    path(
        "reunions/<uuid:public_id>/evaluations/<uuid:sheet_id>/",
        meeting_evaluate,
        name="meeting_evaluate",
    ),
]
