"""Indicator sources of community service (TIG) for the action sheets (strategy/sources.py):
placements started, completed and interrupted in a period, hours done, completion rate.

Whole-territory totals over a period, never a breakdown, and under the small-count rule
(suppression.py): a count of 1 to 4 placements is withheld, and so are hours done or a rate
resting on fewer than 5 placements (hours worked by one or two people point at them).
The statistics page by service, age band and sex is the next slice.

They read the placements as they stand: a placement destroyed by the purge (3 years after its
end) no longer counts, but the measurement computed earlier stays on the indicator.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from tranquillite.community_service.models import Placement, PlacementState, WorkSession
from tranquillite.core.models import Territory
from tranquillite.observatory.followups import SmallCount, _publishable
from tranquillite.observatory.suppression import is_small


def placements_started(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(
        Placement.objects.filter(territory=territory, started_on__range=(start, end)).count()
    )


def _ended(territory: Territory, start: date, end: date, state: str) -> int:
    return Placement.objects.filter(
        territory=territory, state=state, ended_on__range=(start, end)
    ).count()


def placements_completed(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_ended(territory, start, end, PlacementState.COMPLETED))


def placements_interrupted(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_ended(territory, start, end, PlacementState.INTERRUPTED))


def hours_done(territory: Territory, start: date, end: date) -> Decimal:
    """Hours of the sessions held in the period, when at least 5 placements share them."""
    sessions = WorkSession.objects.filter(
        territory=territory, day__range=(start, end), ends_at__isnull=False
    )
    people = sessions.values("placement").distinct().count()
    if is_small(people):
        raise SmallCount(people)
    minutes = sessions.aggregate(total=Sum("minutes"))["total"] or 0
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def completion_rate(territory: Territory, start: date, end: date) -> Decimal:
    """Completed among the placements ended in the period (%), over 5 ended or more."""
    completed = _ended(territory, start, end, PlacementState.COMPLETED)
    ended = completed + _ended(territory, start, end, PlacementState.INTERRUPTED)
    if ended == 0 or is_small(ended):
        raise SmallCount(ended)
    return (Decimal(100 * completed) / ended).quantize(Decimal("0.1"))
