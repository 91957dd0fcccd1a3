"""The pages that organise the field: teams (supervisor, members), sectors drawn from the
territory's neighbourhoods, the shifts' planning; who may use them; bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import make_field
from tranquillite.accounts.roles import Role
from tranquillite.field import services
from tranquillite.field.models import Sector, Shift, Team, TeamMembership


def test_the_director_creates_and_edits_a_team(
    field, territory, client_for, django_assert_max_num_queries
):
    warden = member(territory, Role.PARK_WARDEN)
    client = client_for(field.director)
    created = client.post(
        "/terrain/equipes/",
        {
            "name": "Gardes du parc",
            "kind": "park_wardens",
            "supervisor": str(warden.public_id),
            "members": [str(warden.public_id)],
        },
    )
    assert created.status_code == 302, created.content
    team = Team.objects.get(name="Gardes du parc")
    assert team.supervisor == warden and team.kind == "park_wardens"
    assert list(TeamMembership.objects.filter(team=team).values_list("user", flat=True)) == [
        warden.pk
    ]
    # The same name again, or someone who is not field staff: refused on the form.
    again = client.post("/terrain/equipes/", {"name": "gardes du parc", "kind": "mediation"})
    assert again.status_code == 400
    assert "déjà" in again.context["form"].errors["name"][0]
    director_as_member = client.post(
        "/terrain/equipes/",
        {"name": "Autre", "kind": "mediation", "members": [str(field.director.public_id)]},
    )
    assert director_as_member.status_code == 400
    # Edit: the warden leaves (kept, inactive), the mediator joins.
    edited = client.post(
        f"/terrain/equipes/{team.public_id}/",
        {
            "name": "Gardes des parcs",
            "kind": "park_wardens",
            "members": [str(field.mediator.public_id)],
            "is_active": "on",
        },
    )
    assert edited.status_code == 302
    memberships = dict(TeamMembership.objects.filter(team=team).values_list("user", "is_active"))
    assert memberships == {warden.pk: False, field.mediator.pk: True}
    with django_assert_max_num_queries(20):
        listed = client.get("/terrain/equipes/")
    assert listed.status_code == 200 and b"Gardes des parcs" in listed.content


def test_a_team_with_entries_keeps_its_kind(field, shift):
    from tests.field.conftest import entry_input

    services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    with pytest.raises(ValidationError):
        services.update_team(
            actor=field.director,
            team=field.team,
            name=field.team.name,
            kind="park_wardens",
            supervisor=field.supervisor,
            members=[field.mediator],
        )


def test_sectors_come_from_the_territorys_neighbourhoods(field, client_for, other_territory):
    client = client_for(field.director)
    created = client.post(
        "/terrain/secteurs/",
        {"name": "Parc Diderot", "kind": "park", "neighbourhood": str(field.hoche.public_id)},
    )
    assert created.status_code == 302
    sector = Sector.objects.get(name="Parc Diderot")
    assert sector.neighbourhood == field.hoche
    elsewhere = make_field(other_territory)
    refused = client.post(
        f"/terrain/secteurs/{sector.public_id}/",
        {"name": "Parc", "kind": "park", "neighbourhood": str(elsewhere.hoche.public_id)},
    )
    assert refused.status_code == 400
    # Another territory's sector and team are not found.
    assert client.get(f"/terrain/secteurs/{elsewhere.sector.public_id}/").status_code == 404
    assert client.get(f"/terrain/equipes/{elsewhere.team.public_id}/").status_code == 404
    closed = client.post(
        f"/terrain/secteurs/{sector.public_id}/",
        {"name": "Parc Diderot", "kind": "park", "neighbourhood": str(field.hoche.public_id)},
    )
    assert closed.status_code == 302
    sector.refresh_from_db()
    assert sector.is_active is False


def test_who_may_organise_the_field(field, client_for, territory):
    for user in (field.mediator, member(territory, Role.ELECTED_OFFICIAL)):
        client = client_for(user)
        assert client.get("/terrain/equipes/").status_code == 403
        assert client.get("/terrain/secteurs/").status_code == 403
    assert client_for(field.mediator).get("/terrain/planning/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.create_sector(
            actor=field.supervisor,
            territory=territory,
            name="X",
            kind="route",
            neighbourhood=field.hoche,
        )


def test_the_supervisor_plans_a_night_shift(field, client_for, django_assert_max_num_queries):
    client = client_for(field.supervisor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    planned = client.post(
        "/terrain/planning/",
        {
            "team": str(field.team.public_id),
            "sector": str(field.sector.public_id),
            "date": tomorrow.isoformat(),
            "start": "16:00",
            "end": "00:00",
            "members": [str(field.mediator.public_id)],
        },
    )
    assert planned.status_code == 302, planned.content
    shift = Shift.objects.get()
    assert shift.date == tomorrow
    assert shift.planned_end - shift.planned_start == timedelta(hours=8)
    assert list(shift.members.all()) == [field.mediator]
    # Someone outside the team cannot be planned in it.
    refused = client.post(
        "/terrain/planning/",
        {
            "team": str(field.team.public_id),
            "sector": str(field.sector.public_id),
            "date": tomorrow.isoformat(),
            "start": "10:00",
            "end": "12:00",
            "members": [str(field.supervisor.public_id)],
        },
    )
    assert refused.status_code == 400
    assert Shift.objects.count() == 1
    with django_assert_max_num_queries(25):
        page = client.get("/terrain/planning/")
    assert page.status_code == 200
    assert page.context["shifts"][0] == shift
