"""Keeping the anonymous shadow of each placement in step (`PlacementStatistic`).

The services call these functions in the same transaction as the write they follow: the
proposal makes the shadow, each change of state copies the state and its dates, each session
written (recorded, closed, corrected) recomputes the placement's minutes per calendar year.
The observatory reads only the shadows (observatory/community_service.py), which outlive the
placement's destruction: the purge sets their `placement` to NULL (retention/purge.py).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from tranquillite.community_service.models import (
    Placement,
    PlacementHoursStatistic,
    PlacementStatistic,
)
from tranquillite.community_service.timesheets import add_months

# Age bands of community service (open from 16: art. 131-8 code pénal, CJPM for minors).
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (18, "16_17"),
    (25, "18_24"),
    (35, "25_34"),
    (50, "35_49"),
)
OLDEST_BAND = "50_plus"


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - 1 if add_months(birth_date, 12 * years) > day else years


def age_band(age: int) -> str:
    for below, band in AGE_BANDS:
        if age < below:
            return band
    return OLDEST_BAND


def create_shadow(placement: Placement, proposed_on: date) -> PlacementStatistic:
    person = placement.person
    return PlacementStatistic.objects.create(
        territory_id=placement.territory_id,
        placement=placement,
        service_id=placement.post.service_id,
        post_id=placement.post_id,
        age_band=age_band(age_on(person.birth_date, proposed_on)),
        sex=person.sex,
        hours_ordered=placement.hours_ordered,
        proposed_on=proposed_on,
        started_on=placement.started_on,
        ended_on=placement.ended_on,
        state=placement.state,
        interruption_reason=placement.interruption_reason,
    )


def sync_state(placement: Placement) -> None:
    PlacementStatistic.objects.filter(placement=placement).update(
        state=placement.state,
        started_on=placement.started_on,
        ended_on=placement.ended_on,
        interruption_reason=placement.interruption_reason,
    )


def sync_hours(placement: Placement) -> None:
    """The placement's closed sessions, as minutes per calendar year of their day."""
    shadow = PlacementStatistic.objects.filter(placement=placement).only("pk").first()
    if shadow is None:
        return
    per_year = dict(
        placement.sessions.filter(ends_at__isnull=False)
        .annotate(year=ExtractYear("day"))
        .values("year")
        .annotate(total=Sum("minutes"))
        .values_list("year", "total")
    )
    PlacementHoursStatistic.objects.filter(statistic=shadow).exclude(
        year__in=list(per_year)
    ).delete()
    for year, minutes in per_year.items():
        PlacementHoursStatistic.objects.update_or_create(
            statistic=shadow,
            year=year,
            defaults={"minutes": minutes, "territory_id": placement.territory_id},
        )
    PlacementStatistic.objects.filter(pk=shadow.pk).update(minutes_done=sum(per_year.values()))
