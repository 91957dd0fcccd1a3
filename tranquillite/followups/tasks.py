"""E-mails of the follow-ups, sent by the task worker (followups/reminders.py queues them).

They name files by case number only, never a person followed (CNIL AU-038). Each task checks
again, as it runs, that the recipient still may see each file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tranquillite.accounts.models import User
from tranquillite.core.http import absolute_url
from tranquillite.followups import reminders


def _send(user: Any, template: str, context: dict[str, Any], subject: str, url_name: str) -> None:
    """A reminder in the installation's language; it names case numbers, never a person."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "url": absolute_url(reverse(url_name))})
        EmailMessage(subject=_(subject), body=body, to=[user.email]).send()


@task()
def send_deadline_reminder(owner_id: int, deadline_ids: list[int], today_iso: str) -> None:
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        return
    today = date.fromisoformat(today_iso)
    deadlines = reminders.deadlines_to_remind(owner, deadline_ids, today)
    if deadlines:
        _send(
            owner,
            "followups/email/deadline_reminder.txt",
            {"owner": owner, "deadlines": deadlines, "today": today},
            gettext_noop("[Tranquillité] Follow-ups: deadlines due soon or late"),
            "followups:worklist",
        )


@task()
def send_archive_digest(user_id: int, follow_up_ids: list[int], today_iso: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    today = date.fromisoformat(today_iso)
    archives = reminders.archives_to_announce(user, follow_up_ids, today)
    if archives:
        _send(
            user,
            "followups/email/archive_digest.txt",
            {"user": user, "archives": archives, "today": today},
            gettext_noop("[Tranquillité] Archived follow-ups to be destroyed this week"),
            "followups:team_worklist",
        )
