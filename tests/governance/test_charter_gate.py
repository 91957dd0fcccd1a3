"""The ethics-charter gate: the rule every nominative module relies on (art. L132-5 CSI)."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from tests.access_log import access_rows
from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.audit.middleware import RefusalLogMiddleware
from tranquillite.audit.models import AccessAction
from tranquillite.core.refusals import Refusal
from tranquillite.governance import services
from tranquillite.governance.access import (
    CaseAccess,
    bodies_with_case_access,
    case_access,
    require_case_access,
)
from tranquillite.governance.models import Body, BodyKind


@pytest.fixture
def coordinator(territory):
    return member(territory, Role.COORDINATOR)


@pytest.fixture
def group(territory, coordinator):
    body = Body.objects.create(
        territory=territory, name="Groupe Mineurs", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    services.publish_charter(actor=coordinator, body=body, text="Charte v1")
    return body


@pytest.fixture
def police(territory, group, coordinator):
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=group, user=officer)
    return officer


def outcome(user, body):
    granted = case_access(user, body)
    # The one-query form used by visible_to() must always agree with the per-body check.
    assert (body in bodies_with_case_access(user)) == (granted == CaseAccess.GRANTED)
    return granted


def test_a_member_who_signed_the_current_charter_is_granted(group, police):
    assert outcome(police, group) == CaseAccess.UNSIGNED
    services.sign_charter(actor=police, body=group)
    assert outcome(police, group) == CaseAccess.GRANTED


def test_a_new_charter_version_must_be_signed_again(group, police, coordinator):
    services.sign_charter(actor=police, body=group)
    services.publish_charter(actor=coordinator, body=group, text="Charte v2")
    assert outcome(police, group) == CaseAccess.OUTDATED_SIGNATURE
    services.sign_charter(actor=police, body=group)
    assert outcome(police, group) == CaseAccess.GRANTED


def test_suspension_cuts_access_at_once_and_reinstatement_restores_it(group, police, coordinator):
    services.sign_charter(actor=police, body=group)
    membership = group.members.get(user=police)
    services.suspend_member(actor=coordinator, member=membership, reason="Manquement à la charte")
    assert outcome(police, group) == CaseAccess.SUSPENDED
    services.reinstate_member(actor=coordinator, member=membership)
    assert outcome(police, group) == CaseAccess.GRANTED


def test_a_suspension_is_kept_in_the_history_with_who_and_why(group, police, coordinator):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    membership = group.members.get(user=police)
    with set_actor(coordinator):
        services.suspend_member(actor=coordinator, member=membership, reason="Fuite d'information")
    change = LogEntry.objects.get_for_object(membership).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor_id == coordinator.pk
    assert change.changes_dict["status"] == ["active", "suspended"]
    assert change.changes_dict["status_reason"][1] == "Fuite d'information"


def test_non_members_and_roles_without_nominative_access_are_refused(territory, group, coordinator):
    school_head = member(territory, Role.PARTNER_MEMBER)
    assert outcome(school_head, group) == CaseAccess.NOT_A_MEMBER
    mediator = member(territory, Role.MEDIATOR)
    services.add_member(actor=coordinator, body=group, user=mediator)
    assert outcome(mediator, group) == CaseAccess.NO_NOMINATIVE_ROLE


def test_the_coordinator_has_no_exception(group, coordinator):
    assert outcome(coordinator, group) == CaseAccess.NOT_A_MEMBER
    other = member(group.territory, Role.COORDINATOR)
    services.add_member(actor=other, body=group, user=coordinator)
    assert outcome(coordinator, group) == CaseAccess.UNSIGNED


def test_a_body_without_a_charter_or_not_nominative_opens_nothing(territory, coordinator):
    group = Body.objects.create(
        territory=territory, name="Groupe Victimes", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=group, user=officer)
    assert outcome(officer, group) == CaseAccess.NO_CHARTER
    plenary = Body.objects.create(territory=territory, name="Plénière", kind=BodyKind.PLENARY)
    services.add_member(actor=coordinator, body=plenary, user=officer)
    assert outcome(officer, plenary) == CaseAccess.NOT_NOMINATIVE


def test_losing_ones_role_in_the_territory_closes_the_gate(group, police):
    services.sign_charter(actor=police, body=group)
    police.memberships.update(is_active=False)
    fresh = type(police).objects.get(pk=police.pk)
    assert outcome(fresh, group) == CaseAccess.NO_NOMINATIVE_ROLE


def test_a_refusal_through_the_gate_is_logged_and_answered_not_found(group, police):
    request = RequestFactory().get("/some/case/")
    request.user = police
    request.territory = group.territory
    with access_rows() as captured, pytest.raises(Http404) as refused:
        try:
            require_case_access(request, group)
        except Http404 as refusal:
            # What the view would do with it: audit's refusal middleware writes the row.
            RefusalLogMiddleware(lambda request: HttpResponse()).process_exception(request, refusal)
            raise
    assert isinstance(refused.value, Refusal)
    assert [(r.action, r.object_id, r.reason) for r in captured.rows] == [
        (AccessAction.DENIED, str(group.public_id), CaseAccess.UNSIGNED)
    ]
    services.sign_charter(actor=police, body=group)
    with access_rows() as captured:
        require_case_access(request, group)
    assert captured.rows == []


def test_only_an_active_member_signs(group, coordinator, territory):
    from django.core.exceptions import PermissionDenied

    outsider = member(territory, Role.PARTNER_MEMBER)
    with pytest.raises(PermissionDenied):
        services.sign_charter(actor=outsider, body=group)


def test_only_working_groups_and_the_family_council_may_handle_cases(territory, coordinator):
    from django.core.exceptions import ValidationError

    body = Body(
        territory=territory, name="Comité", kind=BodyKind.STEERING_COMMITTEE, handles_cases=True
    )
    with pytest.raises(ValidationError):
        body.full_clean()
