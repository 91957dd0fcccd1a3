"""The figures of the technical issues, raw: issues raised, fixed, open past their deadline, and
the median and 90th percentile of the time to acknowledge and to fix, per organisation,
category or neighbourhood, for the issues raised in a period. The small-count rule is applied
by the observatory before anything is shown (observatory/technical_issues.py).

One query over the period's issues of one territory (indexed on territory and creation
time), a few columns each; the percentiles are computed in Python, the same on SQLite and
PostgreSQL. Times run from routing (a re-routed issue's clock restarts with its new
organisation)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tranquillite.core.models import Territory
from tranquillite.technical_issues.models import (
    OPEN_STATUSES,
    IssueCategory,
    IssueStatus,
    TechnicalIssue,
)

DIMENSIONS = ("organisation", "category", "neighbourhood")


@dataclass
class Group:
    key: str
    label: str
    raised: int = 0
    fixed: int = 0
    refused: int = 0
    open_late: int = 0
    to_acknowledge: list[float] = field(default_factory=list)  # hours
    to_fix: list[float] = field(default_factory=list)  # hours


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (0.5: the median; 0.9: the 90th)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def groups_by(
    territory: Territory, start: datetime, end: datetime, now: datetime | None = None
) -> dict[str, list[Group]]:
    """Per organisation, per category and per neighbourhood, the issues raised in
    [start, end): one query, one pass."""
    now = now or timezone.now()
    rows = TechnicalIssue.objects.filter(
        territory=territory, created_at__gte=start, created_at__lt=end
    ).values_list(
        "organisation__name",
        "category",
        "neighbourhood__name",
        "status",
        "routed_at",
        "acknowledged_at",
        "closed_at",
        "due_at",
    )
    found: dict[str, dict[str, Group]] = {dimension: {} for dimension in DIMENSIONS}
    categories = dict(IssueCategory.choices)
    for (
        organisation,
        category,
        neighbourhood,
        status,
        routed,
        acknowledged,
        closed,
        due,
    ) in rows.iterator(chunk_size=5000):
        to_acknowledge = _hours(routed, acknowledged)
        to_fix = _hours(routed, closed) if status == IssueStatus.RESOLVED else None
        late = status in OPEN_STATUSES and due < now
        for dimension, key in zip(DIMENSIONS, (organisation, category, neighbourhood), strict=True):
            group = found[dimension].get(key)
            if group is None:
                label = str(categories.get(key, key)) if dimension == "category" else key
                group = found[dimension][key] = Group(key, label)
            group.raised += 1
            if to_acknowledge is not None:
                group.to_acknowledge.append(to_acknowledge)
            if status == IssueStatus.RESOLVED:
                group.fixed += 1
                if to_fix is not None:
                    group.to_fix.append(to_fix)
            elif status == IssueStatus.REFUSED:
                group.refused += 1
            elif late:
                group.open_late += 1
    return {
        dimension: sorted(by_key.values(), key=lambda g: g.label)
        for dimension, by_key in found.items()
    }


def groups(
    territory: Territory,
    start: datetime,
    end: datetime,
    dimension: str,
    now: datetime | None = None,
) -> list[Group]:
    """One dimension of `groups_by`."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    return groups_by(territory, start, end, now)[dimension]


# --- Indicator sources (strategy/sources.py): whole-territory totals over a period ----------


def _period(start_day: object, end_day: object) -> tuple[datetime, datetime]:
    from datetime import date, time

    assert isinstance(start_day, date) and isinstance(end_day, date)
    begin = timezone.make_aware(datetime.combine(start_day, time(0)))
    finish = timezone.make_aware(datetime.combine(end_day + timedelta(days=1), time(0)))
    return begin, finish


def issues_raised(territory: Territory, start: object, end: object) -> Decimal:
    begin, finish = _period(start, end)
    return Decimal(
        TechnicalIssue.objects.filter(
            territory=territory, created_at__gte=begin, created_at__lt=finish
        ).count()
    )


def issues_fixed(territory: Territory, start: object, end: object) -> Decimal:
    """Issues resolved in the period (whenever raised)."""
    begin, finish = _period(start, end)
    return Decimal(
        TechnicalIssue.objects.filter(
            territory=territory,
            status=IssueStatus.RESOLVED,
            closed_at__gte=begin,
            closed_at__lt=finish,
        ).count()
    )


def median_days_to_fix(territory: Territory, start: object, end: object) -> Decimal:
    """Median days from routing to fix of the issues resolved in the period."""
    from tranquillite.strategy.sources import Withheld

    begin, finish = _period(start, end)
    durations = [
        (closed - routed).total_seconds() / 86400
        for routed, closed in TechnicalIssue.objects.filter(
            territory=territory,
            status=IssueStatus.RESOLVED,
            closed_at__gte=begin,
            closed_at__lt=finish,
        ).values_list("routed_at", "closed_at")
        if closed is not None
    ]
    value = percentile(durations, 0.5)
    if value is None:
        raise Withheld
    return Decimal(str(round(value, 1)))
