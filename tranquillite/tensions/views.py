"""The alert pages: the banner fragment polled by every page, the board of active alerts, the
history of lifted ones, an alert with its response log and actions, and the map.

Thin: forms in, services for writes, selectors for reads. Each page showing alerts is a read
written to the access log (the board and the history a list, the alert page a read); the
banner is not (it shows levels and neighbourhoods only, every 15 seconds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_date, as_uuid, current_territory, query_value
from tranquillite.core.models import Territory
from tranquillite.core.refusals import Refusal
from tranquillite.tensions import selectors, services
from tranquillite.tensions.access import may_manage, may_read, may_respond
from tranquillite.tensions.forms import LevelForm, LiftForm, RaiseForm, ResponseForm
from tranquillite.tensions.models import AlertOutcome, Level, TensionAlert

# htmx stops polling on this status (the user may no longer see alerts here).
STOP_POLLING = 286


def _reader(request: HttpRequest) -> Territory:
    territory = current_territory(request)
    if not may_read(request.user, territory):
        raise Refusal("tensions:not_a_reader")
    return territory


@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """The active alerts as a fragment for base.html's live banner: one query for the alerts
    (the roles are already read by the middleware), nothing written."""
    territory = getattr(request, "territory", None)
    user = request.user
    if (
        not user.is_authenticated
        or territory is None
        or not user.has_perm("tensions.view_alerts", territory)
    ):
        return HttpResponse(status=STOP_POLLING)
    alerts = selectors.banner_alerts(user, territory)
    return render(request, "tensions/banner.html", {"alerts": alerts})


@require_GET
@require_right("tensions.view_alerts", hide=True)
def board(request: HttpRequest) -> HttpResponse:
    territory = _reader(request)
    alerts = list(selectors.active_alerts(request.user, territory))
    record_access(request, AccessAction.LIST, alerts)
    context: dict[str, Any] = {"alerts": alerts, "can_manage": may_manage(request.user, territory)}
    if context["can_manage"]:
        context["form"] = RaiseForm(neighbourhoods=selectors.neighbourhoods_of(territory))
    return render(request, "tensions/board.html", context)


@require_POST
@require_right("tensions.manage_alerts")
def raise_alert(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = RaiseForm(request.POST, neighbourhoods=selectors.neighbourhoods_of(territory))
    if form.is_valid():
        data = form.cleaned_data
        try:
            alert = services.raise_alert(
                actor=request.user,
                territory=territory,
                neighbourhoods=data["neighbourhoods"],
                level=data["level"],
                source=data["source"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Alert raised; the monitoring cell is being told."))
            return redirect("tensions:detail", public_id=alert.public_id)
    alerts = list(selectors.active_alerts(request.user, territory))
    record_access(request, AccessAction.LIST, alerts)
    return render(
        request,
        "tensions/board.html",
        {"alerts": alerts, "can_manage": True, "form": form},
        status=422,
    )


def _alert(request: HttpRequest, public_id: Any) -> TensionAlert:
    territory = _reader(request)
    alert = selectors.alert_for(request.user, territory, public_id)
    if alert is None:
        raise Refusal("tensions:alert", model=TensionAlert, public_id=public_id)
    return alert


def _detail_page(
    request: HttpRequest, alert: TensionAlert, *, status: int = 200, **forms: Any
) -> HttpResponse:
    territory = alert.territory
    can_manage = may_manage(request.user, territory)
    can_respond = may_respond(request.user, territory)
    context: dict[str, Any] = {"alert": alert, "can_manage": can_manage, "can_respond": can_respond}
    if alert.is_active and can_respond:
        context["response_form"] = forms.get("response_form") or ResponseForm(
            teams=selectors.teams_of(territory), organisations=selectors.organisations_of(territory)
        )
    if alert.is_active and can_manage:
        context["level_form"] = forms.get("level_form") or LevelForm(initial={"level": alert.level})
        context["lift_form"] = forms.get("lift_form") or LiftForm()
    record_access(request, AccessAction.READ, [alert])
    return render(request, "tensions/detail.html", context, status=status)


@require_GET
@require_right("tensions.view_alerts", record=TensionAlert)
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail_page(request, _alert(request, public_id))


def _write(
    request: HttpRequest,
    alert: TensionAlert,
    action: Callable[[], Any],
    done: str,
    form_name: str,
    form: Any,
) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        form.add_error(None, error)
        return _detail_page(request, alert, status=422, **{form_name: form})
    except PermissionDenied as error:
        raise Refusal("tensions:write", asked=alert) from error
    messages.success(request, done)
    return redirect("tensions:detail", public_id=alert.public_id)


@require_POST
@require_right("tensions.log_responses", record=TensionAlert)
def respond(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = _alert(request, public_id)
    territory = alert.territory
    form = ResponseForm(
        request.POST,
        teams=selectors.teams_of(territory),
        organisations=selectors.organisations_of(territory),
    )
    if not form.is_valid():
        return _detail_page(request, alert, status=422, response_form=form)
    data = form.cleaned_data
    return _write(
        request,
        alert,
        lambda: services.log_response(actor=request.user, alert=alert, **data),
        _("Response logged."),
        "response_form",
        form,
    )


@require_POST
@require_right("tensions.manage_alerts", record=TensionAlert)
def change_level(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = _alert(request, public_id)
    form = LevelForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, alert, status=422, level_form=form)
    return _write(
        request,
        alert,
        lambda: services.change_level(actor=request.user, alert=alert, **form.cleaned_data),
        _("Level changed; the monitoring cell is being told."),
        "level_form",
        form,
    )


@require_POST
@require_right("tensions.manage_alerts", record=TensionAlert)
def lift(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = _alert(request, public_id)
    form = LiftForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, alert, status=422, lift_form=form)
    return _write(
        request,
        alert,
        lambda: services.lift_alert(actor=request.user, alert=alert, **form.cleaned_data),
        _("Alert lifted; the monitoring cell is being told."),
        "lift_form",
        form,
    )


@require_GET
@require_right("tensions.view_alerts", hide=True)
def history(request: HttpRequest) -> HttpResponse:
    territory = _reader(request)
    neighbourhoods = list(selectors.neighbourhoods_of(territory))
    chosen_id = query_value(request, "quartier", as_uuid, None)
    level = request.GET.get("niveau", "")
    outcome = request.GET.get("issue", "")
    chosen = selectors.HistoryFilter(
        neighbourhood=next((n for n in neighbourhoods if n.public_id == chosen_id), None),
        level=level if level in Level.values else "",
        outcome=outcome if outcome in AlertOutcome.values else "",
        since=query_value(request, "du", as_date, None),
        until=query_value(request, "au", as_date, None),
    )
    after = query_value(request, "apres", as_uuid, None)
    page = selectors.history_page(request.user, territory, chosen, after=after)
    record_access(request, AccessAction.LIST, page.alerts)
    return render(
        request,
        "tensions/history.html",
        {
            "alerts": page.alerts,
            "older": page.older,
            "paged": after is not None,
            "chosen": chosen,
            "neighbourhoods": neighbourhoods,
            "levels": Level.choices,
            "outcomes": AlertOutcome.choices,
        },
    )


@require_GET
@require_right("tensions.view_alerts", hide=True)
def alert_map(request: HttpRequest) -> HttpResponse:
    territory = _reader(request)
    points = selectors.map_points(request.user, territory)
    return render(request, "tensions/map.html", {"points": points, "map_points": points})
