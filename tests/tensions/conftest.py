from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.models import OrganisationKind, User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import Team, TeamKind
from tranquillite.governance.models import Body, BodyKind, BodyMember
from tranquillite.tensions import services
from tranquillite.tensions.models import TensionAlert


@dataclass
class Setup:
    territory: Territory
    a: Neighbourhood
    b: Neighbourhood
    c: Neighbourhood
    coordinator: User
    cell_member: User  # a partner member of the monitoring cell
    supervisor: User  # a mediator supervising a field team
    police: User  # a partner member working for the national police
    outsider: User  # a director, in no cell, supervising nothing
    mediator: User  # a mediator who supervises nothing
    team: Team
    cell: Body


def make_setup(territory: Territory) -> Setup:
    a, b, c = (
        NeighbourhoodFactory(territory=territory, name=name)
        for name in ("Quatre-Chemins", "Courtillières", "Hoche")
    )
    coordinator = member(territory, Role.COORDINATOR)
    cell_member = member(territory, Role.PARTNER_MEMBER)
    supervisor = member(territory, Role.MEDIATOR)
    police = member(
        territory,
        Role.PARTNER_MEMBER,
        organisation=OrganisationFactory(
            territory=territory, kind=OrganisationKind.NATIONAL_POLICE
        ),
    )
    outsider = member(territory, Role.DIRECTOR)
    mediator = member(territory, Role.MEDIATOR)
    team = Team.objects.create(
        territory=territory, name="Médiation nord", kind=TeamKind.MEDIATION, supervisor=supervisor
    )
    cell = Body.objects.create(
        territory=territory, name="Cellule de veille", kind=BodyKind.MONITORING_CELL
    )
    BodyMember.objects.create(territory=territory, body=cell, user=coordinator)
    BodyMember.objects.create(territory=territory, body=cell, user=cell_member)
    BodyMember.objects.create(
        territory=territory,
        body=cell,
        contact_name="Bailleur (astreinte)",
        contact_email="astreinte@bailleur.test",
    )
    return Setup(
        territory,
        a,
        b,
        c,
        coordinator,
        cell_member,
        supervisor,
        police,
        outsider,
        mediator,
        team,
        cell,
    )


@pytest.fixture
def setup(territory) -> Setup:
    return make_setup(territory)


def raise_one(setup: Setup, **changes) -> TensionAlert:
    values = {
        "actor": setup.coordinator,
        "territory": setup.territory,
        "neighbourhoods": [setup.a, setup.b],
        "level": "tension",
        "source": "field_team",
        "description": "Rumeur d'affrontement après un match, rendez-vous évoqué au parc.",
    }
    values.update(changes)
    return services.raise_alert(**values)
