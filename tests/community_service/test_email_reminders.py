"""The daily e-mail of what is due: case numbers, never a name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from tests.community_service.conftest import open_placement

pytestmark = pytest.mark.django_db


def test_the_coordinator_is_told_what_is_due_by_case_number_only(
    coordinator, supervisor, territory, post, spip
):
    placement = open_placement(coordinator, territory, post, spip)
    call_command("send_community_service_reminders")
    sent = {message.to[0]: message for message in mail.outbox}
    message = sent[coordinator.email]
    assert placement.case_number in message.body
    assert "Accord et premier entretien à saisir" in message.body
    assert "/tig/placements/" in message.body
    for name in (placement.person.first_name, placement.person.last_name):
        assert name not in message.subject + message.body
    # The supervisor sees only active placements on his post: nothing due, no e-mail.
    assert supervisor.email not in sent
