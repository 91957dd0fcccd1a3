"""What is due in a placement, shown in the work lists (item 8 of the community-service
issue): the start to prepare, the deadline approaching with hours left, sessions the
supervisor has not validated, the final report to produce. The same list goes by e-mail every
morning (`manage.py send_community_service_reminders`, tasks.send_work_reminder), by case
number only.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tranquillite.community_service.models import (
    CLOSED_STATES,
    Placement,
    PlacementDocument,
    PlacementDocumentKind,
    PlacementState,
)
from tranquillite.community_service.timesheets import Pace

# A deadline is "approaching" a month ahead; a session waits two days for its validation.
DEADLINE_SOON_DAYS = 30
VALIDATION_DAYS = 2


def with_reminder_facts(placements: QuerySet[Placement], today: date) -> QuerySet[Placement]:
    """The two facts reminders need, in the list's one query."""
    return placements.annotate(
        unvalidated=Count(
            "sessions",
            filter=Q(
                sessions__ends_at__isnull=False,
                sessions__validated_at__isnull=True,
                sessions__day__lt=today - timedelta(days=VALIDATION_DAYS),
            ),
        ),
        has_report=Exists(
            PlacementDocument.objects.filter(
                placement=OuterRef("pk"), kind=PlacementDocumentKind.FINAL_REPORT
            )
        ),
    )


def reminders_for(
    placement: Placement, pace: Pace | None, today: date, *, administrator: bool = True
) -> list[str]:
    """What is due. Someone who does not administer (a supervisor, a probation officer) is
    reminded only of the sessions waiting for the supervisor's validation."""
    late = int(getattr(placement, "unvalidated", 0) or 0)
    if not administrator:
        return _to_validate(late)
    due: list[str] = []
    if placement.state == PlacementState.PROPOSED:
        if placement.agreement_on is None or placement.first_interview_on is None:
            due.append(_("Agreement and first interview to record"))
        else:
            due.append(_("Ready to start"))
    days_left = (placement.deadline - today).days
    if (
        placement.state in (PlacementState.ACTIVE, PlacementState.SUSPENDED)
        and pace is not None
        and pace.remaining_minutes
        and days_left <= DEADLINE_SOON_DAYS
    ):
        due.append(
            _("Deadline in %(days)s days, %(hours)s hours left")
            % {
                "days": max(days_left, 0),
                "hours": formats.number_format(pace.remaining_hours, 1),
            }
        )
    due += _to_validate(late)
    if placement.state in CLOSED_STATES and not getattr(placement, "has_report", True):
        due.append(_("Final report to produce"))
    return due


def _to_validate(late: int) -> list[str]:
    if not late:
        return []
    return [
        ngettext("%(count)s session to validate", "%(count)s sessions to validate", late)
        % {"count": late}
    ]
