"""Every read of community service, always from `visible_to(user)` then the territory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from tranquillite.community_service import reminders, timesheets
from tranquillite.community_service.models import (
    CLOSED_STATES,
    CURRENT_STATES,
    Occurrence,
    Placement,
    PlacementState,
    Post,
    WorkSession,
)
from tranquillite.core.models import Territory

MANAGE = "community_service.manage"


def administers(user: Any, territory: Territory) -> bool:
    """The coordinator administers (CNIL AU-038); a supervisor or a probation officer sees
    less of each placement (views choose what to show from this)."""
    return bool(user.has_perm(MANAGE, territory))


def catalogue(user: Any, territory: Territory, *, open_only: bool = False) -> QuerySet[Post]:
    posts = (
        Post.objects.visible_to(user)
        .in_territory(territory)
        .select_related("service", "neighbourhood")
        .prefetch_related("supervisors")
        .annotate(taken=Count("placements", filter=Q(placements__state__in=CURRENT_STATES)))
        .order_by("service__name", "title")
    )
    return posts.filter(is_open=True) if open_only else posts


def post_for(user: Any, territory: Territory, public_id: Any) -> Post | None:
    return catalogue(user, territory).filter(public_id=public_id).first()


def _with_done(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    return placements.annotate(
        done=Coalesce(
            Sum("sessions__minutes", filter=Q(sessions__ends_at__isnull=False)),
            Value(0),
            output_field=IntegerField(),
        )
    )


def placements_for(
    user: Any, territory: Territory, *, states: list[str] | None = None
) -> QuerySet[Placement]:
    placements = (
        Placement.objects.visible_to(user)
        .in_territory(territory)
        .select_related("person", "post__service", "probation_service")
    )
    if states:
        placements = placements.filter(state__in=states)
    return _with_done(placements).order_by("state", "deadline", "case_number")


def placement_for(user: Any, territory: Territory, public_id: Any) -> Placement | None:
    return (
        _with_done(Placement.objects.visible_to(user).in_territory(territory))
        .select_related(
            "person", "post__service", "probation_service", "probation_officer", "created_by"
        )
        .filter(public_id=public_id)
        .first()
    )


def session_for(user: Any, territory: Territory, public_id: Any) -> WorkSession | None:
    return (
        WorkSession.objects.visible_to(user)
        .in_territory(territory)
        .select_related("placement__post", "placement__person")
        .filter(public_id=public_id)
        .first()
    )


@dataclass(frozen=True)
class PlacementLine:
    """A placement as a work list shows it, with its pace and what is due."""

    placement: Placement
    pace: timesheets.Pace
    due: list[str]

    @property
    def done_hours(self) -> float:
        return round(getattr(self.placement, "done", 0) / 60, 1)


def pace_of(placement: Placement, today: date) -> timesheets.Pace:
    return timesheets.pace(
        ordered_hours=placement.hours_ordered,
        done_minutes=int(getattr(placement, "done", 0) or 0),
        weekdays=placement.planned_days,
        minutes_per_session=timesheets.planned_minutes_per_session(
            placement.planned_start, placement.planned_end, placement.planned_break_minutes
        ),
        today=today,
        deadline=placement.deadline,
    )


def work_list(user: Any, territory: Territory, today: date) -> list[PlacementLine]:
    """The placements under way the user sees, those behind their pace first."""
    placements = reminders.with_reminder_facts(
        placements_for(user, territory, states=list(CURRENT_STATES)), today
    )
    administrator = administers(user, territory)
    lines = []
    for placement in placements:
        pace = pace_of(placement, today)
        due = reminders.reminders_for(placement, pace, today, administrator=administrator)
        lines.append(PlacementLine(placement, pace, due))
    return sorted(lines, key=lambda line: (not line.pace.behind, line.placement.deadline))


def ended_list(user: Any, territory: Territory, today: date, limit: int = 50) -> list[Any]:
    """The last ended placements, each with what is still due (the final report). The last
    `limit` are chosen first, then only they are summed: summing every ended placement's
    sessions before keeping 50 cost 60 ms at three years of a city's placements."""
    latest = (
        Placement.objects.visible_to(user)
        .in_territory(territory)
        .filter(state__in=CLOSED_STATES)
        .order_by("-ended_on", "-pk")
        .values("pk")[:limit]
    )
    placements = reminders.with_reminder_facts(
        placements_for(user, territory).filter(pk__in=latest).order_by("-ended_on", "-pk"), today
    )
    administrator = administers(user, territory)
    return [
        (placement, reminders.reminders_for(placement, None, today, administrator=administrator))
        for placement in placements
    ]


@dataclass(frozen=True)
class DayLine:
    """One person expected (or already there) on the supervisor's day."""

    placement: Placement
    pace: timesheets.Pace
    sessions: list[WorkSession]

    @property
    def open_session(self) -> WorkSession | None:
        return next((session for session in self.sessions if session.ends_at is None), None)

    @property
    def to_validate(self) -> list[WorkSession]:
        return [s for s in self.sessions if s.ends_at is not None and s.validated_at is None]


def supervisor_day(user: Any, territory: Territory, day: date) -> list[DayLine]:
    """Today's people on the posts the user supervises: those whose planned sessions fall on
    this weekday, and anyone with a session open or recorded today."""
    todays = WorkSession.objects.filter(day=day).order_by("starts_at")
    placements = (
        _with_done(
            Placement.objects.visible_to(user)
            .in_territory(territory)
            .filter(
                state=PlacementState.ACTIVE,
                post__in=Post.objects.filter(supervisors=user).values("pk"),
            )
        )
        .select_related("person", "post")
        .prefetch_related(Prefetch("sessions", queryset=todays, to_attr="todays_sessions"))
        .order_by("planned_start", "person__last_name")
    )
    lines = []
    for placement in placements:
        sessions: list[WorkSession] = placement.todays_sessions
        if day.weekday() in placement.planned_days or sessions:
            lines.append(DayLine(placement, pace_of(placement, day), sessions))
    return lines


def sessions_of(placement: Placement) -> QuerySet[WorkSession]:
    return placement.sessions.select_related("validated_by", "recorded_by").prefetch_related(
        "corrections__corrected_by"
    )


def occurrences_of(placement: Placement) -> QuerySet[Occurrence]:
    return placement.occurrences.select_related("recorded_by").prefetch_related(
        "notices__recorded_by"
    )


def occurrence_for(user: Any, territory: Territory, public_id: Any) -> Occurrence | None:
    return (
        Occurrence.objects.visible_to(user)
        .in_territory(territory)
        .select_related("placement__post")
        .filter(public_id=public_id)
        .first()
    )
