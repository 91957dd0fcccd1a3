"""Review fixes of the first slice: the probation officer's visibility pairs his service with
the territory of the same membership; the case-number retry retries only a collision."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.community_service.conftest import open_placement, person_fields
from tests.factories import OrganisationFactory, member
from tranquillite.accounts.models import Membership, OrganisationKind
from tranquillite.accounts.roles import Role
from tranquillite.community_service import services
from tranquillite.community_service.models import Placement
from tranquillite.people.models import Person

pytestmark = pytest.mark.django_db


def _copy(placement, *, territory, probation_service, number):
    """A placement row in another territory (the officer branch reads only the service and
    the territory of the placement)."""
    copy = Placement.objects.get(pk=placement.pk)
    copy.pk = None
    copy.public_id = uuid.uuid4()
    copy.territory = territory
    copy.probation_service = probation_service
    copy.case_number = number
    copy.save()
    return copy


def test_an_officer_follows_his_service_only_in_the_territory_of_that_membership(
    territory, other_territory, placement, spip, officer
):
    other_spip = OrganisationFactory(
        territory=other_territory, kind=OrganisationKind.PROBATION_SERVICE
    )
    member(other_territory, Role.PARTNER_MEMBER, organisation=other_spip, user=officer)
    his_there = _copy(
        placement, territory=other_territory, probation_service=other_spip, number="A"
    )
    # His Pantin service in Autreville: no membership pairs that service with that territory.
    crossed = _copy(placement, territory=other_territory, probation_service=spip, number="B")
    visible = set(Placement.objects.visible_to(officer))
    assert visible == {placement, his_there}
    assert crossed not in visible


def test_an_officer_whose_membership_ended_or_whose_service_is_not_probation_sees_nothing(
    territory, placement, spip, officer
):
    Membership.objects.filter(user=officer).update(is_active=False)
    assert not Placement.objects.visible_to(officer).exists()
    police = OrganisationFactory(territory=territory, kind=OrganisationKind.NATIONAL_POLICE)
    Membership.objects.filter(user=officer).update(is_active=True, organisation=police)
    Placement.objects.filter(pk=placement.pk).update(probation_service=police)
    assert not Placement.objects.visible_to(officer).exists()


def test_the_officers_visibility_is_one_query(placement, officer):
    with CaptureQueriesContext(connection) as queries:
        assert list(Placement.objects.visible_to(officer)) == [placement]
    assert len(queries) == 1
    assert "EXISTS" in queries[0]["sql"].upper()


def test_a_case_number_taken_at_the_same_moment_is_retried(
    monkeypatch, coordinator, territory, post, spip
):
    first = open_placement(coordinator, territory, post, spip)
    real = services._next_case_number
    calls = []

    def stale(territory, year):
        # The first attempt reads the number another proposal has just taken.
        calls.append(year)
        return first.case_number if len(calls) == 1 else real(territory, year)

    monkeypatch.setattr(services, "_next_case_number", stale)
    second = open_placement(
        coordinator, territory, post, spip, new_person=person_fields(first_name="Léa")
    )
    assert len(calls) == 2
    assert second.case_number == f"TIG-{timezone.localdate().year}-0002"


def test_case_numbers_always_taken_end_in_a_french_refusal_not_a_crash(
    monkeypatch, coordinator, territory, post, spip
):
    first = open_placement(coordinator, territory, post, spip)
    monkeypatch.setattr(services, "_next_case_number", lambda territory, year: first.case_number)
    with pytest.raises(ValidationError, match="réessayer"):
        open_placement(
            coordinator, territory, post, spip, new_person=person_fields(first_name="Léa")
        )
    # The new person made in the same transaction is gone with the refusal.
    assert not Person.objects.filter(first_name="Léa").exists()
    assert Placement.objects.count() == 1


def test_another_integrity_error_is_not_retried_and_surfaces_in_french(
    monkeypatch, coordinator, territory, post, spip
):
    attempts = []

    def broken_save(self, *args, **kwargs):
        attempts.append(self.case_number)
        raise IntegrityError("CHECK constraint failed: placement_hours_ordered_20_400")

    monkeypatch.setattr(Placement, "save", broken_save)
    with pytest.raises(ValidationError, match="n’a pas pu être enregistré"):
        open_placement(coordinator, territory, post, spip)
    assert len(attempts) == 1
    assert not Person.objects.exists()
