"""The coordinator's and director's pages to organise the field (`field.oversee_field`):
teams with their supervisor and members, sectors drawn from the territory's neighbourhoods;
and the shifts' planning, for them and for a team's supervisor. Thin: forms in, services for
writes, selectors for reads; what one may not see is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.field import selectors, services
from tranquillite.field.forms import SectorForm, ShiftPlanForm, TeamForm
from tranquillite.field.models import Sector, Team


def _refused(form: Form, error: ValidationError) -> None:
    """A service's refusal onto the form, on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _team_initial(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "kind": team.kind,
        "supervisor": team.supervisor.public_id if team.supervisor else None,
        "members": [
            m.user.public_id for m in team.memberships.filter(is_active=True).select_related("user")
        ],
        "is_active": team.is_active,
    }


@require_right("field.oversee_field")
def teams(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    staff = selectors.field_staff(territory)
    form = TeamForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_team(
                actor=request.user,
                territory=territory,
                name=data["name"],
                kind=data["kind"],
                supervisor=data["supervisor"],
                members=list(data["members"]),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Team created."))
            return redirect("field:teams")
    return render(
        request,
        "field/teams.html",
        {"teams": selectors.managed_teams(request.user, territory), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_right("field.oversee_field", record=Team)
def team(request: HttpRequest, public_id: Any) -> HttpResponse:
    territory = current_territory(request)
    found = selectors.managed_teams(request.user, territory).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    staff = selectors.field_staff(territory)
    form = TeamForm(request.POST or None, staff=staff, initial=_team_initial(found))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_team(
                actor=request.user,
                team=found,
                name=data["name"],
                kind=data["kind"],
                supervisor=data["supervisor"],
                members=list(data["members"]),
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect("field:teams")
    return render(
        request,
        "field/team_form.html",
        {"team": found, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_right("field.oversee_field")
def sectors(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    neighbourhoods = selectors.neighbourhoods_of(territory)
    form = SectorForm(request.POST or None, neighbourhoods=neighbourhoods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_sector(
                actor=request.user,
                territory=territory,
                name=data["name"],
                kind=data["kind"],
                neighbourhood=data["neighbourhood"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Sector created."))
            return redirect("field:sectors")
    listed = (
        Sector.objects.in_territory(territory)
        .select_related("neighbourhood")
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "field/sectors.html",
        {"sectors": listed, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_right("field.oversee_field", record=Sector)
def sector(request: HttpRequest, public_id: Any) -> HttpResponse:
    territory = current_territory(request)
    found = Sector.objects.in_territory(territory).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    initial = {
        "name": found.name,
        "kind": found.kind,
        "neighbourhood": found.neighbourhood.public_id,
        "is_active": found.is_active,
    }
    form = SectorForm(
        request.POST or None,
        neighbourhoods=selectors.neighbourhoods_of(territory),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_sector(
                actor=request.user,
                sector=found,
                name=data["name"],
                kind=data["kind"],
                neighbourhood=data["neighbourhood"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Sector saved."))
            return redirect("field:sectors")
    return render(
        request,
        "field/sector_form.html",
        {"sector": found, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_right("core.view_territory", hide=True)
def planning(request: HttpRequest) -> HttpResponse:
    """Plan the coming shifts: whoever oversees the field, for every team; a supervisor, for
    the teams he supervises. Nobody else sees this page (404)."""
    territory = current_territory(request)
    oversees = request.user.has_perm("field.oversee_field", territory)
    teams = selectors.supervised_teams(request.user, territory, oversees=oversees)
    team_list = list(teams)
    if not team_list:
        raise Http404
    form = ShiftPlanForm(
        request.POST or None,
        teams=teams,
        sectors=selectors.sectors_of(territory),
        staff=selectors.field_staff(territory),
        initial={"date": timezone.localdate(), "start": "16:00", "end": "00:00"},
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.planned()
        try:
            services.plan_shift(
                actor=request.user,
                team=form.cleaned_data["team"],
                sector=form.cleaned_data["sector"],
                planned_start=start,
                planned_end=end,
                members=list(form.cleaned_data["members"]),
            )
        except ValidationError as error:
            _refused(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Shift planned."))
            return redirect("field:planning")
    shifts = selectors.planned_shifts(request.user, territory, team_list, timezone.localdate())
    return render(
        request,
        "field/planning.html",
        {"form": form, "shifts": shifts[:100]},
        status=400 if form.is_bound and form.errors else 200,
    )
