"""Entries sent in a batch (a phone's queue when the network comes back, a partner's
application): each answered on its own and in order — created, replayed or refused with its
reason — a refused one never losing the others, a resend never creating a second entry, and
a fixed number of queries whatever the batch's size."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.test_field_api import body, clock_in, post
from tests.factories import member
from tests.field.conftest import make_field
from tranquillite.accounts.roles import Role
from tranquillite.core.guards import _guards, register_text_guard
from tranquillite.field import services
from tranquillite.field.guards import notes_warnings
from tranquillite.field.models import LogEntry

API = "/api/v1/field"


@pytest.fixture
def api_field(territory):
    return make_field(territory)


def batch_url(shift):
    return f"{API}/shifts/{shift.public_id}/entries/batch"


def test_each_entry_is_answered_in_order_and_a_resend_adds_nothing(api_field, client_for):
    shift = clock_in(api_field)
    client = client_for(api_field.mediator)
    twice = str(uuid.uuid4())
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    entries = [
        body(api_field, client_uuid=twice),
        body(api_field, occurred_at=future),
        body(api_field, latitude=48.9012, longitude=2.3933, neighbourhood=None),
        body(api_field, client_uuid=twice),
    ]
    answer = post(client, batch_url(shift), {"entries": entries})
    assert answer.status_code == 200, answer.content
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["created", "refused", "created", "replayed"]
    assert results[1]["errors"][0]["field"] == "occurred_at"
    assert "futur" in results[1]["errors"][0]["message"]
    assert results[3]["entry"]["id"] == results[0]["entry"]["id"]
    assert results[2]["entry"]["neighbourhood"] == "Quatre-Chemins"
    assert LogEntry.objects.count() == 2
    again = post(client, batch_url(shift), {"entries": entries}).json()["results"]
    assert [r["status"] for r in again] == ["replayed", "refused", "replayed", "replayed"]
    assert again[2]["entry"]["id"] == results[2]["entry"]["id"]
    assert LogEntry.objects.count() == 2


def test_a_batch_takes_the_same_queries_whatever_its_size(api_field, client_for):
    shift = clock_in(api_field)
    client = client_for(api_field.mediator)
    post(client, batch_url(shift), {"entries": [body(api_field)]})  # the session's first write
    counts = []
    for size in (2, 20):
        entries = [body(api_field, note="Groupe calme.") for _ in range(size)]
        with CaptureQueriesContext(connection) as queries:
            answer = post(client, batch_url(shift), {"entries": entries})
        assert answer.status_code == 200
        assert {r["status"] for r in answer.json()["results"]} == {"created"}
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert LogEntry.objects.count() == 23


def test_another_authors_identifier_is_refused_without_showing_the_entry(
    api_field, client_for, territory
):
    shift = clock_in(api_field)
    taken = post(client_for(api_field.mediator), batch_url(shift), {"entries": [body(api_field)]})
    used = taken.json()["results"][0]["client_uuid"]
    colleague = member(territory, Role.MEDIATOR)
    api_field.team.memberships.create(territory=territory, user=colleague)
    services.clock_in(actor=colleague, team=api_field.team, sector=api_field.sector)
    answer = post(
        client_for(colleague), batch_url(shift), {"entries": [body(api_field, client_uuid=used)]}
    )
    result = answer.json()["results"][0]
    assert result["status"] == "refused" and result["entry"] is None
    assert result["errors"][0]["field"] == "client_uuid"


def test_a_validated_shift_refuses_the_batch_and_a_stranger_gets_a_404(
    api_field, client_for, territory
):
    shift = clock_in(api_field)
    services.validate_shift(actor=api_field.supervisor, shift=shift)
    refused = post(client_for(api_field.mediator), batch_url(shift), {"entries": [body(api_field)]})
    assert refused.status_code == 422
    stranger = client_for(member(territory, Role.MEDIATOR))
    assert post(stranger, batch_url(shift), {"entries": [body(api_field)]}).status_code == 404
    assert LogEntry.objects.count() == 0


def test_a_malformed_batch_is_a_french_422(api_field, client_for):
    shift = clock_in(api_field)
    client = client_for(api_field.mediator)
    empty = post(client, batch_url(shift), {"entries": []})
    assert empty.status_code == 422
    too_many = post(client, batch_url(shift), {"entries": [body(api_field)] * 101})
    assert too_many.status_code == 422
    no_id = post(client, batch_url(shift), {"entries": [body(api_field, client_uuid=None)]})
    assert no_id.json()["results"][0]["status"] == "refused"
    assert LogEntry.objects.count() == 0


@pytest.fixture
def named_guard():
    """A guard that finds "Jean Dupont" when both words are in a text (as the people guard
    finds a followed person's name)."""

    def guard(author, territory, text):
        return ["Nom"] if {"jean", "dupont"} <= set(text.lower().split()) else []

    register_text_guard("test-named", guard)
    yield
    _guards.pop("test-named")


def test_notes_checked_together_warn_only_the_note_that_names(named_guard, territory):
    author = member(territory, Role.MEDIATOR)
    # Together they hold both words, yet neither note names anyone.
    assert notes_warnings(author, territory, ["jean est là", "dupont aussi"]) == [[], []]
    warned = notes_warnings(author, territory, ["vu jean dupont", "", "rien à signaler"])
    assert warned == [["Nom"], [], []]
    assert notes_warnings(author, territory, ["Appeler le 06 12 34 56 78"])[0]
