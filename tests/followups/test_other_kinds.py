"""The family council, individual support and victim support run on the same engine; a
victim's file stays apart from an offender's, even when they are linked."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import OrganisationFactory, member
from tests.followups.conftest import TODAY, boy, days_ago, referral, with_parent
from tranquillite.accounts.roles import Role
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step, workflow_for
from tranquillite.followups.models import FollowUp, FollowUpKind, FollowUpLink
from tranquillite.governance import services as council
from tranquillite.people.models import Person


def step(actor, follow_up, name, **data):
    apply_step(actor=actor, follow_up=follow_up, step_name=name, data=data)
    follow_up.refresh_from_db()
    return follow_up


def test_every_kind_declares_a_consistent_workflow():
    for kind in FollowUpKind.values:
        workflow = workflow_for(kind)
        assert workflow.closed_states <= set(workflow.states)
        # Every open state has a way out.
        for state in set(workflow.states) - workflow.closed_states:
            assert workflow.steps_from(state), (kind, state)


def test_the_family_council_hears_the_parents_and_follows_the_measures(family_council, coordinator):
    child = services.open_follow_up(
        actor=coordinator,
        body=family_council,
        kind="family_council",
        data={
            "opened_on": days_ago(20).isoformat(),
            "source": "law_reminder",
            "facts": "absenteeism",
        },
        new_person=boy(),
    )
    assert child.case_number.startswith("CDDF-")
    session_at = timezone.localtime() + timedelta(days=7)
    with_parent(child)  # the parents are convened (followups/letters.py)
    step(
        coordinator,
        child,
        "plan_session",
        occurred_on=TODAY().isoformat(),
        session_at=session_at.strftime("%Y-%m-%dT%H:%M"),
        place="Mairie",
    )
    assert child.state == "session_planned"
    step(
        coordinator,
        child,
        "record_session",
        occurred_on=TODAY().isoformat(),
        parents_present="on",
        measures_proposed=["parenting_support"],
        measures_accepted="on",
        case_worker=coordinator.pk,
    )
    assert (child.state, child.case_worker) == ("support", coordinator)
    step(coordinator, child, "close", occurred_on=TODAY().isoformat(), outcome="measures_completed")
    assert child.statistic.support_completed is True


def test_parents_who_refuse_the_measures_close_the_file(family_council, coordinator):
    child = services.open_follow_up(
        actor=coordinator,
        body=family_council,
        kind="family_council",
        data={"opened_on": days_ago(20).isoformat(), "source": "school", "facts": "absenteeism"},
        new_person=boy(),
    )
    session_at = timezone.localtime() + timedelta(days=7)
    with_parent(child)  # the parents are convened (followups/letters.py)
    step(
        coordinator,
        child,
        "plan_session",
        occurred_on=TODAY().isoformat(),
        session_at=session_at.strftime("%Y-%m-%dT%H:%M"),
        place="Mairie",
    )
    step(
        coordinator,
        child,
        "record_session",
        occurred_on=TODAY().isoformat(),
        parents_present="on",
        measures_proposed=["parenting_support"],
    )
    assert (child.state, child.outcome) == ("closed", "measures_refused")


def test_individual_support_with_actions_and_reviews(minors, coordinator, territory):
    file = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="individual_support",
        data={"opened_on": days_ago(10).isoformat(), "source": "school", "facts": "school_dropout"},
        new_person=boy(),
    )
    step(
        coordinator,
        file,
        "start_support",
        occurred_on=days_ago(5).isoformat(),
        case_worker=coordinator.pk,
    )
    club = OrganisationFactory(territory=territory, name="Club de boxe")
    action = services.add_support_action(
        actor=coordinator, follow_up=file, kind="leisure", partner=club, starts_on=days_ago(5)
    )
    assert action.result == "ongoing"
    with pytest.raises(ValidationError):
        services.add_support_action(
            actor=coordinator,
            follow_up=file,
            kind="leisure",
            starts_on=days_ago(5),
            ends_on=days_ago(6),
        )
    step(
        coordinator,
        file,
        "record_review",
        occurred_on=TODAY().isoformat(),
        review="review_6_months",
        reoffended="False",
        early_reason="new_facts",
    )
    assert file.statistic.reoffended_6_months is False


@pytest.fixture
def victim_and_offender(territory, minors, victims, coordinator):
    OrganisationFactory(territory=territory, name="Écoute Victimes", kind="association")
    offender = services.open_follow_up(
        actor=coordinator, body=minors, kind="law_reminder", data=referral(), new_person=boy()
    )
    victim = services.open_follow_up(
        actor=coordinator,
        body=victims,
        kind="victim_support",
        data={"opened_on": days_ago(10).isoformat(), "source": "school", "facts": "harassment"},
        new_person={
            "first_name": "Inès",
            "last_name": "Victime",
            "birth_date": date(TODAY().year - 13, 6, 1),
            "sex": "female",
        },
    )
    link = services.link_follow_ups(actor=coordinator, first=victim, second=offender)
    return victim, offender, link


def test_a_link_never_reveals_the_victim_to_the_offenders_group(
    victim_and_offender, territory, minors, coordinator, police
):
    victim, offender, link = victim_and_offender
    # The police officer of the groupe Mineurs sees the offender's file...
    assert set(FollowUp.objects.visible_to(police)) == {offender}
    assert set(Person.objects.visible_to(police)) == {offender.person}
    # ...but neither the victim's file, nor the victim, nor the link between them.
    assert not FollowUpLink.visible_between(police).exists()
    assert FollowUpLink.visible_between(coordinator).get() == link
    with pytest.raises(PermissionDenied):
        services.link_follow_ups(actor=police, first=offender, second=victim)


def test_victim_support_orients_to_the_association(victim_and_offender, coordinator):
    victim, _offender, _link = victim_and_offender
    from tranquillite.accounts.models import Organisation

    ecoute = Organisation.objects.get(name="Écoute Victimes")
    step(
        coordinator,
        victim,
        "orient",
        occurred_on=TODAY().isoformat(),
        association=ecoute.pk,
        case_worker=coordinator.pk,
    )
    step(
        coordinator, victim, "record_contact", occurred_on=TODAY().isoformat(), contact="legal_help"
    )
    step(coordinator, victim, "close", occurred_on=TODAY().isoformat(), outcome="complaint_filed")
    assert victim.statistic.support_completed is True
    assert victim.events.filter(step="record_contact").exists()


def test_a_suspended_member_loses_every_file_at_once(rao, police, minors, coordinator):
    assert FollowUp.objects.visible_to(police).filter(pk=rao.pk).exists()
    council.suspend_member(
        actor=coordinator, member=minors.members.get(user=police), reason="Manquement"
    )
    assert not FollowUp.objects.visible_to(police).exists()


def test_the_presiding_official_loses_sight_when_his_role_ends(rao, coordinator, territory):
    mayor = member(territory, Role.ELECTED_OFFICIAL)
    rao.presiding_official = mayor
    rao.save()
    assert FollowUp.objects.visible_to(mayor).filter(pk=rao.pk).exists()
    assert set(Person.objects.visible_to(mayor)) == {rao.person}  # the person he hears
    mayor.memberships.update(is_active=False)
    assert not FollowUp.objects.visible_to(mayor).exists()
    assert not Person.objects.visible_to(mayor).exists()
