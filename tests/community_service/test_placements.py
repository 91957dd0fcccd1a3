"""Opening a placement, each change of state and its guard, and the rules of item 9."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.community_service.conftest import (
    activate,
    make_person,
    make_post,
    open_placement,
    person_fields,
    record,
    terms,
)
from tranquillite.community_service import services
from tranquillite.community_service.models import (
    InterruptionReason,
    Placement,
    PlacementEvent,
    PlacementState,
)
from tranquillite.community_service.timesheets import add_months, default_deadline

pytestmark = pytest.mark.django_db


def test_a_proposal_gets_a_case_number_the_default_deadline_and_its_first_event(
    coordinator, territory, post, spip, officer
):
    placement = open_placement(coordinator, territory, post, spip, officer)
    assert placement.case_number == f"TIG-{timezone.localdate().year}-0001"
    assert placement.state == PlacementState.PROPOSED
    assert placement.deadline == default_deadline(placement.sentence_date)
    event = placement.events.get()
    assert (event.to_state, event.recorded_by) == (PlacementState.PROPOSED, coordinator)


@pytest.mark.parametrize("hours", [0, 19, 401, 1000])
def test_hours_outside_20_400_are_refused(coordinator, territory, post, spip, hours):
    with pytest.raises(ValidationError, match="entre 20 et 400"):
        open_placement(coordinator, territory, post, spip, hours_ordered=hours)
    assert not Placement.objects.exists()


def test_another_deadline_needs_a_reason(coordinator, territory, post, spip):
    sentence = timezone.localdate() - timedelta(days=10)
    with pytest.raises(ValidationError):
        open_placement(
            coordinator,
            territory,
            post,
            spip,
            sentence_date=sentence,
            deadline=add_months(sentence, 12),
        )
    placement = open_placement(
        coordinator,
        territory,
        post,
        spip,
        sentence_date=sentence,
        deadline=add_months(sentence, 12),
        deadline_reason="Décision du JAP",
    )
    assert placement.deadline == add_months(sentence, 12)


def test_more_placements_than_capacity_are_refused(coordinator, territory, parks, spip):
    post = make_post(territory, parks, capacity=1)
    open_placement(coordinator, territory, post, spip)
    with pytest.raises(ValidationError, match="complet"):
        open_placement(
            coordinator, territory, post, spip, new_person=person_fields(first_name="Léa")
        )
    assert post.placements.count() == 1


def test_a_closed_post_takes_no_placement(coordinator, territory, post, spip):
    services.set_post_open(actor=coordinator, post=post, is_open=False, reason="Travaux")
    with pytest.raises(ValidationError):
        open_placement(coordinator, territory, post, spip)
    assert post.status_changes.filter(is_open=False, reason="Travaux").exists()


def test_a_minor_needs_a_post_that_accepts_minors(coordinator, territory, post, spip):
    minor = person_fields(birth_date=timezone.localdate() - timedelta(days=17 * 366))
    with pytest.raises(ValidationError, match="mineurs"):
        open_placement(coordinator, territory, post, spip, new_person=minor)
    post.minors_accepted = True
    post.save()
    assert open_placement(coordinator, territory, post, spip, new_person=minor).pk


def test_only_the_coordinator_opens_a_placement(supervisor, officer, territory, post, spip):
    for user in (supervisor, officer):
        with pytest.raises(PermissionDenied):
            open_placement(user, territory, post, spip)


def test_the_start_needs_the_agreement_and_the_first_interview(coordinator, territory, post, spip):
    placement = open_placement(coordinator, territory, post, spip)
    with pytest.raises(ValidationError, match="accord"):
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.ACTIVE,
            occurred_on=timezone.localdate(),
        )
    placement.refresh_from_db()
    assert placement.state == PlacementState.PROPOSED
    activate(coordinator, placement)
    placement.refresh_from_db()
    assert placement.state == PlacementState.ACTIVE
    assert placement.started_on is not None


def test_suspend_and_resume(coordinator, placement):
    today = timezone.localdate()
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.SUSPENDED,
        occurred_on=today,
    )
    with pytest.raises(ValidationError):  # not from suspended
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.COMPLETED,
            occurred_on=today,
        )
    services.change_state(
        actor=coordinator, placement=placement, target=PlacementState.ACTIVE, occurred_on=today
    )
    states = list(placement.events.values_list("from_state", "to_state"))
    assert states[-2:] == [("active", "suspended"), ("suspended", "active")]


def test_completion_needs_every_hour_done_and_validated(coordinator, supervisor, placement):
    placement.hours_ordered = 20
    placement.save()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="heures"):
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.COMPLETED,
            occurred_on=today,
        )
    sessions = [
        record(supervisor, placement, day=today - timedelta(days=n))[0] for n in range(1, 8)
    ]
    with pytest.raises(ValidationError, match="valid"):
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.COMPLETED,
            occurred_on=today,
        )
    for session in sessions:
        services.validate_session(actor=supervisor, session=session)
    done = services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.COMPLETED,
        occurred_on=today,
    )
    assert done.state == PlacementState.COMPLETED
    assert done.destroy_on == add_months(today, 36)


def test_an_interruption_needs_a_reason_from_the_closed_list(coordinator, placement):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.INTERRUPTED,
            occurred_on=today,
            reason="the judge said so",
        )
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.INTERRUPTED,
        occurred_on=today,
        reason=InterruptionReason.ABSENCES,
    )
    placement.refresh_from_db()
    assert placement.interruption_reason == InterruptionReason.ABSENCES
    assert placement.ended_on == today
    with pytest.raises(ValidationError):  # closed: nothing moves any more
        services.change_state(
            actor=coordinator,
            placement=placement,
            target=PlacementState.ACTIVE,
            occurred_on=today,
        )
    assert PlacementEvent.objects.filter(placement=placement).count() == 3


def test_no_field_of_the_placement_can_hold_an_offence():
    names = {field.name for field in Placement._meta.get_fields()}
    assert not names & {"offence", "facts", "infraction", "conviction", "court", "judgment"}


def test_a_person_of_the_registry_the_coordinator_does_not_see_is_refused(
    coordinator, territory, post, spip
):
    stranger = make_person(territory)  # known only through a file the coordinator cannot see
    with pytest.raises(PermissionDenied):
        open_placement(coordinator, territory, post, spip, person=stranger)


def test_a_new_person_is_made_in_the_shared_registry(coordinator, territory, post, spip):
    placement = services.propose_placement(
        actor=coordinator,
        territory=territory,
        person=None,
        new_person={
            "first_name": "Inès",
            "last_name": "Moreau",
            "birth_date": timezone.localdate() - timedelta(days=30 * 365),
            "sex": "female",
        },
        terms=terms(post, spip),
    )
    assert placement.person.name_key  # a Person of people.models, searchable


def test_merging_a_duplicate_moves_its_placement(coordinator, territory, post, spip):
    from tranquillite.people.services import merge_people

    first = open_placement(coordinator, territory, post, spip)
    second = open_placement(
        coordinator, territory, post, spip, new_person=person_fields(first_name="Yannis")
    )
    survivor = merge_people(
        actor=coordinator, survivor=first.person, absorbed=second.person, reason="Même personne"
    )
    second.refresh_from_db()
    assert second.person == survivor
