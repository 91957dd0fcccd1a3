"""What is due, in the work lists: start to prepare, deadline near with hours left, sessions
to validate, the final report to produce."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.community_service.conftest import open_placement, record
from tranquillite.community_service import services
from tranquillite.community_service.documents import produce_document
from tranquillite.community_service.models import InterruptionReason, Placement, PlacementState
from tranquillite.community_service.selectors import ended_list, work_list

pytestmark = pytest.mark.django_db


def _due(user, territory, placement):
    today = timezone.localdate()
    return next(
        line.due for line in work_list(user, territory, today) if line.placement == placement
    )


def test_a_proposal_waits_for_its_agreement_and_interview(coordinator, territory, post, spip):
    placement = open_placement(coordinator, territory, post, spip)
    assert _due(coordinator, territory, placement) == ["Accord et premier entretien à saisir"]


def test_a_near_deadline_with_hours_left_and_sessions_to_validate(
    coordinator, supervisor, territory, placement
):
    Placement.objects.filter(pk=placement.pk).update(
        deadline=timezone.localdate() + timedelta(days=10)
    )
    record(supervisor, placement, day=timezone.localdate() - timedelta(days=5))
    record(supervisor, placement, day=timezone.localdate() - timedelta(days=1))  # not late yet
    due = _due(coordinator, territory, placement)
    assert due == ["Échéance dans 10 jours, 64,0 heures restantes", "1 séance à valider"]
    # The supervisor is reminded only of what he does: validate.
    assert _due(supervisor, territory, placement) == ["1 séance à valider"]


def test_an_ended_placement_waits_for_its_final_report(
    client_for, coordinator, territory, placement
):
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.INTERRUPTED,
        occurred_on=timezone.localdate(),
        reason=InterruptionReason.MOVED,
    )
    today = timezone.localdate()
    assert ended_list(coordinator, territory, today) == [(placement, ["Rapport de fin à produire"])]
    produce_document(actor=coordinator, placement=placement, kind="final_report")
    assert ended_list(coordinator, territory, today)[0][1] == []
    page = client_for(coordinator).get(reverse("community_service:placements"))
    assert placement.case_number in page.content.decode()
