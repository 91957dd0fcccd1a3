"""Reads of the council's bodies, through `visible_to(user)` and the current territory.

Who sees a body (its name, kind, members) — not its cases: the coordinator, director and
elected officials see every body; everyone else the bodies they are an active member of.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tranquillite.core.models import Territory
from tranquillite.governance.models import (
    Attendance,
    Body,
    BodyMember,
    FollowUpTask,
    Meeting,
    MemberStatus,
    TaskStatus,
)


def bodies_for(user: Any, territory: Territory) -> QuerySet[Body]:
    bodies = Body.objects.visible_to(user).in_territory(territory)
    if not user.has_perm("governance.view_all_bodies", territory):
        bodies = bodies.filter(members__user=user, members__status=MemberStatus.ACTIVE)
    return bodies.annotate(
        member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE), distinct=True)
    ).order_by("kind", "name")


def body_for(user: Any, territory: Territory, public_id: Any) -> Body | None:
    return (
        bodies_for(user, territory)
        .filter(public_id=public_id)
        .select_related("territory")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=BodyMember.objects.select_related("user", "organisation").prefetch_related(
                    "signatures"
                ),
            ),
            "charters",
        )
        .first()
    )


def member_of(body: Body, public_id: Any) -> BodyMember | None:
    return BodyMember.objects.filter(body=body, public_id=public_id).first()


def meetings_of(body: Body) -> QuerySet[Meeting]:
    return body.meetings.order_by("-starts_at")


def meeting_for(user: Any, territory: Territory, public_id: Any) -> Meeting | None:
    """A meeting is seen by whoever sees its body."""
    return (
        Meeting.objects.in_territory(territory)
        .filter(public_id=public_id, body__in=bodies_for(user, territory).values("pk"))
        .select_related("body", "territory")
        # django-stubs cannot type a mix of Prefetch querysets: checked by the tests instead.
        .prefetch_related(  # type: ignore[type-var]
            "agenda_items",
            Prefetch("attendances", queryset=Attendance.objects.select_related("member__user")),
            "decisions",
            Prefetch("decisions__tasks", queryset=FollowUpTask.objects.select_related("owner")),
        )
        .first()
    )


def tasks_of(user: Any, territory: Territory, *, open_only: bool = True) -> QuerySet[FollowUpTask]:
    tasks = FollowUpTask.objects.visible_to(user).in_territory(territory).filter(owner=user)
    if open_only:
        tasks = tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS])
    return tasks.select_related("decision__meeting__body").order_by("due_on", "id")


def task_for(user: Any, territory: Territory, public_id: Any) -> FollowUpTask | None:
    """One's own task; the coordinator reaches every task of the territory."""
    tasks = FollowUpTask.objects.visible_to(user).in_territory(territory)
    if not user.has_perm("governance.manage_bodies", territory):
        tasks = tasks.filter(owner=user)
    return tasks.filter(public_id=public_id).first()


def feed_meetings(token: str) -> list[Meeting] | None:
    """The meetings of the feed's owner's bodies, from 90 days back; None for a bad token
    or an owner who lost access."""
    from datetime import timedelta

    from django.utils import timezone

    from tranquillite.governance.models import CalendarFeed

    feed = CalendarFeed.objects.select_related("user", "territory").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    if not feed.user.has_perm("core.view_territory", feed.territory):
        return None
    return list(
        Meeting.objects.in_territory(feed.territory)
        .filter(
            body__in=bodies_for(feed.user, feed.territory).values("pk"),
            starts_at__gte=timezone.now() - timedelta(days=90),
        )
        .select_related("body")
        .order_by("starts_at")
    )
