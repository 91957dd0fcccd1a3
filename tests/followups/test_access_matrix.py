"""Who may open a follow-up, as a matrix: role × membership of the owning body × charter ×
state of the file × territory → the page, or a 404 (art. L132-5 CSI; CNIL AU-038).

The rule, as the law puts it:
- only an active member of the file's body, holding a role that may reach names, who signed
  the body's *current* charter, sees an open file (restricted files included: they are kept,
  only frozen) — anyone else gets the same 404 as for a file that does not exist;
- an archived file is opened only by the administrator (the coordinator), with a stated
  reason; any other role gets the same 404 (one answer for "you may not see this");
- nothing crosses territories;
- every refusal is written to the access log, in the territory of the file asked for, with
  the file (so its DPO's "who saw this record" shows the attempt).
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.urls import reverse

from tests.access_log import access_rows
from tests.factories import member
from tests.followups.conftest import TODAY, boy, referral
from tranquillite.accounts.roles import NOMINATIVE_ROLES, Role
from tranquillite.audit.models import AccessAction
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step
from tranquillite.governance import services as council

ROLES = list(Role)  # every role: the answer to "you may not see this" is the same for all
CHARTER = ["signed", "unsigned", "outdated", "suspended", "not_a_member"]
STATES = ["open", "restricted", "archived"]
TERRITORIES = ["same", "other"]


def expected(role: Role, charter: str, state: str, territory: str) -> int:
    if territory == "other":
        return 404
    may_reach_names = role in NOMINATIVE_ROLES
    if not (may_reach_names and charter == "signed"):
        return 404
    if state == "archived":
        return 200 if role == Role.COORDINATOR else 404
    return 200


@pytest.fixture
def files(minors, coordinator, other_territory):
    """One file per state, in the groupe Mineurs."""
    result = {}
    for state, first_name in zip(STATES, ["Adam", "Bilal", "Chloé"], strict=True):
        follow_up = services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=referral(),
            new_person=boy(first_name=first_name),
        )
        if state == "restricted":
            services.restrict(actor=coordinator, follow_up=follow_up, reason="Contestation")
        if state == "archived":
            apply_step(
                actor=coordinator,
                follow_up=follow_up,
                step_name="close",
                data={"occurred_on": TODAY().isoformat(), "outcome": "withdrawn"},
            )
        result[state] = follow_up
    return result


def user_for(role, charter, territory_name, territory, other_territory, minors, coordinator):
    home = territory if territory_name == "same" else other_territory
    user = member(home, role)
    if territory_name == "other":
        return user
    if charter != "not_a_member":
        council.add_member(actor=coordinator, body=minors, user=user)
    if charter in ("signed", "outdated", "suspended"):
        council.sign_charter(actor=user, body=minors)
    if charter == "suspended":
        council.suspend_member(
            actor=coordinator, member=minors.members.get(user=user), reason="Manquement"
        )
    return user


@pytest.mark.parametrize(
    ("role", "charter", "territory_name"),
    [
        combination
        for combination in itertools.product(ROLES, CHARTER, TERRITORIES)
        # Another territory: membership of this body is impossible, one case suffices.
        if combination[2] == "same" or combination[1] == "not_a_member"
    ],
)
def test_the_access_matrix(
    role,
    charter,
    territory_name,
    files,
    territory,
    other_territory,
    minors,
    coordinator,
    client_for,
):
    user = user_for(role, charter, territory_name, territory, other_territory, minors, coordinator)
    if charter == "outdated":
        council.publish_charter(actor=coordinator, body=minors, text="Charte, version 2")
        council.sign_charter(actor=coordinator, body=minors)
    client = client_for(user)
    for state, follow_up in files.items():
        with access_rows() as rows:
            answer = client.get(reverse("followups:detail", args=[follow_up.public_id]))
        assert answer.status_code == expected(role, charter, state, territory_name), (
            role,
            charter,
            state,
            territory_name,
        )
        if answer.status_code == 404:
            assert [
                (row.action, row.object_id, row.territory_id, row.actor_id) for row in rows.rows
            ] == [(AccessAction.DENIED, str(follow_up.public_id), territory.pk, user.pk)], (
                role,
                charter,
                state,
                territory_name,
            )
        body = answer.content.decode()
        if answer.status_code != 200 or state == "archived":
            # A refusal, or the archive's reason page: never the person's name.
            assert follow_up.person.last_name not in body


def test_a_person_born_long_ago_cannot_be_referred_even_by_the_coordinator(minors, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=referral(),
            new_person=boy(birth_date=date(TODAY().year - 30, 1, 1)),
        )
