"""E-mails of the follow-ups: queued each day (`send_deadline_reminders`,
`send_archive_digests`, for the recipients followups/reminders.py chooses) and sent by the
task worker.

They name files by case number only, never a person followed (CNIL AU-038). Each task checks
again, as it runs, that the recipient still may see each file.
"""

from __future__ import annotations

from collections import defaultdict
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

from tranquillite.accounts.models import Membership, User
from tranquillite.accounts.roles import roles_with
from tranquillite.core.http import absolute_url
from tranquillite.followups import reminders
from tranquillite.followups.models import Deadline


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


def send_deadline_reminders(today: date) -> int:
    """Queues one e-mail per owner with deadlines to be reminded of; returns how many."""
    candidates: dict[int, list[int]] = defaultdict(list)
    for deadline_id, owner_id in Deadline.objects.filter(
        done_on__isnull=True,
        due_on__in=reminders.reminder_dates(today),
        owner__is_active=True,
        follow_up__closed_on__isnull=True,
        follow_up__restricted_at__isnull=True,
    ).values_list("pk", "owner_id"):
        candidates[owner_id].append(deadline_id)
    queued = 0
    for owner in User.objects.filter(pk__in=candidates).order_by("pk"):
        ids = [
            deadline.pk
            for deadline in reminders.deadlines_to_remind(owner, candidates[owner.pk], today)
        ]
        if ids:
            send_deadline_reminder.enqueue(owner.pk, ids, today.isoformat())
            queued += 1
    return queued


def send_archive_digests(today: date, *, force: bool = False) -> int:
    """On the digest's weekday (or if `force`), queues to each administrator of the files
    the archived files they see that go within the week; returns how many e-mails."""
    if today.weekday() != reminders.ARCHIVE_DIGEST_WEEKDAY and not force:
        return 0
    administrators = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            is_active=True, role__in=roles_with(reminders.ADMINISTER)
        ).values("user_id"),
    ).order_by("pk")
    queued = 0
    for user in administrators:
        ids = [follow_up.pk for follow_up in reminders.archives_to_announce(user, None, today)]
        if ids:
            send_archive_digest.enqueue(user.pk, ids, today.isoformat())
            queued += 1
    return queued
