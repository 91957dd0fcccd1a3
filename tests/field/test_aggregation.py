"""The map's counts (a GROUP BY on the precomputed h3 column) equal a brute-force count of
the same entries' cells computed one by one from their positions."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import h3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.field.conftest import entry_input
from tranquillite.field import selectors, services
from tranquillite.field.models import LogEntry, Team

# Around Quatre-Chemins and Hoche, inside the 2 km the territory allows.
points = st.lists(
    st.tuples(st.floats(48.890, 48.903), st.floats(2.390, 2.405)), min_size=0, max_size=25
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(points=points, resolution=st.sampled_from([6, 8, 10]))
def test_the_group_by_equals_a_brute_force_count(field, shift, points, resolution):
    LogEntry.objects.all().delete()
    for lat, lon in points:
        services.log_entry(
            actor=field.mediator, shift=shift, data=entry_input(latitude=lat, longitude=lon)
        )
    expected = Counter(
        h3.str_to_int(h3.latlng_to_cell(float(e.latitude), float(e.longitude), resolution))
        for e in LogEntry.objects.all()
    )
    start = shift.started_at - timedelta(days=1)
    got = selectors.cell_counts(
        field.mediator,
        field.territory,
        resolution=resolution,
        start=start,
        end=start + timedelta(days=3),
    )
    assert dict(got) == dict(expected)
    assert sum(count for _cell, count in got) == len(points)


def test_visible_in_is_visible_to_within_the_territory(field, shift, territory, other_territory):
    """The overseer's shortcut (no team subquery) reads exactly what `visible_to` allows."""
    from tests.factories import member
    from tranquillite.accounts.roles import Role

    for _ in range(2):
        services.log_entry(
            actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
        )
    warden = member(territory, Role.PARK_WARDEN)
    parks = services.create_team(
        actor=field.director,
        territory=territory,
        name="Parcs",
        kind="park_wardens",
        members=[warden],
    )
    parks_shift = services.clock_in(actor=warden, team=parks, sector=field.sector)
    services.log_entry(
        actor=warden,
        shift=parks_shift,
        data=entry_input(neighbourhood=field.hoche, category="park_rules"),
    )
    stranger = member(other_territory, Role.DIRECTOR)
    for user, expected in ((field.director, 3), (field.mediator, 2), (warden, 1), (stranger, 0)):
        shortcut = set(LogEntry.objects.visible_in(user, territory).values_list("pk", flat=True))
        rule = set(
            LogEntry.objects.visible_to(user).in_territory(territory).values_list("pk", flat=True)
        )
        assert shortcut == rule and len(shortcut) == expected, user
        teams = set(Team.objects.visible_in(user, territory))
        assert teams == set(Team.objects.visible_to(user).in_territory(territory)), user
