"""Reads of field presence, always through `visible_to(user)`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import (
    H3_RESOLUTIONS,
    ImportBatch,
    LogEntry,
    Sector,
    Shift,
    Team,
)


def teams_of(user: Any, territory: Territory) -> QuerySet[Team]:
    """The teams the user works in (member or supervisor), for the phone pages."""
    return (
        Team.objects.visible_to(user)
        .in_territory(territory)
        .filter(is_active=True)
        .filter(Q(memberships__user=user, memberships__is_active=True) | Q(supervisor=user))
        .distinct()
    )


def visible_teams(user: Any, territory: Territory) -> QuerySet[Team]:
    return Team.objects.visible_in(user, territory).filter(is_active=True)


def supervised_teams(user: Any, territory: Territory, *, oversees: bool) -> QuerySet[Team]:
    teams = visible_teams(user, territory)
    return teams if oversees else teams.filter(supervisor=user)


def field_staff(territory: Territory) -> QuerySet[Any]:
    """The territory's mediators and park wardens (active accounts and memberships): who may
    be a team's member or supervisor. Names of colleagues, for the management pages only."""
    from tranquillite.accounts.models import Membership, User
    from tranquillite.accounts.roles import RIGHTS

    staff = Membership.objects.filter(
        territory=territory, is_active=True, role__in=RIGHTS["field.log_presence"]
    ).values("user_id")
    return User.objects.filter(pk__in=staff, is_active=True).order_by("last_name", "first_name")


def managed_teams(user: Any, territory: Territory) -> QuerySet[Team]:
    """Every team of the territory, active or not, for whoever oversees the field."""
    return (
        Team.objects.visible_to(user)
        .in_territory(territory)
        .select_related("supervisor")
        .annotate(members_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("-is_active", "name")
    )


def planned_shifts(user: Any, territory: Territory, teams: list[Team], since: date) -> Any:
    """The shifts planned from `since` on for these teams, with their members."""
    return (
        Shift.objects.visible_to(user)
        .in_territory(territory)
        .filter(team__in=teams, date__gte=since)
        .select_related("team", "sector")
        .prefetch_related("members")
        .order_by("date", "planned_start")
    )


def sectors_of(territory: Territory) -> QuerySet[Sector]:
    # Sectors are the territory's places, not personal data: every field agent picks one.
    return Sector.objects.in_territory(territory).filter(is_active=True)


def neighbourhoods_of(territory: Territory) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.in_territory(territory)


def open_shift(user: Any, territory: Territory) -> Shift | None:
    """The shift the user clocked in to and that is still running."""
    return (
        Shift.objects.visible_to(user)
        .in_territory(territory)
        .filter(members=user, started_at__isnull=False, ended_at__isnull=True)
        .select_related("team", "sector__neighbourhood")
        .order_by("-started_at")
        .first()
    )


def shift_for(user: Any, territory: Territory, public_id: Any) -> Shift | None:
    return (
        Shift.objects.visible_to(user)
        .in_territory(territory)
        .select_related("team", "sector__neighbourhood")
        .filter(public_id=public_id)
        .first()
    )


def entries(
    user: Any,
    territory: Territory,
    *,
    shift: Shift | None = None,
    day: date | None = None,
) -> QuerySet[LogEntry]:
    queryset = (
        LogEntry.objects.visible_in(user, territory)
        .select_related("neighbourhood", "shift", "team")
        .order_by("-occurred_at", "-pk")
    )
    if shift is not None:
        queryset = queryset.filter(shift=shift)
    if day is not None:
        queryset = queryset.filter(shift__date=day)
    return queryset


def entry_for(user: Any, territory: Territory, public_id: Any) -> LogEntry | None:
    return entries(user, territory).filter(public_id=public_id).first()


def day_of_team(user: Any, territory: Territory, team: Team, day: date) -> list[Shift]:
    """The supervisor's day: the team's shifts of that date with their entries, in a fixed
    number of queries whatever the number of shifts and entries."""
    return list(
        Shift.objects.visible_to(user)
        .in_territory(territory)
        .filter(team=team, date=day)
        .select_related("sector", "validated_by")
        .prefetch_related(
            "members",
            Prefetch(
                "entries",
                queryset=LogEntry.objects.select_related("neighbourhood").order_by("occurred_at"),
            ),
        )
        .order_by("planned_start")
    )


# The map's cell size follows the zoom (static/field/map.js): large cells zoomed out, small
# ones zoomed in; individual points only from POINTS_ZOOM on, and only when at most
# POINTS_CAP are in view.
POINTS_ZOOM = 16
POINTS_CAP = 200


@dataclass(frozen=True)
class MapFilters:
    """What the map and its tables count, besides the period: every filter is applied in
    the database (the tables and the map show the same numbers)."""

    team: Team | None = None
    function: str = ""
    category: str = ""
    neighbourhood: Neighbourhood | None = None


NO_FILTER = MapFilters()


def _entries_between(
    user: Any,
    territory: Territory,
    start: datetime,
    end: datetime,
    team: Team | None,
    filters: MapFilters = NO_FILTER,
) -> QuerySet[LogEntry]:
    queryset = LogEntry.objects.visible_in(user, territory).filter(
        occurred_at__gte=start, occurred_at__lt=end
    )
    team = team or filters.team
    if team is not None:
        queryset = queryset.filter(team=team)
    if filters.function:
        queryset = queryset.filter(function=filters.function)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.neighbourhood is not None:
        queryset = queryset.filter(neighbourhood=filters.neighbourhood)
    return queryset


def cell_counts(
    user: Any,
    territory: Territory,
    *,
    resolution: int,
    start: datetime,
    end: datetime,
    team: Team | None = None,
    filters: MapFilters = NO_FILTER,
) -> list[tuple[int, int]]:
    """(h3 cell, number of entries) for the map: a GROUP BY on the precomputed, indexed
    column of that resolution, never a computation over every point."""
    if resolution not in H3_RESOLUTIONS:
        raise ValueError(resolution)
    column = f"h3_r{resolution}"
    rows = (
        _entries_between(user, territory, start, end, team, filters)
        .values(column)
        .annotate(count=Count("pk"))
        .order_by("-count", column)
    )
    return [(row[column], row["count"]) for row in rows]


def map_counts(
    user: Any,
    territory: Territory,
    *,
    resolution: int,
    start: datetime,
    end: datetime,
    neighbourhoods: list[Neighbourhood],
    team: Team | None = None,
    filters: MapFilters = NO_FILTER,
) -> tuple[list[tuple[int, int]], list[tuple[str, int]]]:
    """The map page's two tables, by cell (as `cell_counts`) and by neighbourhood, from one
    GROUP BY on both columns: one pass over the period's entries instead of two."""
    if resolution not in H3_RESOLUTIONS:
        raise ValueError(resolution)
    column = f"h3_r{resolution}"
    by_cell: Counter[int] = Counter()
    by_place: Counter[int] = Counter()
    for cell, place, count in (
        _entries_between(user, territory, start, end, team, filters)
        .values_list(column, "neighbourhood_id")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        by_cell[cell] += count
        by_place[place] += count
    names = {n.pk: n.name for n in neighbourhoods}
    cells = sorted(by_cell.items(), key=lambda item: (-item[1], item[0]))
    places = sorted(
        ((names.get(pk, "—"), count) for pk, count in by_place.items()),
        key=lambda item: (-item[1], item[0]),
    )
    return cells, places


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    function: str
    category: str


def points_in(
    user: Any,
    territory: Territory,
    *,
    start: datetime,
    end: datetime,
    box: tuple[float, float, float, float],
    cap: int,
    filters: MapFilters = NO_FILTER,
) -> list[Point] | None:
    """The entries placed by a position inside `box` (south, west, north, east), as points
    with what was done and nothing else (no author, no note, no time): None when there are
    more than `cap` (the map then keeps its cells). Entries placed from the list have no
    position of their own and stay in the cells."""
    south, west, north, east = box
    rows = list(
        _entries_between(user, territory, start, end, None, filters)
        .filter(
            latitude__isnull=False,
            latitude__gte=south,
            latitude__lte=north,
            longitude__gte=west,
            longitude__lte=east,
        )
        .values_list("latitude", "longitude", "function", "category")
        .order_by("pk")[: cap + 1]
    )
    if len(rows) > cap:
        return None
    # Filtered on a position above: neither coordinate is null here.
    return [
        Point(float(lat or 0), float(lon or 0), function, category)
        for lat, lon, function, category in rows
    ]


def import_batches(user: Any, territory: Territory) -> QuerySet[ImportBatch]:
    """The territory's historical imports, newest first (the file itself is never read)."""
    return (
        ImportBatch.objects.visible_to(user)
        .in_territory(territory)
        .defer("content")
        .select_related("created_by", "imported_by", "undone_by", "default_team")
    )


def import_batch_for(user: Any, territory: Territory, public_id: Any) -> ImportBatch | None:
    return import_batches(user, territory).filter(public_id=public_id).first()
