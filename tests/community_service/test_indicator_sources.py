"""Community-service indicator sources against a count by hand, and the small-count rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.community_service.conftest import activate, make_post, open_placement, person_fields
from tranquillite.community_service.models import Placement, PlacementState, WorkSession
from tranquillite.strategy import sources
from tranquillite.strategy.sources import Withheld

pytestmark = pytest.mark.django_db


def compute(key, territory, start, end):
    return sources.get(f"community_service.{key}").compute(territory, start, end)


@pytest.fixture
def seven(coordinator, supervisor, territory, parks, spip):
    """Seven placements started, five of them ended (3 completed, 2 interrupted)."""
    post = make_post(territory, parks, [supervisor], capacity=10)
    placements = [
        activate(
            coordinator,
            open_placement(
                coordinator, territory, post, spip, new_person=person_fields(first_name=f"P{n}")
            ),
        )
        for n in range(7)
    ]
    today = timezone.localdate()
    ends = [PlacementState.COMPLETED] * 3 + [PlacementState.INTERRUPTED] * 2
    for placement, state in zip(placements, ends, strict=False):
        Placement.objects.filter(pk=placement.pk).update(state=state, ended_on=today)
    return placements


def test_the_counts_match_a_count_by_hand(territory, seven):
    today = timezone.localdate()
    start, end = today - timedelta(days=30), today
    by_hand = Placement.objects.filter(territory=territory, started_on__range=(start, end))
    assert compute("placements_started", territory, start, end) == by_hand.count() == 7
    assert compute("completion_rate", territory, start, end) == Decimal("60.0")
    with pytest.raises(Withheld):  # 3 completed: a small count
        compute("placements_completed", territory, start, end)


def test_hours_are_withheld_under_five_people(supervisor, territory, seven):
    from tests.community_service.conftest import record

    today = timezone.localdate()
    active = list(Placement.objects.filter(pk__in=[p.pk for p in seven], state="active"))
    assert len(active) == 2
    for placement in active:
        record(supervisor, placement)
    with pytest.raises(Withheld):
        compute("hours_done", territory, today - timedelta(days=7), today)
    # Five people's sessions: published, and equal to the sum by hand.
    WorkSession.objects.filter(placement__in=active).delete()
    for placement in seven[:5]:
        Placement.objects.filter(pk=placement.pk).update(state=PlacementState.ACTIVE)
        placement.refresh_from_db()
        record(supervisor, placement)
    by_hand = sum(s.minutes for s in WorkSession.objects.all()) / 60
    assert compute("hours_done", territory, today - timedelta(days=7), today) == Decimal(
        str(by_hand)
    ).quantize(Decimal("0.1"))
    assert compute("hours_done", territory, date(2001, 1, 1), date(2001, 12, 31)) == 0
