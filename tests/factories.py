"""Factories of the foundation: territories, organisations, users with roles."""

from __future__ import annotations

from decimal import Decimal

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from tranquillite.accounts.models import Membership, Organisation, OrganisationKind, User
from tranquillite.accounts.roles import MFA_REQUIRED_ROLES, Role
from tranquillite.core.models import Neighbourhood, Territory

PASSWORD = "Correct-Horse-Battery-9!"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    insee_codes = factory.Sequence(lambda n: f"{93000 + n % 999:05d}")
    council_name = factory.LazyAttribute(lambda t: f"CLSPD de {t.name}")
    population = 20000


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    centre_latitude = Decimal("48.89")
    centre_longitude = Decimal("2.40")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.CITY_SERVICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def enrol_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)


def member(
    territory: Territory,
    role: Role,
    *,
    organisation: Organisation | None = None,
    user: User | None = None,
    with_mfa: bool | None = None,
) -> User:
    """A user holding `role` in `territory` (with a second factor when the role needs one)."""
    user = user or UserFactory()
    organisation = organisation or OrganisationFactory(territory=territory)
    Membership.objects.create(user=user, territory=territory, organisation=organisation, role=role)
    if with_mfa if with_mfa is not None else role in MFA_REQUIRED_ROLES:
        enrol_totp(user)
    return user


# --- Strategy (shared by tests/strategy and tests/governance) -------------------------------


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Strategy"

    territory = factory.SubFactory(TerritoryFactory)
    kind = "territorial_strategy"
    title = factory.Sequence(lambda n: f"Stratégie territoriale {n}")
    is_current = True


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Axis"

    strategy = factory.SubFactory(StrategyFactory)
    territory = factory.SelfAttribute("strategy.territory")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe {n}")


class ActionSheetFactory(factory.django.DjangoModelFactory):
    """An action sheet; pass `axis=` (or `axis__strategy__territory=`) to place it."""

    class Meta:
        model = "strategy.ActionSheet"

    axis = factory.SubFactory(AxisFactory)
    territory = factory.SelfAttribute("axis.territory")
    number = factory.Sequence(lambda n: f"{n + 1}")
    title = factory.Sequence(lambda n: f"Fiche action {n}")
    lead = factory.SubFactory(OrganisationFactory, territory=factory.SelfAttribute("..territory"))


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Indicator"

    sheet = factory.SubFactory(ActionSheetFactory)
    territory = factory.SelfAttribute("sheet.territory")
    kind = "output"
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "ateliers"
