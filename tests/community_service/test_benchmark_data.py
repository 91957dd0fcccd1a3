"""The benchmark's community-service data (benchmarks/community_service.py) is data the
application could have written: hours that add up, states that match them, nothing kept past
its retention, and anonymous shadows that agree with the sessions."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from benchmarks.community_service import TIG_SUPERVISOR_EMAIL, write_community_service
from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.models import OrganisationKind, User
from tranquillite.accounts.roles import Role
from tranquillite.community_service import selectors
from tranquillite.community_service.models import (
    Placement,
    PlacementHoursStatistic,
    PlacementStatistic,
    WorkSession,
)
from tranquillite.community_service.retention import KEEP_YEARS

NOW = datetime(2026, 6, 10, 10, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def built(territory):
    NeighbourhoodFactory(territory=territory)
    OrganisationFactory(territory=territory, kind=OrganisationKind.CITY_SERVICE)
    OrganisationFactory(territory=territory, kind=OrganisationKind.PROBATION_SERVICE)
    for _ in range(2):
        member(territory, Role.SUPERVISOR)
    counts = write_community_service(
        rng=random.Random(8), now=NOW, territory_ids=[territory.pk], posts=6
    )
    return territory, counts


def test_counts_and_hours_add_up(built):
    territory, counts = built
    placements = Placement.objects.filter(territory=territory)
    assert counts["posts"] == 6 and counts["placements"] == placements.count() > 0
    assert counts["sessions"] == WorkSession.objects.count() > 0
    assert counts["statistics"] == PlacementStatistic.objects.count()
    assert counts["statistics"] == counts["placements"] + counts["purged"]
    done = dict(placements.annotate(done=Sum("sessions__minutes")).values_list("pk", "done"))
    for placement in placements:
        minutes = done[placement.pk] or 0
        if placement.state == "completed":
            assert minutes >= placement.hours_ordered * 60
            assert minutes - placement.hours_ordered * 60 < 6 * 60  # not a session more
            assert placement.ended_on == placement.sessions.latest("day").day
        elif placement.state == "interrupted":
            assert minutes < placement.hours_ordered * 60 and placement.interruption_reason
        elif placement.state == "proposed":
            assert minutes == 0 and placement.started_on is None
        else:
            assert placement.state == "active" and placement.ended_on is None
        for session in placement.sessions.all()[:3]:
            assert session.day.weekday() in placement.planned_days
            assert session.minutes == 360  # 9:00–16:00 with an hour's break


def test_nothing_is_kept_past_its_retention_and_shadows_agree(built):
    territory, _counts = built
    today = NOW.date()
    limit = today - timedelta(days=365 * KEEP_YEARS)
    assert not Placement.objects.filter(ended_on__lte=limit).exists()
    assert not WorkSession.objects.filter(day__gte=today).exists()
    for placement in Placement.objects.filter(territory=territory):
        shadow = placement.statistic
        minutes = placement.sessions.aggregate(total=Sum("minutes"))["total"] or 0
        assert shadow.minutes_done == minutes and shadow.state == placement.state
        by_year = shadow.hours_by_year.aggregate(total=Sum("minutes"))["total"] or 0
        assert by_year == minutes
        if placement.ended_on:
            assert placement.destroy_on > today
    purged = PlacementStatistic.objects.filter(placement__isnull=True)
    assert purged.exists()
    assert purged.filter(ended_on__lt=limit + timedelta(days=1)).count() == purged.count()
    assert PlacementHoursStatistic.objects.filter(statistic__in=purged).exists()
    assert PlacementStatistic.objects.order_by("proposed_on").first().proposed_on < date(2017, 1, 1)


def test_the_benchmark_supervisor_has_people_on_his_day(built, monkeypatch):
    territory, _counts = built
    supervisor = User.objects.get(email=TIG_SUPERVISOR_EMAIL)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    days = [NOW.date() + timedelta(days=n) for n in range(7)]
    lines = [line for day in days for line in selectors.supervisor_day(supervisor, territory, day)]
    assert lines, "the supervisor sees the people expected on his posts in a week"


def test_the_ended_list_keeps_the_latest_and_sums_only_them(built, monkeypatch):
    territory, _counts = built
    coordinator = member(territory, Role.COORDINATOR)
    ended = selectors.ended_list(coordinator, territory, NOW.date(), limit=5)
    expected = list(
        Placement.objects.filter(territory=territory, state__in=["completed", "interrupted"])
        .order_by("-ended_on", "-pk")
        .values_list("pk", flat=True)[:5]
    )
    assert [placement.pk for placement, _due in ended] == expected
    for placement, _due in ended:
        total = placement.sessions.aggregate(total=Sum("minutes"))["total"] or 0
        assert placement.done == total
