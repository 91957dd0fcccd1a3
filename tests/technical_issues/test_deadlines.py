"""Service-level deadlines: per category, set by the territory; the daily command reminds the
organisation of each late issue (again a week later) and escalates it once to the
coordination; the e-mails name no one."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.technical_issues.conftest import raise_one
from tranquillite.technical_issues import services
from tranquillite.technical_issues.models import EventKind, TechnicalIssue
from tranquillite.technical_issues.tasks import remind_late_issues

pytestmark = pytest.mark.django_db


def test_the_territorys_deadline_sets_the_due_date(setup):
    services.set_deadline(
        actor=setup.coordinator, territory=setup.territory, category="lighting", days=2
    )
    issue = raise_one(setup)
    assert timedelta(days=2) - (issue.due_at - issue.routed_at) < timedelta(seconds=1)
    # Without a territory deadline, the platform's default for the category (waste: 3 days).
    waste = raise_one(setup, category="waste")
    assert (waste.due_at - waste.routed_at).days == 3


def test_late_issues_are_reminded_then_escalated_once(setup):
    late = raise_one(setup, description="Lampadaire éteint rue A")
    on_time = raise_one(setup, category="graffiti")
    closed = raise_one(setup, category="roads")
    services.resolve(actor=setup.coordinator, issue=closed)
    TechnicalIssue.objects.filter(pk__in=[late.pk, closed.pk]).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    mail.outbox.clear()
    call_command("send_technical_issue_reminders", stdout=io.StringIO())
    to_service = [m for m in mail.outbox if m.to == ["eclairage@ville.test"]]
    to_coordination = [m for m in mail.outbox if m.to == [setup.coordinator.email]]
    assert len(to_service) == 1 and late.reference in to_service[0].subject
    assert "/lien/" in to_service[0].body  # no account: the signed link again
    assert len(to_coordination) == 1
    assert late.reference in to_coordination[0].body
    assert on_time.reference not in to_coordination[0].body
    assert closed.reference not in to_coordination[0].body
    for message in mail.outbox:
        text = message.subject + message.body
        assert setup.field.mediator.last_name not in text
        assert "rue A" not in text
    kinds = set(late.events.values_list("kind", flat=True))
    assert {EventKind.REMINDED, EventKind.ESCALATED} <= kinds
    # The next day: nothing again (reminded a day ago, escalated already).
    mail.outbox.clear()
    assert remind_late_issues(timezone.now() + timedelta(days=1)) == (0, 0)
    assert mail.outbox == []
    # A week later, the organisation is reminded again; the coordination is not.
    assert remind_late_issues(timezone.now() + timedelta(days=8)) == (1, 0)


def test_closed_issues_are_destroyed_after_three_years(setup):
    from tranquillite.technical_issues.models import IssueEvent
    from tranquillite.technical_issues.retention import purge_technical_issues

    old, recent, still_open = raise_one(setup), raise_one(setup), raise_one(setup)
    for issue in (old, recent):
        services.resolve(actor=setup.coordinator, issue=issue)
    TechnicalIssue.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=1100))
    TechnicalIssue.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - timedelta(days=2000)
    )
    assert purge_technical_issues() == 1
    assert set(TechnicalIssue.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not IssueEvent.objects.filter(issue_id=old.pk).exists()
