"""Views of the strategy's activities: the list with its filters and totals, an activity's
page, and their writing (plan, edit, record as held with its counts, cancel)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text
from tranquillite.strategy import activities, selectors
from tranquillite.strategy.forms import ActivityFilterForm, ActivityForm, HeldForm
from tranquillite.strategy.models import ActionSheet, Activity, ActivityStatus
from tranquillite.strategy.permissions import can_report_on

REPORT = "strategy.report_on_actions"
PAGE_SIZE = 50


def _activity_or_404(request: HttpRequest, public_id: Any) -> Activity:
    activity = activities.activity_for(request.user, current_territory(request), public_id)
    if activity is None:
        raise Http404
    return activity


def _require_report(request: HttpRequest, sheet: ActionSheet) -> None:
    # A sheet of the territory that the user's organisation takes no part in: 403 (the sheet
    # itself is readable by every member, so its existence is no secret).
    if not can_report_on(request.user, sheet):
        raise PermissionDenied(REPORT)


@require_right("core.view_territory")
def activity_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = ActivityFilterForm(
        request.GET or None,
        territory=territory,
        years=activities.activity_years(request.user, territory),
    )
    filters = (
        activities.ActivityFilter(**form.cleaned_data)
        if form.is_valid()
        else activities.ActivityFilter()
    )
    found = activities.activities_in(request.user, territory, filters)
    page = Paginator(
        found.select_related("sheet", "requested_by").order_by(  # type: ignore[misc]
            "-on", "sheet__number", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "strategy/activities/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "by_sheet": activities.planned_against_held(found),
            "grid": activities.participants_of(found),
        },
    )


@require_right("core.view_territory")
def activity_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    activity = _activity_or_404(request, public_id)
    can_report = can_report_on(request.user, activity.sheet)
    return render(
        request,
        "strategy/activities/detail.html",
        {
            "activity": activity,
            "grid": activities.grid_of(activity),
            "can_report": can_report,
            "is_open": activity.status in activities.OPEN_STATUSES,
        },
    )


def _data(form: ActivityForm, current: str | None) -> activities.ActivityData:
    cleaned = form.cleaned_data
    return activities.ActivityData(
        kind=cleaned["kind"],
        title=cleaned["title"],
        status=cleaned.get("status") or current or ActivityStatus.PLANNED,
        planned_on=cleaned["planned_on"],
        place=cleaned["place"],
        neighbourhood=cleaned["neighbourhood"],
        requested_by=cleaned["requested_by"],
        requested_on=cleaned["requested_on"],
        class_name=cleaned["class_name"],
        facilitators=list(cleaned["facilitators"]),
        summary=cleaned["summary"],
    )


def _save(
    request: HttpRequest, form: ActivityForm, sheet: ActionSheet, activity: Activity | None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        saved = activities.save_activity(
            actor=request.user,
            sheet=sheet,
            activity=activity,
            data=_data(form, activity.status if activity else None),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
            form.add_error(None, error)
        else:
            form.add_error(None, error_text(error))
        return None
    messages.success(
        request,
        _("The activity has been saved.") if activity else _("The activity has been created."),
    )
    return HttpResponseRedirect(reverse("strategy:activity", args=[saved.public_id]))


@require_right(REPORT)
def activity_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    territory = current_territory(request)
    sheet = selectors.sheet_for(request.user, territory, public_id)
    if sheet is None:
        raise Http404
    _require_report(request, sheet)
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, territory=territory)
    if data is not None:
        done = _save(request, form, sheet, None)
        if done:
            return done
    return render(
        request,
        "strategy/activities/form.html",
        {"sheet": sheet, "activity": None, "form": form},
        status=400 if data is not None else 200,
    )


@require_right(REPORT)
def activity_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    activity = _activity_or_404(request, public_id)
    _require_report(request, activity.sheet)
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, instance=activity, territory=current_territory(request))
    if data is not None:
        done = _save(request, form, activity.sheet, activity)
        if done:
            return done
    return render(
        request,
        "strategy/activities/form.html",
        {"sheet": activity.sheet, "activity": activity, "form": form},
        status=400 if data is not None else 200,
    )


@require_right(REPORT)
def activity_held(request: HttpRequest, public_id: Any) -> HttpResponse:
    activity = _activity_or_404(request, public_id)
    _require_report(request, activity.sheet)
    if activity.status == ActivityStatus.CANCELLED:
        messages.error(request, _("A cancelled activity cannot be recorded as held."))
        return HttpResponseRedirect(reverse("strategy:activity", args=[activity.public_id]))
    initial: dict[str, Any] = {
        "held_on": activity.held_on
        or min(activity.planned_on or timezone.localdate(), timezone.localdate()),
        "summary": activity.summary,
    }
    for count in activity.participant_counts.all():
        initial[HeldForm.cell(count.age_band, count.sex)] = count.count
    data = request.POST if request.method == "POST" else None
    form = HeldForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            activities.record_held(
                actor=request.user,
                activity=activity,
                held_on=form.cleaned_data["held_on"],
                counts=form.counts(),
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
                form.add_error(None, error)
            else:
                form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The activity is recorded as held."))
            return HttpResponseRedirect(reverse("strategy:activity", args=[activity.public_id]))
    return render(
        request,
        "strategy/activities/held_form.html",
        {"activity": activity, "form": form},
        status=400 if data is not None else 200,
    )


@require_POST
@require_right(REPORT)
def activity_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    activity = _activity_or_404(request, public_id)
    _require_report(request, activity.sheet)
    try:
        activities.cancel_activity(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The activity has been cancelled."))
    return HttpResponseRedirect(reverse("strategy:activity", args=[activity.public_id]))


urlpatterns = [
    path("activites/", activity_list, name="activities"),
    path("activites/<uuid:public_id>/", activity_detail, name="activity"),
    path("activites/<uuid:public_id>/modifier/", activity_edit, name="activity_edit"),
    path("activites/<uuid:public_id>/realisee/", activity_held, name="activity_held"),
    path("activites/<uuid:public_id>/annuler/", activity_cancel, name="activity_cancel"),
    path("fiches/<uuid:public_id>/activites/nouvelle/", activity_create, name="activity_create"),
]
