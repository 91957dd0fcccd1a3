"""The probation notice: an absence, a lateness or an incident told to the probation officer
the same day, by the platform itself (the task worker sends it after the write is committed).

It names no one (CNIL AU-038: messages name cases by number): the subject and the body carry
the case number, what happened, the date and a link to the placement; the officer reads the
rest on the platform, where the access is checked and logged.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Membership, User
from tranquillite.accounts.roles import Role
from tranquillite.community_service.models import InformedBy, Occurrence
from tranquillite.community_service.selectors import work_list
from tranquillite.core.http import absolute_url
from tranquillite.core.models import Territory


def notice_address(occurrence: Occurrence) -> str:
    """The officer's account, else the outside contact's e-mail, else the service's."""
    placement = occurrence.placement
    officer = placement.probation_officer
    if officer is not None and officer.is_active:
        return str(officer.email)
    return placement.officer_email or placement.probation_service.email


def mark_informed(occurrence_id: int, means: str) -> None:
    Occurrence.objects.filter(pk=occurrence_id, informed_at__isnull=True).update(
        informed_at=timezone.now(), informed_by=means
    )


@task()
def send_probation_notice(occurrence_id: int) -> None:
    occurrence = (
        Occurrence.objects.select_related(
            "placement__probation_officer", "placement__probation_service"
        )
        .filter(pk=occurrence_id, informed_at__isnull=True)
        .first()
    )
    if occurrence is None:
        return
    address = notice_address(occurrence)
    if not address:
        return  # the placement page shows "not informed": the coordinator calls instead
    placement = occurrence.placement
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "occurrence": occurrence,
            "case_number": placement.case_number,
            "url": absolute_url(reverse("community_service:placement", args=[placement.public_id])),
        }
        subject = _("[Tranquillité] Community service %(case)s: %(kind)s on %(day)s") % {
            "case": placement.case_number,
            "kind": occurrence.get_kind_display().lower(),
            "day": occurrence.day.strftime("%d/%m/%Y"),
        }
        body = render_to_string("community_service/email/probation_notice.txt", context)
    EmailMessage(subject=subject, body=body, to=[address]).send()
    mark_informed(occurrence.pk, InformedBy.PLATFORM_EMAIL)


# Who gets the daily reminder: those who act on placements (the coordinator administers, the
# supervisor validates). A probation officer reads his placements on the platform.
REMINDED_ROLES = (Role.COORDINATOR, Role.SUPERVISOR)


def queue_work_reminders(today_iso: str) -> int:
    """One task per user who may have something due; each checks again as it runs."""
    users = (
        Membership.objects.filter(is_active=True, role__in=REMINDED_ROLES, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in users:
        send_work_reminder.enqueue(user_id, today_iso)
        count += 1
    return count


@task()
def send_work_reminder(user_id: int, today_iso: str) -> None:
    """What is due in the placements the user sees, by case number — never a name (CNIL
    AU-038: messages name cases by number)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    today = date.fromisoformat(today_iso)
    lines = [
        line
        for territory in Territory.objects.for_user(user)
        for line in work_list(user, territory, today)
        if line.due
    ]
    if not lines:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "community_service/email/work_reminder.txt",
            {"lines": lines, "url": absolute_url(reverse("community_service:placements"))},
        )
        subject = _("[Tranquillité] Community service: what is due")
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
