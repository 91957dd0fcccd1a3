"""The field API: schema and docs for signed-in users, session auth with CSRF, idempotent
writes, French validation errors with their field, never a server error on garbage, and the
access matrix (role × territory → 200 or 404)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import entry_input, make_field
from tranquillite.accounts.roles import Role
from tranquillite.field import services
from tranquillite.field.models import LogEntry

API = "/api/v1/field"


def body(field, **changes):
    values = {
        "client_uuid": str(uuid.uuid4()),
        "occurred_at": timezone.now().isoformat(),
        "neighbourhood": str(field.hoche.public_id),
        "function": "conflict_handling",
        "category": "neighbour_conflict",
        "age_band": "12_17",
        "sex": "male",
        "group_size": 4,
        "action": "dialogue",
        "partner": "none",
        "outcome": "settled",
        "note": "",
    }
    values.update(changes)
    return values


def post(client, url, data, **headers):
    raw = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, raw, content_type="application/json", headers=headers)


def clock_in(field):
    return services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)


@pytest.fixture
def api_field(territory):
    return make_field(territory)


@pytest.fixture
def mediator_client(api_field, client_for):
    return client_for(api_field.mediator)


def test_the_schema_and_docs_are_for_signed_in_users(api_field, mediator_client):
    assert Client().get("/api/v1/docs").status_code == 302
    schema = mediator_client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/field/shifts/{shift_id}/entries" in paths
    docs = mediator_client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_clock_in_then_an_entry_then_the_same_entry_again(api_field, mediator_client):
    clocked = post(
        mediator_client,
        f"{API}/shifts/clock-in",
        {"team": str(api_field.team.public_id), "sector": str(api_field.sector.public_id)},
    )
    assert clocked.status_code == 200, clocked.content
    shift_id = clocked.json()["id"]
    data = body(api_field)
    first = post(mediator_client, f"{API}/shifts/{shift_id}/entries", data)
    assert first.status_code == 201, first.content
    again = post(mediator_client, f"{API}/shifts/{shift_id}/entries", data)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert LogEntry.objects.count() == 1
    listed = mediator_client.get(f"{API}/shifts/{shift_id}/entries")
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["id"] == first.json()["id"]


def test_the_idempotency_key_header_alone_is_enough(api_field, mediator_client):
    shift = clock_in(api_field)
    key = str(uuid.uuid4())
    data = body(api_field, client_uuid=None)
    url = f"{API}/shifts/{shift.public_id}/entries"
    assert post(mediator_client, url, data, **{"Idempotency-Key": key}).status_code == 201
    assert post(mediator_client, url, data, **{"Idempotency-Key": key}).status_code == 201
    assert LogEntry.objects.get().client_uuid == uuid.UUID(key)


@pytest.mark.parametrize(
    ("raw", "field_name", "status", "words"),
    [
        ("{not json", "body", 400, "JSON"),
        ("[]", "function", 422, ""),
        ({"group_size": "beaucoup"}, "group_size", 422, "nombre entier"),
        ({"function": "arrest"}, "function", 422, "liste"),
        ({"occurred_at": "hier"}, "occurred_at", 422, "date"),
        ({"latitude": 43.2965, "longitude": 5.3698}, "latitude", 422, "hors du territoire"),
        ({"occurred_at": "2999-01-01T10:00:00+01:00"}, "occurred_at", 422, "futur"),
        ({"neighbourhood": str(uuid.uuid4())}, "neighbourhood", 422, "territoire"),
        ({"group_size": None}, "group_size", 422, ""),
    ],
)
def test_bad_bodies_get_a_french_error_with_their_field(
    api_field, mediator_client, raw, field_name, status, words
):
    shift = clock_in(api_field)
    data = raw if isinstance(raw, str) else body(api_field, **raw)
    response = post(mediator_client, f"{API}/shifts/{shift.public_id}/entries", data)
    assert response.status_code == status, response.content
    errors = response.json()["errors"]
    assert field_name in {error["field"] for error in errors}
    assert words.lower() in " ".join(error["message"] for error in errors).lower()
    assert not LogEntry.objects.exists()


def test_without_the_csrf_token_a_write_is_refused(api_field):
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_field.mediator)
    response = post(
        client,
        f"{API}/shifts/clock-in",
        {"team": str(api_field.team.public_id), "sector": str(api_field.sector.public_id)},
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_signed_out_is_401_in_french():
    response = Client().get(f"{API}/shifts")
    assert response.status_code == 401
    assert "Connectez-vous" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("mediator", 200),
        ("supervisor", 200),
        ("director", 200),
        ("coordinator", 200),
        ("other_mediator", 404),
        ("park_warden", 404),
        ("elected_official", 404),
        ("partner_member", 404),
        ("dpo", 404),
        ("tech_admin", 404),
        ("other_territory_coordinator", 404),
    ],
)
def test_access_matrix(api_field, territory, other_territory, client_for, who, expected):
    shift = clock_in(api_field)
    entry, _created = services.log_entry(
        actor=api_field.mediator,
        shift=shift,
        data=entry_input(neighbourhood=api_field.hoche),
    )
    users = {
        "mediator": api_field.mediator,
        "supervisor": api_field.supervisor,
        "director": api_field.director,
    }
    if who in users:
        user = users[who]
    elif who == "other_territory_coordinator":
        user = member(other_territory, Role.COORDINATOR)
    elif who == "other_mediator":
        user = member(territory, Role.MEDIATOR)
    else:
        user = member(territory, Role(who))
    client = client_for(user)
    for url in (
        f"{API}/shifts/{shift.public_id}",
        f"{API}/shifts/{shift.public_id}/entries",
        f"{API}/entries/{entry.public_id}",
    ):
        assert client.get(url).status_code == expected, (who, url)
    listed = client.get(f"{API}/shifts").json()
    assert listed["count"] == (1 if expected == 200 else 0)
    # A write on a shift one may not see is a 404 too, and saves nothing.
    if expected == 404:
        response = post(client, f"{API}/shifts/{shift.public_id}/entries", body(api_field))
        assert response.status_code == 404
        assert post(client, f"{API}/shifts/{shift.public_id}/clock-out", {}).status_code == 404
        assert LogEntry.objects.count() == 1


def test_a_mediator_cannot_validate_but_the_supervisor_can(api_field, client_for):
    shift = clock_in(api_field)
    url = f"{API}/shifts/{shift.public_id}/validate"
    assert post(client_for(api_field.mediator), url, {}).status_code == 404
    response = post(client_for(api_field.supervisor), url, {})
    assert response.status_code == 200
    assert response.json()["validated_at"] is not None


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/shifts?date=garbage",
        f"{API}/shifts?page=-3",
        f"{API}/shifts?page=abc",
        f"{API}/shifts/not-a-uuid",
        f"{API}/entries/00000000-0000-4000-8000-000000000000",
    ],
)
def test_garbage_in_the_address_is_never_a_server_error(mediator_client, url):
    assert mediator_client.get(url).status_code in {404, 422}


def test_cells_are_counted_among_what_one_may_see(api_field, client_for, territory):
    shift = clock_in(api_field)
    for _ in range(3):
        services.log_entry(
            actor=api_field.mediator, shift=shift, data=entry_input(neighbourhood=api_field.hoche)
        )
    today = timezone.localdate()
    url = f"{API}/cells?resolution=8&start={today.isoformat()}&end={today + timedelta(days=1)}"
    cells = client_for(api_field.director).get(url)
    assert cells.status_code == 200, cells.content
    assert [row["count"] for row in cells.json()] == [3]
    assert client_for(member(territory, Role.PARK_WARDEN)).get(url).status_code == 404
    wrong = client_for(api_field.director).get(url.replace("resolution=8", "resolution=7"))
    assert wrong.status_code == 422


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("0001-01-01", "0001-01-02", "start"), ("2026-01-01", "9999-12-31", "end")],
)
def test_cells_between_impossible_dates_are_a_french_422(api_field, client_for, start, end, field):
    answer = client_for(api_field.director).get(f"{API}/cells?start={start}&end={end}")
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]
    assert errors[0]["field"] == field
    assert "Saisissez une date entre" in errors[0]["message"]
