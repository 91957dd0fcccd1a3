"""A territory with the groupe Mineurs (charter signed by the coordinator and a police
officer), the groupe Victimes, the family council and an elected official who hears RAOs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.followups import services
from tranquillite.governance import services as council
from tranquillite.governance.models import Body, BodyKind
from tranquillite.people.models import LegalGuardian


def nominative_body(territory, coordinator, name, kind=BodyKind.WORKING_GROUP):
    body = Body.objects.create(territory=territory, name=name, kind=kind, handles_cases=True)
    council.publish_charter(actor=coordinator, body=body, text=f"Charte {name}")
    council.add_member(actor=coordinator, body=body, user=coordinator)
    council.sign_charter(actor=coordinator, body=body)
    return body


def with_parent(follow_up):
    """A legal guardian holding parental authority, if the person has none: the summons and
    the family council's convocation are addressed to the parents."""
    if not follow_up.person.guardians.exists():
        LegalGuardian.objects.create(
            territory=follow_up.territory,
            person=follow_up.person,
            relationship="mother",
            first_name="Awa",
            last_name="Témoin-Planté",
        )
    return follow_up


@pytest.fixture
def minors(territory, coordinator):
    return nominative_body(territory, coordinator, "Groupe Mineurs")


@pytest.fixture
def victims(territory, coordinator):
    return nominative_body(territory, coordinator, "Groupe Victimes")


@pytest.fixture
def family_council(territory, coordinator):
    return nominative_body(territory, coordinator, "CDDF", BodyKind.FAMILY_COUNCIL)


@pytest.fixture
def police(territory, minors, coordinator):
    officer = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=minors, user=officer)
    council.sign_charter(actor=officer, body=minors)
    return officer


@pytest.fixture
def mayor(territory):
    return member(territory, Role.ELECTED_OFFICIAL)


TODAY = timezone.localdate


def days_ago(days):
    return TODAY() - timedelta(days=days)


def referral(**overrides):
    data = {
        "opened_on": days_ago(30).isoformat(),
        "source": "school",
        "facts": "incivilities",
        "facts_place": "Abords du collège",
        "summary": "Incivilités répétées à la sortie des cours.",
        "no_complaint": "on",
        "no_proceedings": "on",
    }
    data.update(overrides)
    return data


def boy(**overrides):
    # 14 years old a month ago.
    fields = {
        "first_name": "Yanis",
        "last_name": "Témoin-Planté",
        "birth_date": date(TODAY().year - 14, 1, 15),
        "sex": "male",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def rao(minors, coordinator):
    return services.open_follow_up(
        actor=coordinator, body=minors, kind="law_reminder", data=referral(), new_person=boy()
    )


def hearing_day_came(follow_up, *, sent_days_ago=10):
    """Time passes after a summons (it must call to a future hearing): the letters were
    sent `sent_days_ago` days ago for a hearing today, so that the hearing can be recorded
    today on the day summoned (a hearing on another day asks for a reason)."""
    from tranquillite.followups.models import DeadlineKind

    summons = follow_up.events.filter(step="summon").latest("pk")
    hearing_at = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    summons.occurred_on = days_ago(sent_days_ago)
    summons.data = {**summons.data, "hearing_at": hearing_at.isoformat()}
    summons.save(update_fields=["occurred_on", "data"])
    follow_up.deadlines.filter(kind=DeadlineKind.HEARING, done_on__isnull=True).update(
        due_on=TODAY()
    )
    return follow_up
