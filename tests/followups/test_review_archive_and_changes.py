"""Review findings: who opens an archived file (docs/roles.md: the holder of
`followups.administer_follow_ups`, with a stated reason; retention/archive.py: nobody opens a
file due for destruction), and what may no longer change once a file is archived or
restricted (a person's record itself stays correctable: RGPD art. 16)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.access_log import access_rows
from tests.followups.conftest import boy, days_ago, referral
from tranquillite.audit.models import AccessAction
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step
from tranquillite.followups.models import FollowUp
from tranquillite.people import services as people
from tranquillite.people.models import Person


def detail(follow_up):
    return reverse("followups:detail", args=[follow_up.public_id])


def close(coordinator, follow_up):
    apply_step(
        actor=coordinator,
        follow_up=follow_up,
        step_name="close",
        data={
            "occurred_on": days_ago(1).isoformat(),
            "outcome": "withdrawn",
            # Any support action still in progress stays so, with a reason.
            "close_anyway": "on",
            "close_anyway_reason": "Dossier retiré",
        },
    )
    follow_up.refresh_from_db()
    return follow_up


def test_a_member_who_does_not_administer_the_files_cannot_open_an_archive(
    rao, coordinator, police, client_for
):
    close(coordinator, rao)
    client = client_for(police)
    with access_rows() as rows:
        answer = client.post(detail(rao), {"reason": "Curiosité"})
    assert answer.status_code == 404  # one answer for "you may not see this" (issue 11)
    with access_rows() as read:
        page = client.get(detail(rao))
    assert page.status_code == 404
    content = page.content.decode()
    assert "TÉMOIN" not in content and "Témoin" not in content
    assert {row.action for row in [*rows.rows, *read.rows]} == {AccessAction.DENIED}
    # The person's page stays closed too: no reason was ever granted.
    person = client.get(reverse("people:detail", args=[rao.person.public_id]))
    assert "TÉMOIN" not in person.content.decode()


def test_nobody_opens_an_archive_due_for_destruction(rao, coordinator, client_for):
    close(coordinator, rao)
    FollowUp.objects.filter(pk=rao.pk).update(destroy_on=date.today() - timedelta(days=1))
    client = client_for(coordinator)
    assert client.post(detail(rao), {"reason": "Contrôle"}).status_code == 404
    page = client.get(detail(rao))
    assert page.status_code == 404 and "TÉMOIN" not in page.content.decode()


def test_the_coordinator_still_opens_an_archive_with_a_reason(rao, coordinator, client_for):
    close(coordinator, rao)
    client = client_for(coordinator)
    client.post(detail(rao), {"reason": "Demande de la famille"})
    page = client.get(detail(rao))
    assert page.status_code == 200 and "TÉMOIN-PLANTÉ" in page.content.decode()


def test_a_restricted_file_does_not_move_in_a_merge(rao, minors, coordinator):
    twin_file = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Yannis"),
    )
    services.restrict(actor=coordinator, follow_up=twin_file, reason="Exactitude contestée")
    twin = twin_file.person
    with pytest.raises((ValidationError, PermissionDenied)):
        people.merge_people(
            actor=coordinator, survivor=rao.person, absorbed=twin, reason="Même enfant"
        )
    twin_file.refresh_from_db()
    assert twin_file.person_id == twin.pk and Person.objects.filter(pk=twin.pk).exists()
    # Nor does a restricted file's person absorb another record.
    with pytest.raises((ValidationError, PermissionDenied)):
        people.merge_people(
            actor=coordinator, survivor=twin, absorbed=rao.person, reason="Même enfant"
        )
    rao.refresh_from_db()
    assert rao.person_id != twin.pk


def test_a_support_action_of_an_archived_file_is_not_offered_for_change(
    rao, coordinator, client_for
):
    action = services.add_support_action(
        actor=coordinator,
        follow_up=rao,
        kind="schooling",
        starts_on=days_ago(5),
        note="Soutien scolaire",
    )
    close(coordinator, rao)
    client = client_for(coordinator)
    page = client.get(reverse("followups:action_edit", args=[rao.public_id, action.pk]))
    assert page.status_code == 302
