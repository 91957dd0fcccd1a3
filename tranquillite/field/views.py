"""The field pages: the phone page of a mediator or park warden (clock in, the daily log with
its queue of entries waiting to be sent, clock out), the supervisor's day, and the web app's
manifest and service worker. Thin: forms in, services for writes, selectors for reads.

The daily log names no one (the public in aggregate only), so reading it is not a read of
nominative data and is not written to the access log (docs/privacy.md, field presence)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_date, as_month, current_territory, error_text, query_value
from tranquillite.field import selectors, services
from tranquillite.field.forms import ClockInForm, LogEntryForm
from tranquillite.field.geo import cell_centre, cell_outline, nearest_neighbourhood
from tranquillite.field.models import Category, Function, Shift, Team
from tranquillite.field.permissions import may_validate

SENT_SHOWN = 50
# What the service worker keeps for the field page to open with no network.
OFFLINE_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/tranquillite.css",
    "field/field.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "js/tranquillite.js",
    "vendor/idb/umd.js",
    "field/field.js",
    "field/icon-192.png",
    "field/icon-512.png",
)


def _phone_page(
    request: HttpRequest, *, entry_form: LogEntryForm | None = None, status: int = 200
) -> HttpResponse:
    territory = current_territory(request)
    teams = selectors.teams_of(request.user, territory)
    shift = selectors.open_shift(request.user, territory)
    neighbourhoods = selectors.neighbourhoods_of(territory)
    context: dict[str, Any] = {
        "teams": teams,
        "shift": shift,
        "supervises": selectors.supervised_teams(request.user, territory, oversees=False).exists(),
    }
    if shift is None:
        context["clock_in_form"] = ClockInForm(
            teams=teams, sectors=selectors.sectors_of(territory).select_related("neighbourhood")
        )
    else:
        context["entry_form"] = entry_form or LogEntryForm(
            team_kind=shift.team.kind, neighbourhoods=neighbourhoods
        )
        context["sent"] = selectors.entries(request.user, territory, shift=shift)[:SENT_SHOWN]
    return render(request, "field/phone.html", context, status=status)


@require_right("field.log_presence")
def phone(request: HttpRequest) -> HttpResponse:
    return _phone_page(request)


@require_POST
@require_right("field.log_presence")
def clock_in(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = ClockInForm(
        request.POST,
        teams=selectors.teams_of(request.user, territory),
        sectors=selectors.sectors_of(territory),
    )
    if not form.is_valid():
        messages.error(request, _("Choose your team and your sector."))
        return redirect("field:phone")
    try:
        services.clock_in(
            actor=request.user, team=form.cleaned_data["team"], sector=form.cleaned_data["sector"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("field:phone")


def _visible_shift(request: HttpRequest, public_id: Any) -> Shift:
    shift = selectors.shift_for(request.user, current_territory(request), public_id)
    if shift is None:
        raise Http404
    return shift


def _act(request: HttpRequest, action: Callable[..., Shift], shift: Shift, done: str) -> None:
    """Run a service on a shift: its refusal as a message, what one may not do a 404."""
    try:
        action(actor=request.user, shift=shift)
        messages.success(request, done)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied as error:
        raise Http404 from error


@require_POST
@require_right("field.log_presence", hide=True)
def clock_out(request: HttpRequest, public_id: Any) -> HttpResponse:
    shift = _visible_shift(request, public_id)
    _act(request, services.clock_out, shift, _("Shift ended. Thank you!"))
    return redirect("field:phone")


@require_POST
@require_right("field.log_presence", hide=True)
def add_entry(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The entry form without JavaScript: the same service as the API."""
    territory = current_territory(request)
    shift = _visible_shift(request, public_id)
    form = LogEntryForm(
        request.POST,
        request.FILES,
        team_kind=shift.team.kind,
        neighbourhoods=selectors.neighbourhoods_of(territory),
    )
    if form.is_valid():
        try:
            entry, _created = services.log_entry(
                actor=request.user, shift=shift, data=form.to_input()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Entry saved."))
            for warning in entry.note_warnings:
                messages.warning(request, warning)
            if form.cleaned_data["photo"]:
                try:
                    services.attach_photo(
                        actor=request.user, entry=entry, upload=form.cleaned_data["photo"]
                    )
                except ValidationError as error:
                    # The entry is kept: only the photo is refused, with its reason.
                    messages.error(request, error_text(error))
            return redirect("field:phone")
    return _phone_page(request, entry_form=form, status=400)


@require_GET
@require_right("core.view_territory", hide=True)
def day(request: HttpRequest) -> HttpResponse:
    """The supervisor's day: a team's shifts and entries for a date. Teams: those the user
    supervises, or all of the territory for whoever oversees the field; none → 404."""
    territory = current_territory(request)
    oversees = request.user.has_perm("field.oversee_field", territory)
    teams = list(selectors.supervised_teams(request.user, territory, oversees=oversees))
    if not teams:
        raise Http404
    wanted = request.GET.get("equipe", "")
    team: Team = next((t for t in teams if str(t.public_id) == wanted), teams[0])
    chosen = query_value(request, "date", as_date, timezone.localdate())
    shifts = selectors.day_of_team(request.user, territory, team, chosen)
    return render(
        request,
        "field/day.html",
        {
            "teams": teams,
            "team": team,
            "day": chosen,
            "shifts": shifts,
            "entries_count": sum(len(shift.entries.all()) for shift in shifts),
            "hours": round(sum(shift.hours or 0 for shift in shifts), 2),
        },
    )


@require_right("core.view_territory", hide=True)
def flagged_note(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A note the guard flagged, read on purpose (logged) by its author or the team's
    supervisor, who may erase it. Anyone else: 404."""
    territory = current_territory(request)
    entry = selectors.entry_for(request.user, territory, public_id)
    if entry is None or not services.may_read_flagged_note(request.user, entry):
        raise Http404
    day_url = f"{reverse('field:day')}?" + urlencode(
        {"equipe": str(entry.team.public_id), "date": entry.shift.date.isoformat()}
    )
    if request.method == "POST":
        try:
            services.remove_note(actor=request.user, entry=entry)
        except PermissionDenied as error:
            raise Http404 from error
        messages.success(request, _("Note removed."))
        return redirect(day_url)
    if request.method != "GET":
        return HttpResponse(status=405)
    if entry.author_id != request.user.pk:
        record_access(request, AccessAction.READ, [entry])
    return render(
        request,
        "field/flagged_note.html",
        {
            "entry": entry,
            "day_url": day_url,
            "may_remove": may_validate(request.user, entry.team),
        },
    )


@require_POST
@require_right("core.view_territory", hide=True)
def validate(request: HttpRequest, public_id: Any) -> HttpResponse:
    shift = _visible_shift(request, public_id)
    _act(request, services.validate_shift, shift, _("Shift validated."))
    query = urlencode({"equipe": str(shift.team.public_id), "date": shift.date.isoformat()})
    return redirect(f"{reverse('field:day')}?{query}")


def _map_filters(
    request: HttpRequest, teams: list[Team], territory: Any
) -> tuple[selectors.MapFilters, dict[str, str]]:
    """The map's filters from the address (unknown values are ignored, never an error), and
    the same filters as the API's query parameters."""
    team = next((t for t in teams if str(t.public_id) == request.GET.get("equipe", "")), None)
    function = request.GET.get("fonction", "")
    function = function if function in Function.values else ""
    category = request.GET.get("situation", "")
    category = category if category in Category.values else ""
    wanted = request.GET.get("quartier", "")
    neighbourhood = next(
        (n for n in selectors.neighbourhoods_of(territory) if str(n.public_id) == wanted), None
    )
    api: dict[str, str] = {}
    if team is not None:
        api["team"] = str(team.public_id)
    if function:
        api["function"] = function
    if category:
        api["category"] = category
    if neighbourhood is not None:
        api["neighbourhood"] = str(neighbourhood.public_id)
    return selectors.MapFilters(team, function, category, neighbourhood), api


@require_GET
@require_right("core.view_territory", hide=True)
def field_map(request: HttpRequest) -> HttpResponse:
    """The entries of a month (or of its year) on a map of h3 cells, and the same numbers in
    two tables (by cell, by neighbourhood), filtered in the database by team, function,
    situation and neighbourhood. Among what the user may see; no team visible → 404. The
    map names no one: cells and counts, points (zoomed in, when few) with their function."""
    territory = current_territory(request)
    teams = list(selectors.visible_teams(request.user, territory))
    if not teams:
        raise Http404
    month = query_value(request, "mois", as_month, timezone.localdate().replace(day=1))
    whole_year = request.GET.get("periode") == "annee"
    if whole_year:
        first, following = month.replace(month=1), month.replace(year=month.year + 1, month=1)
    else:
        first, following = month, (month + timedelta(days=32)).replace(day=1)
    wanted = request.GET.get("finesse", "")
    resolution = int(wanted) if wanted in {"6", "8", "10"} else 8
    filters, api_query = _map_filters(request, teams, territory)
    period: dict[str, Any] = {
        "start": timezone.make_aware(datetime.combine(first, time(0))),
        "end": timezone.make_aware(datetime.combine(following, time(0))),
        "filters": filters,
    }
    api_query.update({"start": first.isoformat(), "end": following.isoformat()})
    neighbourhoods = list(selectors.neighbourhoods_of(territory))
    counts, by_neighbourhood = selectors.map_counts(
        request.user, territory, resolution=resolution, neighbourhoods=neighbourhoods, **period
    )
    cells = []
    for cell, count in counts:
        latitude, longitude = cell_centre(cell)
        near = nearest_neighbourhood(neighbourhoods, latitude, longitude)
        cells.append(
            {
                "count": count,
                "place": near.name if near else "—",
                "centre": f"{latitude:.4f}, {longitude:.4f}",
                "outline": cell_outline(cell),
            }
        )
    return render(
        request,
        "field/map.html",
        {
            "teams": teams,
            "team": filters.team,
            "month": month,
            "whole_year": whole_year,
            "resolution": resolution,
            "cells": cells,
            "total": sum(cell["count"] for cell in cells),
            "by_neighbourhood": by_neighbourhood,
            "functions": Function.choices,
            "categories": Category.choices,
            "neighbourhoods": neighbourhoods,
            "filters": filters,
            "api_query": urlencode(api_query),
            "points_zoom": selectors.POINTS_ZOOM,
        },
    )


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The field web app's manifest: installable on a phone's home screen."""
    body = {
        "name": "Tranquillité — terrain",
        "short_name": "Terrain",
        "lang": "fr",
        "start_url": reverse("field:phone"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1b4f72",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(json.dumps(body), content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so that its scope covers the field pages. Its cache name
    changes with the asset list (and so with every deployment that renames the files)."""
    assets = [static(path) for path in OFFLINE_ASSETS] + [reverse("field_manifest")]
    version = hashlib.sha256(json.dumps(assets).encode()).hexdigest()[:12]
    response = render(
        request,
        "field/sw.js",
        {
            "assets_json": json.dumps(assets),
            "version": version,
            "page": reverse("field:phone"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
