"""Work lists: what is due in the follow-ups (reads only).

"My work" shows a user the open deadlines they own (`Deadline.owner`, set by the workflows:
the case worker, or whoever took the step) in the files they may still see: the charter gate
(`FollowUp.objects.visible_to`) is applied on every read, so a case worker who left the group,
was suspended or has not signed its new charter stops seeing the deadlines at once, even
though they still own them. The coordinator's view (`followups.administer_follow_ups`) shows
every open deadline of the files they see, by case worker, and the archived files whose
destruction comes within the horizon.

A line names a file by its case number, its kind and what is due: never the person (the list
is often on a shared screen; the file's page is one click away). Closed files have no open
deadline (closure drops them); a restricted file (RGPD art. 18) is frozen, its deadlines
wait until the restriction is lifted and are left out here.

Each list costs a fixed number of queries whatever its length: the deadlines in one query
(the gate is a subquery, the file and the owner are joined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from tranquillite.core.models import Territory
from tranquillite.followups.models import Deadline, FollowUp

# The list looks this far ahead; beyond, nothing is urgent.
HORIZON_DAYS = 30
WEEK_DAYS = 7

OVERDUE = "overdue"
THIS_WEEK = "this_week"
NEXT_DAYS = "next_days"
GROUPS = (OVERDUE, THIS_WEEK, NEXT_DAYS)


def group_of(due_on: date, today: date) -> str:
    """Overdue (before today), this week (today and the 6 days after), or later within the
    horizon."""
    if due_on < today:
        return OVERDUE
    if due_on < today + timedelta(days=WEEK_DAYS):
        return THIS_WEEK
    return NEXT_DAYS


@dataclass
class WorkList:
    today: date
    deadlines: list[Deadline]
    groups: dict[str, list[Deadline]] = field(default_factory=dict)

    @property
    def follow_ups(self) -> list[FollowUp]:
        """The files the list shows, once each (for the access log)."""
        seen: dict[int, FollowUp] = {}
        for deadline in self.deadlines:
            seen.setdefault(deadline.follow_up_id, deadline.follow_up)
        return list(seen.values())

    @property
    def support_ending(self) -> list[Deadline]:
        return [deadline for deadline in self.deadlines if deadline.kind == "support_end"]


def _open_deadlines(user: Any, territory: Territory, today: date) -> QuerySet[Deadline]:
    files = FollowUp.objects.visible_to(user).filter(
        territory=territory, closed_on__isnull=True, restricted_at__isnull=True
    )
    return (
        Deadline.objects.filter(
            territory=territory,
            done_on__isnull=True,
            due_on__lte=today + timedelta(days=HORIZON_DAYS),
            follow_up__in=files,
        )
        .select_related("follow_up", "owner")
        .order_by("due_on", "follow_up__case_number", "pk")
    )


def _grouped(deadlines: list[Deadline], today: date) -> WorkList:
    work = WorkList(today=today, deadlines=deadlines, groups={group: [] for group in GROUPS})
    for deadline in deadlines:
        work.groups[group_of(deadline.due_on, today)].append(deadline)
    return work


def my_work(user: Any, territory: Territory, today: date) -> WorkList:
    """The user's own open deadlines, in the files they may still see."""
    return _grouped(list(_open_deadlines(user, territory, today).filter(owner=user)), today)


def team_work(user: Any, territory: Territory, today: date, owner: Any = None) -> WorkList:
    """Every open deadline of the files the user sees (the coordinator's view), or those of
    one case worker."""
    deadlines = _open_deadlines(user, territory, today)
    if owner is not None:
        deadlines = deadlines.filter(owner=owner)
    return _grouped(list(deadlines), today)


def owners_of_open_deadlines(user: Any, territory: Territory, today: date) -> QuerySet[Any]:
    """The case workers who own an open deadline in the files the user sees (the filter)."""
    from tranquillite.accounts.models import User

    owner_ids = _open_deadlines(user, territory, today).values("owner_id")
    return User.objects.filter(pk__in=owner_ids).order_by("last_name", "first_name")


def archives_to_destroy(user: Any, territory: Territory, today: date) -> list[FollowUp]:
    """The archived files the user sees whose destruction date is within the horizon (or
    past: the purge has not run yet). Case numbers only: no name without a stated reason."""
    return list(
        FollowUp.objects.visible_to(user)
        .filter(
            territory=territory,
            closed_on__isnull=False,
            destroy_on__lte=today + timedelta(days=HORIZON_DAYS),
        )
        .select_related("body")
        .order_by("destroy_on", "case_number")
    )
