"""Every read of the technical issues, starting from `visible_to(user)` in the territory.

An issue names no one (a category, a place, a name-checked description): its reads are not
nominative and are not written to the access log, as for the daily log it comes from."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from tranquillite.accounts.models import Membership, Organisation
from tranquillite.accounts.roles import RIGHTS
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import LogEntry, Team
from tranquillite.technical_issues.models import (
    IssueEvent,
    RoutingRule,
    TechnicalIssue,
)

LIST_RELATED = ("neighbourhood", "organisation", "routing_rule")


def issues(user: Any, territory: Territory) -> QuerySet[TechnicalIssue]:
    return TechnicalIssue.objects.visible_to(user).in_territory(territory)


def issue_for(user: Any, territory: Territory, public_id: UUID) -> TechnicalIssue | None:
    return (
        issues(user, territory)
        .select_related("neighbourhood", "organisation", "routing_rule", "territory", "team")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=IssueEvent.objects.select_related("organisation").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .filter(public_id=public_id)
        .first()
    )


def queue_organisations(user: Any, territory: Territory) -> list[Organisation]:
    """The organisations whose queue the user works in this territory."""
    ids = Membership.objects.filter(
        user=user,
        territory=territory,
        is_active=True,
        role__in=RIGHTS["technical_issues.work_queue"],
    ).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def queue(
    user: Any, territory: Territory, organisations: list[Organisation]
) -> QuerySet[TechnicalIssue]:
    """An organisation's queue: its issues only, the earliest deadline first."""
    return (
        issues(user, territory)
        .filter(organisation__in=organisations)
        .select_related(*LIST_RELATED)
        .order_by("due_at", "pk")
    )


def my_reports(user: Any, territory: Territory) -> QuerySet[TechnicalIssue]:
    """What the user raised and what his teams raised, newest first."""
    teams = Team.objects.visible_to(user).in_territory(territory).values("pk")
    from django.db.models import Q

    return (
        issues(user, territory)
        .filter(Q(reporter=user) | Q(team__in=teams))
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-pk")
    )


def entry_for(user: Any, territory: Territory, public_id: UUID) -> LogEntry | None:
    return (
        LogEntry.objects.visible_to(user)
        .in_territory(territory)
        .select_related("neighbourhood", "team")
        .filter(public_id=public_id)
        .first()
    )


def recent_entries(user: Any, territory: Territory, limit: int = 10) -> QuerySet[LogEntry]:
    """The user's own latest entries, to raise an issue from one of them."""
    return (
        LogEntry.objects.visible_to(user)
        .in_territory(territory)
        .filter(author=user)
        .select_related("neighbourhood")
        .order_by("-occurred_at")[:limit]
    )


def rules(user: Any, territory: Territory) -> QuerySet[RoutingRule]:
    return (
        RoutingRule.objects.visible_to(user)
        .in_territory(territory)
        .select_related("organisation", "neighbourhood")
    )


def organisations_of(territory: Territory) -> QuerySet[Organisation]:
    return Organisation.objects.filter(territory=territory, is_active=True).order_by("name")


def neighbourhoods(territory: Territory) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(territory=territory).order_by("name")
