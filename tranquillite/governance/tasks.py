"""E-mails of the council: meeting invitations (.ics attached) and task reminders.

They name bodies, dates, places and case numbers, never a person followed (CNIL AU-038:
messages name cases by number).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tranquillite.accounts.models import User
from tranquillite.governance.documents import meeting_ics
from tranquillite.governance.models import FollowUpTask, Meeting


@task()
def send_meeting_invitation(meeting_id: int, email: str, name: str) -> None:
    meeting = Meeting.objects.select_related("body", "territory").get(pk=meeting_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Tranquillité] Invitation: %(body)s, %(date)s") % {
            "body": meeting.body.name,
            "date": meeting.starts_at.strftime("%d/%m/%Y"),
        }
        body = render_to_string(
            "governance/email/invitation.txt",
            {"meeting": meeting, "name": name, "url": settings.SITE_URL},
        )
    message = EmailMessage(subject=subject, body=body, to=[email])
    message.attach("reunion.ics", meeting_ics(meeting), "text/calendar; method=PUBLISH")
    message.send()


@task()
def send_task_reminder(owner_id: int, task_ids: list[int], today_iso: str) -> None:
    owner = User.objects.get(pk=owner_id)
    tasks = list(
        FollowUpTask.objects.filter(pk__in=task_ids, owner=owner)
        .select_related("decision__meeting__body")
        .order_by("due_on")
    )
    if not tasks:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "governance/email/task_reminder.txt",
            {
                "owner": owner,
                "tasks": tasks,
                "today": date.fromisoformat(today_iso),
                "url": settings.SITE_URL,
            },
        )
        subject = _("[Tranquillité] Your follow-up tasks")
    EmailMessage(subject=subject, body=body, to=[owner.email]).send()
