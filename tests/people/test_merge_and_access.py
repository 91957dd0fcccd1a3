"""Who may see a person, and merging two records of the same person."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.followups.models import FollowUp
from tranquillite.governance import services as council
from tranquillite.governance.models import Body, BodyKind
from tranquillite.people import services
from tranquillite.people.models import LegalGuardian, Person, PersonMerge


def group(territory, coordinator, name):
    body = Body.objects.create(
        territory=territory, name=name, kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    council.publish_charter(actor=coordinator, body=body, text="Charte v1")
    return body


def join(body, user, coordinator, *, sign=True):
    council.add_member(actor=coordinator, body=body, user=user)
    if sign:
        council.sign_charter(actor=user, body=body)


def person(territory, first="Léa", last="Dupont", born=date(2012, 3, 14), **fields):
    return Person.objects.create(
        territory=territory, first_name=first, last_name=last, birth_date=born, **fields
    )


def follow(subject, body, number):
    return FollowUp.objects.create(
        territory=subject.territory,
        kind="law_reminder",
        case_number=number,
        body=body,
        person=subject,
        state="referral",
        opened_on=date(2026, 10, 1),
    )


@pytest.fixture
def minors(territory, coordinator):
    body = group(territory, coordinator, "Groupe Mineurs")
    join(body, coordinator, coordinator)
    return body


@pytest.fixture
def victims(territory, coordinator):
    body = group(territory, coordinator, "Groupe Victimes")
    join(body, coordinator, coordinator)
    return body


def visible(user):
    return set(Person.objects.visible_to(user))


def test_a_person_is_seen_only_through_a_follow_up_one_may_see(
    territory, minors, victims, coordinator
):
    offender = person(territory, "Tom", "Rixe")
    victim = person(territory, "Inès", "Témoin")
    follow(offender, minors, "RAO-2026-0001")
    follow(victim, victims, "VIC-2026-0001")

    police = member(territory, Role.PARTNER_MEMBER)
    join(minors, police, coordinator)
    unsigned = member(territory, Role.PARTNER_MEMBER)
    join(minors, unsigned, coordinator, sign=False)
    mediator = member(territory, Role.MEDIATOR)  # no role reaching names
    dpo = member(territory, Role.DATA_PROTECTION_OFFICER)  # not in the group

    assert visible(police) == {offender}  # not the victim of the other group
    assert visible(coordinator) == {offender, victim}
    assert visible(unsigned) == visible(mediator) == visible(dpo) == set()
    assert set(LegalGuardian.objects.visible_to(police)) == set()
    LegalGuardian.objects.create(
        territory=territory, person=victim, relationship="mother", first_name="A", last_name="B"
    )
    assert set(LegalGuardian.objects.visible_to(police)) == set()
    assert LegalGuardian.objects.visible_to(coordinator).count() == 1

    # A suspended member loses sight at once.
    council.suspend_member(
        actor=coordinator, member=minors.members.get(user=police), reason="Manquement à la charte"
    )
    assert visible(police) == set()


def test_a_merge_moves_follow_ups_and_guardians_and_remembers_the_absorbed_record(
    territory, minors, coordinator
):
    kept = person(territory, "Léa", "Dupont-Martin")
    twin = person(territory, "Lea", "Dupont Martin", address="12 rue Hoche")
    follow(kept, minors, "RAO-2026-0001")
    second = follow(twin, minors, "RAO-2026-0002")
    LegalGuardian.objects.create(
        territory=territory, person=twin, relationship="mother", first_name="Sa", last_name="Mère"
    )
    twin_id = twin.public_id

    services.merge_people(
        actor=coordinator, survivor=kept, absorbed=twin, reason="Même enfant, saisi deux fois"
    )

    assert not Person.objects.filter(public_id=twin_id).exists()
    second.refresh_from_db()
    kept.refresh_from_db()
    assert second.person == kept
    assert kept.guardians.count() == 1
    assert kept.address == "12 rue Hoche"  # an empty field filled from the duplicate
    merge = PersonMerge.objects.get(survivor=kept)
    assert (merge.absorbed_public_id, merge.merged_by) == (twin_id, coordinator)


def test_a_merge_needs_both_records_in_sight_and_a_reason(territory, minors, victims, coordinator):
    police = member(territory, Role.PARTNER_MEMBER)
    join(minors, police, coordinator)
    mine = person(territory)
    hidden = person(territory, "Léa", "Dupont")
    follow(mine, minors, "RAO-2026-0001")
    follow(hidden, victims, "VIC-2026-0001")
    with pytest.raises(PermissionDenied):
        services.merge_people(actor=police, survivor=mine, absorbed=hidden, reason="Doublon")
    with pytest.raises(ValidationError):
        services.merge_people(actor=coordinator, survivor=mine, absorbed=hidden, reason=" ")
    with pytest.raises(ValidationError):
        services.merge_people(actor=coordinator, survivor=mine, absorbed=mine, reason="x")
    assert Person.objects.count() == 2


def test_an_update_is_validated_and_refused_to_outsiders(territory, minors, coordinator):
    subject = person(territory)
    follow(subject, minors, "RAO-2026-0001")
    with pytest.raises(ValidationError):
        services.update_person(actor=coordinator, person=subject, sex="alien")
    outsider = member(territory, Role.PARTNER_MEMBER)
    with pytest.raises(PermissionDenied):
        services.update_person(actor=outsider, person=subject, address="ailleurs")
    services.update_person(actor=coordinator, person=subject, last_name="Dupont-Martin")
    subject.refresh_from_db()
    assert subject.name_key == "dupont lea martin"
