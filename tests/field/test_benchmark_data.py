"""The benchmark's field data (benchmarks/field.py) is data the application could have written:
exactly as many entries as asked, each in a shift of its team, at a moment of that shift, by
one of its crew, placed and celled as `field/services.py` places and cells an entry."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from benchmarks.field import SUPERVISOR_EMAIL, largest_remainders, write_field
from benchmarks.governance import Person
from tests.factories import NeighbourhoodFactory, TerritoryFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Neighbourhood
from tranquillite.field.geo import cells_of, nearest_neighbourhood
from tranquillite.field.models import CATEGORIES_BY_KIND, LogEntry, Shift, Team


def test_largest_remainders_give_exactly_the_total():
    counts = largest_remainders([0.2, 1.7, 3.3, 0.0, 2.9], 101)
    assert sum(counts) == 101
    assert counts[3] == 0 and counts[2] > counts[1]


@pytest.fixture
def built(transactional_db):
    territories, people = [], {}
    for index in range(2):
        territory = TerritoryFactory()
        for j in range(4):
            NeighbourhoodFactory(
                territory=territory,
                centre_latitude=Decimal("48.85") + Decimal(j) / 500,
                centre_longitude=Decimal("2.35") + Decimal(j) / 500,
            )
        staff = [member(territory, Role.MEDIATOR) for _ in range(4 - index)]
        staff += [member(territory, Role.PARK_WARDEN) for _ in range(3)]
        territories.append(territory)
        people[territory.pk] = [Person(u.pk, 0, 0, u.memberships.get().role) for u in staff]
    counts = write_field(
        rng=random.Random(1),
        now=datetime(2026, 7, 15, 12, tzinfo=UTC),
        territory_ids=[t.pk for t in territories],
        weights=[1.0, 0.5],
        people=people,
        entries=3_000,
    )
    return territories, counts


def test_as_many_entries_as_asked_shared_by_weight(built):
    territories, counts = built
    assert counts["entries"] == LogEntry.objects.count() == 3_000
    per_territory = Counter(LogEntry.objects.values_list("territory_id", flat=True))
    # Weights 1 and 0.5: two thirds and one third, give or take the noise.
    assert 1_800 < per_territory[territories[0].pk] < 2_200
    assert counts["shifts"] == Shift.objects.count() > 0
    assert Team.objects.filter(supervisor__email=SUPERVISOR_EMAIL).count() == 1


def test_every_entry_is_one_the_application_could_have_written(built):
    territories, _counts = built
    hoods = {t.pk: list(Neighbourhood.objects.filter(territory=t)) for t in territories}
    entries = LogEntry.objects.select_related("shift", "team", "neighbourhood")
    members = {
        (shift_id, user_id)
        for shift_id, user_id in Shift.members.through.objects.values_list("shift_id", "user_id")
    }
    located = 0
    for entry in entries:
        shift = entry.shift
        assert entry.team_id == shift.team_id and entry.territory_id == shift.territory_id
        assert shift.started_at <= entry.occurred_at <= shift.ended_at
        assert (shift.pk, entry.author_id) in members
        assert entry.category in CATEGORIES_BY_KIND[entry.team.kind]
        if entry.latitude is not None:
            located += 1
            assert entry.location_source == "device"
            near = nearest_neighbourhood(
                hoods[entry.territory_id], float(entry.latitude), float(entry.longitude)
            )
            assert near == entry.neighbourhood
            cells = cells_of(entry.latitude, entry.longitude)
        else:
            assert entry.location_source == "list"
            cells = cells_of(
                entry.neighbourhood.centre_latitude, entry.neighbourhood.centre_longitude
            )
        assert (entry.h3_r6, entry.h3_r8, entry.h3_r10) == (cells.r6, cells.r8, cells.r10)
    assert 0.65 < located / 3_000 < 0.85


def test_shifts_are_validated_but_the_last_day(built):
    last = Shift.objects.latest("date").date
    assert not Shift.objects.filter(date=last, validated_at__isnull=False).exists()
    assert not Shift.objects.filter(date__lt=last, validated_at__isnull=True).exists()
    assert not Shift.objects.filter(started_at__isnull=True).exists()
