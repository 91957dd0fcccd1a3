from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import NeighbourhoodFactory, member
from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field import services
from tranquillite.field.models import Sector, SectorKind, Shift, Team, TeamKind


@dataclass
class Field:
    territory: Territory
    quatre_chemins: Neighbourhood
    hoche: Neighbourhood
    sector: Sector
    team: Team
    mediator: User
    supervisor: User
    director: User


def entry_input(**changes: Any) -> services.EntryInput:
    values: dict[str, Any] = {
        "client_uuid": uuid.uuid4(),
        "occurred_at": timezone.now(),
        "function": "conflict_handling",
        "category": "neighbour_conflict",
        "age_band": "26_59",
        "sex": "mixed",
        "group_size": 2,
        "action": "mediation",
        "partner": "none",
        "outcome": "settled",
    }
    values.update(changes)
    return services.EntryInput(**values)


def make_field(territory: Territory) -> Field:
    quatre_chemins = NeighbourhoodFactory(
        territory=territory,
        name="Quatre-Chemins",
        centre_latitude=Decimal("48.9012"),
        centre_longitude=Decimal("2.3933"),
    )
    hoche = NeighbourhoodFactory(
        territory=territory,
        name="Hoche",
        centre_latitude=Decimal("48.8918"),
        centre_longitude=Decimal("2.4031"),
    )
    director = member(territory, Role.DIRECTOR)
    mediator = member(territory, Role.MEDIATOR)
    supervisor = member(territory, Role.MEDIATOR)
    sector = services.create_sector(
        actor=director,
        territory=territory,
        name="Quatre-Chemins",
        kind=SectorKind.NEIGHBOURHOOD,
        neighbourhood=quatre_chemins,
    )
    team = services.create_team(
        actor=director,
        territory=territory,
        name="Médiation soir",
        kind=TeamKind.MEDIATION,
        supervisor=supervisor,
        members=[mediator],
    )
    return Field(territory, quatre_chemins, hoche, sector, team, mediator, supervisor, director)


@pytest.fixture
def field(territory) -> Field:
    return make_field(territory)


@pytest.fixture
def shift(field) -> Shift:
    return services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
