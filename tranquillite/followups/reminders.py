"""The daily reminders of the follow-ups (management command `send_follow_up_reminders`):
who is reminded of what. The tasks (followups/tasks.py) queue and send the e-mails.

- Each owner of an open deadline due in 3 days, or late by one day, gets one e-mail listing
  those deadlines: the case number, the kind of file, what is due and when, and a link to
  "My work". Never a name (CNIL AU-038: messages name cases by number) — the e-mail leaves
  the platform, may be forwarded, read on a phone, kept in a mailbox for years.
- Once a week (Monday), whoever administers the files gets the archived files they see that
  the automatic purge destroys within the week (or that it should already have destroyed).

Recipients are checked against the charter gate twice: when the reminders are queued and
again when the task worker sends them (it may run later): someone who lost access to the
file's body in between gets nothing about it. Restricted files (RGPD art. 18) are frozen and
remind nobody.
"""

from __future__ import annotations

from datetime import date, timedelta

from tranquillite.accounts.models import User
from tranquillite.followups.models import Deadline, FollowUp

# Due in 3 days, and late by one day (as the council's task reminders).
REMINDER_OFFSETS_DAYS = (3, -1)
# The archive digest goes on Mondays and covers the week to come.
ARCHIVE_DIGEST_WEEKDAY = 0
ARCHIVE_DIGEST_DAYS = 7
ADMINISTER = "followups.administer_follow_ups"


def reminder_dates(today: date) -> list[date]:
    return [today + timedelta(days=offset) for offset in REMINDER_OFFSETS_DAYS]


def deadlines_to_remind(owner: User, deadline_ids: list[int] | None, today: date) -> list[Deadline]:
    """The open deadlines `owner` is to be reminded of today, in files they may still see
    (open, not restricted): all of them, or those of `deadline_ids`."""
    deadlines = Deadline.objects.filter(
        owner=owner,
        done_on__isnull=True,
        due_on__in=reminder_dates(today),
        follow_up__in=FollowUp.objects.visible_to(owner).filter(
            closed_on__isnull=True, restricted_at__isnull=True
        ),
    )
    if deadline_ids is not None:
        deadlines = deadlines.filter(pk__in=deadline_ids)
    return list(deadlines.select_related("follow_up").order_by("due_on", "follow_up__case_number"))


def archives_to_announce(
    user: User, follow_up_ids: list[int] | None, today: date
) -> list[FollowUp]:
    """The archived files `user` sees (and administers) that go within the digest's week."""
    files = FollowUp.objects.visible_to(user).filter(
        closed_on__isnull=False,
        destroy_on__lte=today + timedelta(days=ARCHIVE_DIGEST_DAYS - 1),
    )
    if follow_up_ids is not None:
        files = files.filter(pk__in=follow_up_ids)
    return [
        follow_up
        for follow_up in files.select_related("territory").order_by("destroy_on", "case_number")
        if user.has_perm(ADMINISTER, follow_up.territory)
    ]
