"""Every read of tension alerts, from `TensionAlert.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import Team
from tranquillite.tensions.models import (
    LEVEL_RANK,
    AlertOutcome,
    AlertResponse,
    Level,
    TensionAlert,
    TensionAlertQuerySet,
)

# A page of the history: 25 alerts (each listed one is an access-log row), then "older".
HISTORY_PAGE = 25


def _base(user: Any, territory: Territory) -> TensionAlertQuerySet:
    return TensionAlert.objects.visible_to(user).in_territory(territory)


def _with_neighbourhoods(alerts: TensionAlertQuerySet) -> TensionAlertQuerySet:
    return alerts.prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name"))
    )


def banner_alerts(user: Any, territory: Territory) -> list[dict[str, Any]]:
    """The active alerts for the banner: one query (names of neighbourhoods aggregated)."""
    rows = (
        _base(user, territory)
        .active()
        .order_by("-raised_at")
        .values_list("public_id", "level", "raised_at", "neighbourhoods__name")
    )
    alerts: dict[UUID, dict[str, Any]] = {}
    for public_id, level, raised_at, name in rows:
        entry = alerts.setdefault(
            public_id,
            {"public_id": public_id, "level": Level(level), "raised_at": raised_at, "names": []},
        )
        if name:
            entry["names"].append(name)
    for entry in alerts.values():
        entry["names"].sort()
    return list(alerts.values())


def active_alerts(user: Any, territory: Territory) -> QuerySet[TensionAlert]:
    return _with_neighbourhoods(_base(user, territory).active().order_by("-raised_at"))


@dataclass(frozen=True)
class HistoryFilter:
    neighbourhood: Neighbourhood | None = None
    level: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None


def lifted_alerts(user: Any, territory: Territory, chosen: HistoryFilter) -> QuerySet[TensionAlert]:
    alerts = _base(user, territory).lifted()
    if chosen.neighbourhood is not None:
        alerts = alerts.filter(neighbourhoods=chosen.neighbourhood)
    if chosen.level in Level.values:
        alerts = alerts.filter(highest_level=chosen.level)
    if chosen.outcome in AlertOutcome.values:
        alerts = alerts.filter(outcome=chosen.outcome)
    if chosen.since is not None:
        alerts = alerts.filter(raised_at__date__gte=chosen.since)
    if chosen.until is not None:
        alerts = alerts.filter(raised_at__date__lte=chosen.until)
    return _with_neighbourhoods(alerts.order_by("-raised_at", "-pk"))


@dataclass(frozen=True)
class HistoryPage:
    alerts: list[TensionAlert]
    older: UUID | None  # the cursor of the next page, None on the last one


def history_page(
    user: Any, territory: Territory, chosen: HistoryFilter, *, after: UUID | None = None
) -> HistoryPage:
    """One page of the lifted alerts, newest first, after the alert `after` (keyset
    pagination: the page costs the same at the tenth year as at the first, where an offset
    would read and skip every earlier row). A cursor one may not see starts from the top."""
    alerts = lifted_alerts(user, territory, chosen)
    if after is not None:
        mark = _base(user, territory).filter(public_id=after).values("raised_at", "pk").first()
        if mark is not None:
            alerts = alerts.filter(
                Q(raised_at__lt=mark["raised_at"])
                | Q(raised_at=mark["raised_at"], pk__lt=mark["pk"])
            )
    rows = list(alerts[: HISTORY_PAGE + 1])
    page = rows[:HISTORY_PAGE]
    return HistoryPage(page, page[-1].public_id if len(rows) > HISTORY_PAGE else None)


def alert_for(user: Any, territory: Territory, public_id: Any) -> TensionAlert | None:
    return (
        _with_neighbourhoods(_base(user, territory))
        .select_related("raised_by", "lifted_by")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=AlertResponse.objects.select_related(
                    "team", "organisation", "recorded_by"
                ),
            )
        )
        .filter(public_id=public_id)
        .first()
    )


def neighbourhoods_of(territory: Territory) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.in_territory(territory).order_by("name")


def teams_of(territory: Territory) -> QuerySet[Team]:
    return Team.objects.in_territory(territory).filter(is_active=True).order_by("name")


def organisations_of(territory: Territory) -> QuerySet[Organisation]:
    return Organisation.objects.in_territory(territory).filter(is_active=True).order_by("name")


def map_points(user: Any, territory: Territory) -> list[dict[str, Any]]:
    """Neighbourhood-level only: for each neighbourhood, its active alerts (count, highest
    level) and the alerts lifted in the last year. Two queries."""
    neighbourhoods = list(neighbourhoods_of(territory))
    active: dict[int, list[str]] = {}
    for pk, level in _base(user, territory).active().values_list("neighbourhoods__pk", "level"):
        active.setdefault(pk, []).append(level)
    points = []
    for n in neighbourhoods:
        levels = active.get(n.pk, [])
        highest = max(levels, key=lambda lv: LEVEL_RANK[Level(lv)]) if levels else ""
        label = Level(highest).label if highest else ""
        points.append(
            {
                # The map's tooltip; the table shows the same in columns.
                "name": (
                    ngettext(
                        "%(name)s: %(count)d active alert (%(level)s)",
                        "%(name)s: %(count)d active alerts (%(level)s)",
                        len(levels),
                    )
                    % {"name": n.name, "count": len(levels), "level": label}
                    if levels
                    else n.name
                ),
                "neighbourhood": n.name,
                "lat": float(n.centre_latitude),
                "lon": float(n.centre_longitude),
                "outline": n.outline,
                "priority": bool(levels),
                "active": len(levels),
                "level": label,
            }
        )
    return points
