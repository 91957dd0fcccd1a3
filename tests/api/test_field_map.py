"""The map: filters applied in the database (the page's tables and the API's cells give the
same numbers), the cell size chosen by the caller (the page's script follows the zoom),
individual points only zoomed in and few, and never a name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.field.conftest import entry_input, make_field
from tranquillite.field import selectors, services

API = "/api/v1/field"
# Around Hoche, inside the territory.
NEAR = [(48.8918 + i * 0.0002, 2.4031 + i * 0.0002) for i in range(4)]


@pytest.fixture
def mapped(territory):
    field = make_field(territory)
    field.mediator.first_name, field.mediator.last_name = "Zéphyrin", "Mapnamecheck"
    field.mediator.save()
    shift = services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
    for lat, lon in NEAR:
        services.log_entry(
            actor=field.mediator,
            shift=shift,
            data=entry_input(latitude=lat, longitude=lon, note="Rien à signaler"),
        )
    for _ in range(3):
        services.log_entry(
            actor=field.mediator,
            shift=shift,
            data=entry_input(
                neighbourhood=field.quatre_chemins,
                function="active_presence",
                category="young_people",
                outcome="not_applicable",
            ),
        )
    today = timezone.localdate()
    return field, {"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()}


def _cells(client, period, **filters):
    answer = client.get(f"{API}/cells", {**period, **filters})
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 7),
        ({"function": "active_presence"}, 3),
        ({"category": "neighbour_conflict"}, 4),
        ({"function": "consultation"}, 0),
    ],
)
def test_the_cells_are_filtered_in_the_database(mapped, client_for, filters, expected):
    field, period = mapped
    client = client_for(field.director)
    for resolution in (6, 8, 10):
        cells = _cells(client, period, resolution=resolution, **filters)
        assert sum(cell["count"] for cell in cells) == expected
    assert all(cell["place"] and len(cell["outline"]) == 6 for cell in cells)


def test_a_neighbourhood_and_a_team_filter(mapped, client_for, other_territory):
    field, period = mapped
    client = client_for(field.director)
    by_place = _cells(client, period, neighbourhood=str(field.quatre_chemins.public_id))
    assert sum(cell["count"] for cell in by_place) == 3
    elsewhere = make_field(other_territory)
    refused = client.get(
        f"{API}/cells", {**period, "neighbourhood": str(elsewhere.hoche.public_id)}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "neighbourhood"
    other_team = client.get(f"{API}/cells", {**period, "team": str(elsewhere.team.public_id)})
    assert other_team.status_code == 404
    assert client.get(f"{API}/cells", {**period, "function": "arrest"}).status_code == 422


def test_the_page_tables_show_the_same_numbers_as_the_cells(mapped, client_for):
    field, period = mapped
    client = client_for(field.director)
    page = client.get("/terrain/carte/", {"fonction": "conflict_handling", "finesse": "10"})
    assert page.status_code == 200
    assert page.context["total"] == 4
    assert page.context["by_neighbourhood"] == [("Hoche", 4)]
    api = _cells(client, period, resolution=10, function="conflict_handling")
    assert sorted(c["count"] for c in page.context["cells"]) == sorted(c["count"] for c in api)
    assert "function=conflict_handling" in page.context["api_query"]
    # Unknown filter values are ignored, never an error.
    assert client.get("/terrain/carte/", {"fonction": "x", "quartier": "y"}).status_code == 200


def _points(client, period, zoom, box=(48.88, 2.39, 48.90, 2.41), **filters):
    south, west, north, east = box
    query = {**period, "zoom": zoom, "south": south, "west": west, "north": north, "east": east}
    answer = client.get(f"{API}/points", {**query, **filters})
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_points_only_zoomed_in_and_few_and_never_a_name(mapped, client_for, monkeypatch):
    field, period = mapped
    client = client_for(field.director)
    assert _points(client, period, zoom=13) == {"shown": False, "points": []}
    close = _points(client, period, zoom=17)
    assert close["shown"] is True
    # Entries placed from the list have no position: they stay in the cells.
    assert len(close["points"]) == len(NEAR)
    assert set(close["points"][0]) == {"latitude", "longitude", "function", "category"}
    for body in (
        client.get(
            f"{API}/points",
            {**period, "zoom": 17, "south": 48.88, "west": 2.39, "north": 48.90, "east": 2.41},
        ).content,
        client.get("/terrain/carte/").content,
    ):
        assert b"Mapnamecheck" not in body and b"Rien" not in body
    monkeypatch.setattr(selectors, "POINTS_CAP", 3)
    assert _points(client, period, zoom=17) == {"shown": False, "points": []}
    outside = _points(client, period, zoom=17, box=(48.80, 2.30, 48.81, 2.31))
    assert outside == {"shown": True, "points": []}
    assert (
        client_for(field.mediator)
        .get(f"{API}/points", {**period, "zoom": 17, "south": 1, "west": 1, "north": 2, "east": 2})
        .status_code
        == 200
    )
    garbage = client.get(f"{API}/points", {**period, "zoom": "x", "south": 999})
    assert garbage.status_code == 422
