"""E-mails of the technical issues, sent by the task worker after the write is committed.

They name no one (no reporter, no member): the issue's reference, category, neighbourhood,
deadline and a link. An organisation with members working its queue gets one e-mail per
member, with a link to sign in; an organisation without accounts gets one at its generic
address with a signed link to that issue alone (links.py).

The daily `send_technical_issue_reminders` reminds the organisation of each issue past its
deadline (again every TECHNICAL_ISSUE_REMINDER_INTERVAL_DAYS) and escalates it to the
territory's coordination once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Membership
from tranquillite.accounts.roles import RIGHTS
from tranquillite.core.http import absolute_url
from tranquillite.technical_issues.conf import reminder_interval_days
from tranquillite.technical_issues.links import link_path
from tranquillite.technical_issues.models import (
    OPEN_STATUSES,
    EventKind,
    IssueEvent,
    TechnicalIssue,
)


def recipients(issue: TechnicalIssue) -> tuple[list[str], bool]:
    """Who hears of an issue routed to its organisation: the members working its queue
    (False: no signed link), else the organisation's generic address (True: signed link)."""
    members = list(
        Membership.objects.filter(
            territory=issue.territory,
            organisation=issue.organisation,
            is_active=True,
            user__is_active=True,
            role__in=RIGHTS["technical_issues.work_queue"],
        )
        .values_list("user__email", flat=True)
        .distinct()
    )
    if members:
        return sorted(members), False
    return ([issue.organisation.email] if issue.organisation.email else []), True


def _send(issue: TechnicalIssue, template: str, subject: str) -> int:
    addresses, with_link = recipients(issue)
    if not addresses:
        return 0
    url = absolute_url(
        link_path(issue) if with_link else reverse("technical_issues:issue", args=[issue.public_id])
    )
    context = {"issue": issue, "url": url, "signed_link": with_link}
    body = render_to_string(template, context)
    for address in addresses:
        EmailMessage(subject=subject, body=body, to=[address]).send()
    return len(addresses)


def _issue(issue_id: int) -> TechnicalIssue | None:
    return (
        TechnicalIssue.objects.select_related("organisation", "neighbourhood", "territory")
        .filter(pk=issue_id)
        .first()
    )


@task()
def send_routed_notice(issue_id: int) -> None:
    issue = _issue(issue_id)
    if issue is None or not issue.is_open:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Tranquillité] New issue %(reference)s: %(category)s, %(place)s") % {
            "reference": issue.reference,
            "category": issue.get_category_display().lower(),
            "place": issue.neighbourhood.name,
        }
        _send(issue, "technical_issues/email/routed.txt", subject)


def remind_late_issues(now: datetime | None = None) -> tuple[int, int]:
    """Remind each late issue's organisation; escalate each once to the coordination.
    Returns (reminded, escalated)."""
    now = now or timezone.now()
    again = now - timedelta(days=reminder_interval_days())
    late = TechnicalIssue.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now).select_related(
        "organisation", "neighbourhood", "territory"
    )
    reminded = 0
    with translation.override(settings.LANGUAGE_CODE):
        for issue in late.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=again)):
            subject = _("[Tranquillité] Issue %(reference)s is past its deadline") % {
                "reference": issue.reference
            }
            _send(issue, "technical_issues/email/reminder.txt", subject)
            with transaction.atomic():
                TechnicalIssue.objects.filter(pk=issue.pk).update(reminded_at=now)
                IssueEvent.objects.create(
                    territory=issue.territory,
                    issue=issue,
                    kind=EventKind.REMINDED,
                    organisation=issue.organisation,
                )
            reminded += 1
        by_territory: dict[int, list[TechnicalIssue]] = defaultdict(list)
        for issue in late.filter(escalated_at__isnull=True).order_by("due_at"):
            by_territory[issue.territory_id].append(issue)
        escalated = 0
        for issues in by_territory.values():
            territory = issues[0].territory
            coordinators = list(
                Membership.objects.filter(
                    territory=territory,
                    is_active=True,
                    user__is_active=True,
                    role__in=RIGHTS["technical_issues.manage_routing"],
                )
                .values_list("user__email", flat=True)
                .distinct()
            )
            if coordinators:
                body = render_to_string(
                    "technical_issues/email/escalation.txt",
                    {
                        "issues": issues,
                        "territory": territory,
                        "url": absolute_url(reverse("technical_issues:overview") + "?retard=1"),
                    },
                )
                subject = _("[Tranquillité] %(count)d issues past their deadline") % {
                    "count": len(issues)
                }
                for address in sorted(coordinators):
                    EmailMessage(subject=subject, body=body, to=[address]).send()
            with transaction.atomic():
                TechnicalIssue.objects.filter(pk__in=[i.pk for i in issues]).update(
                    escalated_at=now
                )
                IssueEvent.objects.bulk_create(
                    [
                        IssueEvent(
                            territory=territory,
                            issue=issue,
                            kind=EventKind.ESCALATED,
                            organisation=issue.organisation,
                        )
                        for issue in issues
                    ]
                )
            escalated += len(issues)
    return reminded, escalated
