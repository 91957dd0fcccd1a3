from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.factories import OrganisationFactory, member
from tests.field.conftest import Field, make_field
from tranquillite.accounts.models import Organisation, OrganisationKind, User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Territory
from tranquillite.field import services as field_services
from tranquillite.technical_issues import services
from tranquillite.technical_issues.models import TechnicalIssue

# A point in Quatre-Chemins (inside the territory, near its centre).
QUATRE_CHEMINS = (Decimal("48.901500"), Decimal("2.393500"))


@dataclass
class Issues:
    territory: Territory
    field: Field
    coordinator: User
    lighting: Organisation  # a city service without accounts (reached by e-mail)
    landlord: Organisation
    landlord_member: User
    other_partner: User  # a partner of another organisation


def make_issues(territory: Territory) -> Issues:
    field = make_field(territory)
    coordinator = member(territory, Role.COORDINATOR)
    lighting = OrganisationFactory(
        territory=territory, name="Éclairage public", email="eclairage@ville.test"
    )
    landlord = OrganisationFactory(
        territory=territory, name="Habitat de l'Ourcq", kind=OrganisationKind.SOCIAL_LANDLORD
    )
    landlord_member = member(territory, Role.PARTNER_MEMBER, organisation=landlord)
    other_partner = member(territory, Role.PARTNER_MEMBER)
    services.set_default_organisation(actor=coordinator, territory=territory, organisation=lighting)
    return Issues(territory, field, coordinator, lighting, landlord, landlord_member, other_partner)


@pytest.fixture
def setup(territory) -> Issues:
    return make_issues(territory)


def raise_one(
    setup: Issues,
    *,
    actor: User | None = None,
    category: str = "lighting",
    where: tuple[Decimal, Decimal] = QUATRE_CHEMINS,
    description: str = "Lampadaire éteint",
    entry=None,
) -> TechnicalIssue:
    return services.raise_issue(
        actor=actor or setup.field.mediator,
        territory=setup.territory,
        data=services.IssueInput(
            category=category,
            description=description,
            latitude=None if entry else where[0],
            longitude=None if entry else where[1],
            log_entry=entry,
        ),
    )


def an_entry(setup: Issues):
    from tests.field.conftest import entry_input

    shift = field_services.clock_in(
        actor=setup.field.mediator, team=setup.field.team, sector=setup.field.sector
    )
    entry, _ = field_services.log_entry(
        actor=setup.field.mediator,
        shift=shift,
        data=entry_input(
            function="technical_watch",
            category="equipment",
            action="reported",
            partner="landlord",
            outcome="referred",
            latitude=QUATRE_CHEMINS[0],
            longitude=QUATRE_CHEMINS[1],
        ),
    )
    return entry
