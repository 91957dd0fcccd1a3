"""The field pages: the phone page (clock in, the entry form without JavaScript, clock out),
the supervisor's day (validate), the manifest and the service worker; who may see them."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import member
from tests.field.conftest import entry_input
from tranquillite.accounts.roles import Role
from tranquillite.field import services
from tranquillite.field.models import LogEntry, Shift


def test_a_mediator_clocks_in_logs_an_entry_and_clocks_out(field, client_for):
    client = client_for(field.mediator)
    page = client.get("/terrain/")
    assert page.status_code == 200
    assert "Prendre mon service" in page.content.decode()
    response = client.post(
        "/terrain/pointer/",
        {"team": field.team.public_id, "sector": field.sector.public_id},
    )
    assert response.status_code == 302
    shift = Shift.objects.get()
    page = client.get("/terrain/").content.decode()
    assert "Nouvelle saisie" in page and "En attente d’envoi" in page
    form = {
        "client_uuid": uuid.uuid4(),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "neighbourhood": field.hoche.public_id,
        "function": "active_presence",
        "category": "young_people",
        "age_band": "12_17",
        "sex": "male",
        "group_size": 6,
        "action": "dialogue",
        "partner": "none",
        "outcome": "not_applicable",
        "note": "Mme Durand se plaint du bruit",
    }
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "#888").save(photo, format="PNG")
    upload = SimpleUploadedFile("lampadaire.png", photo.getvalue(), content_type="image/png")
    response = client.post(
        f"/terrain/vacation/{shift.public_id}/saisie/", {**form, "photo": upload}, follow=True
    )
    assert response.status_code == 200
    assert "semble nommer" in response.content.decode()
    saved = LogEntry.objects.get()
    assert saved.neighbourhood == field.hoche
    assert Image.open(saved.photo).format == "JPEG"
    response = client.post(
        f"/terrain/vacation/{shift.public_id}/saisie/", {**form, "group_size": "0"}
    )
    assert response.status_code == 400
    assert LogEntry.objects.count() == 1
    client.post(f"/terrain/vacation/{shift.public_id}/fin/")
    shift.refresh_from_db()
    assert shift.ended_at is not None


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.PARTNER_MEMBER, Role.DATA_PROTECTION_OFFICER]
)
def test_the_phone_page_is_for_field_roles(territory, client_for, role):
    assert client_for(member(territory, role)).get("/terrain/").status_code == 403


def test_the_supervisors_day_and_validation(field, shift, client_for):
    services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    supervisor = client_for(field.supervisor)
    url = f"/terrain/journee/?equipe={field.team.public_id}&date={shift.date.isoformat()}"
    page = supervisor.get(url)
    assert page.status_code == 200
    assert "Conflit de voisinage" in page.content.decode()
    # A plain team member is no supervisor: the day is not his (404).
    assert client_for(field.mediator).get(url).status_code == 404
    supervisor.post(f"/terrain/vacation/{shift.public_id}/valider/")
    shift.refresh_from_db()
    assert shift.validated_by == field.supervisor
    # The director sees every team's day.
    assert client_for(field.director).get(url).status_code == 200


@pytest.mark.parametrize("query", ["?date=garbage", "?equipe=xyz&date=2026-13-45", "?date="])
def test_garbage_query_falls_back_to_defaults(field, client_for, query):
    assert client_for(field.supervisor).get(f"/terrain/journee/{query}").status_code == 200


def test_the_day_page_queries_do_not_grow_with_entries(
    field, shift, client_for, django_assert_max_num_queries
):
    for _ in range(20):
        services.log_entry(
            actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
        )
    client = client_for(field.supervisor)
    with django_assert_max_num_queries(15):
        assert client.get("/terrain/journee/").status_code == 200


def test_manifest_and_service_worker_at_the_root(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/terrain/"
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    assert "/static/vendor/idb/umd.js" in body and "/api/" not in body.split("ASSETS")[1][:500]


def test_the_map_page_counts_what_one_may_see(field, shift, client_for, territory):
    for _ in range(2):
        services.log_entry(
            actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
        )
    page = client_for(field.director).get("/terrain/carte/?finesse=10&mois=garbage")
    assert page.status_code == 200
    assert page.context["total"] == 2
    assert page.context["by_neighbourhood"] == [("Hoche", 2)]
    assert (
        client_for(member(territory, Role.ELECTED_OFFICIAL)).get("/terrain/carte/").status_code
        == 404
    )


# --- A note the guard flagged: read on purpose (logged), erased by the supervisor ------------


def flagged_entry(field, shift):
    entry, _ = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(neighbourhood=field.hoche, note="Mme Durand au 06 12 34 56 78"),
    )
    assert entry.note_warnings
    return entry


def test_a_flagged_note_is_read_on_purpose_and_the_reading_is_logged(field, shift, client_for):
    from tests.access_log import assert_access_logged
    from tranquillite.audit.models import AccessAction

    entry = flagged_entry(field, shift)
    plain, _ = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(neighbourhood=field.hoche, note="Groupe calme près du square"),
    )
    supervisor = client_for(field.supervisor)
    day = supervisor.get(
        "/terrain/journee/", {"equipe": field.team.public_id, "date": shift.date.isoformat()}
    ).content.decode()
    assert "Durand" not in day and "06 12" not in day
    assert "Groupe calme près du square" in day  # an unflagged note is shown as it is
    url = f"/terrain/saisies/{entry.public_id}/note/"
    assert f'href="{url}"' in day
    with assert_access_logged((AccessAction.READ, entry)):
        page = supervisor.get(url)
    assert page.status_code == 200 and "Mme Durand au 06 12 34 56 78" in page.content.decode()
    # Its author reads his own note without a log row; anyone else is told nothing.
    author = client_for(field.mediator)
    with assert_access_logged():
        assert author.get(url).status_code == 200
    outsider = member(field.territory, Role.MEDIATOR)
    elected = member(field.territory, Role.ELECTED_OFFICIAL)
    for user in (outsider, elected):
        assert client_for(user).get(url).status_code == 404
    assert (
        client_for(field.supervisor).get(f"/terrain/saisies/{plain.public_id}/note/").status_code
        == 200
    )


def test_the_supervisor_erases_a_note_that_names_someone_and_no_one_else_may(
    field, shift, client_for
):
    entry = flagged_entry(field, shift)
    url = f"/terrain/saisies/{entry.public_id}/note/"
    # The author is not the supervisor: he may read his note, not erase it from here.
    assert client_for(field.mediator).post(url).status_code == 404
    entry.refresh_from_db()
    assert entry.note
    services.validate_shift(actor=field.supervisor, shift=shift)
    answer = client_for(field.supervisor).post(url)
    assert answer.status_code == 302 and "/terrain/journee/" in answer["Location"]
    entry.refresh_from_db()
    assert entry.note == ""
    assert entry.note_warnings == [
        f"Note effacée par le superviseur le {timezone.localdate():%d/%m/%Y}."
    ]
    assert not LogEntry.objects.filter(note__contains="Durand").exists()


def test_the_api_gives_a_flagged_note_to_its_author_only(field, shift, client_for):
    entry = flagged_entry(field, shift)
    path = f"/api/v1/field/entries/{entry.public_id}"
    assert client_for(field.mediator).get(path).json()["note"] == entry.note
    by_supervisor = client_for(field.supervisor).get(path).json()
    assert by_supervisor["note"] == "" and by_supervisor["warnings"] == entry.note_warnings
    listed = client_for(field.director).get(f"/api/v1/field/shifts/{shift.public_id}/entries")
    assert "Durand" not in listed.content.decode()


# The map page's queries: the middleware's, the teams, the neighbourhoods (twice: the filter
# and the tables) and one GROUP BY for both tables.
MAP_PAGE_QUERIES = 7


def test_the_map_page_counts_in_one_pass_whatever_the_entries(
    field, shift, client_for, django_assert_max_num_queries
):
    """One GROUP BY gives both tables (by cell, by neighbourhood): docs/benchmarks.md."""
    client = client_for(field.director)
    client.get("/terrain/carte/")  # the session's first write
    for index in range(12):
        place = field.hoche if index % 2 else field.quatre_chemins
        services.log_entry(actor=field.mediator, shift=shift, data=entry_input(neighbourhood=place))
    with django_assert_max_num_queries(MAP_PAGE_QUERIES):
        page = client.get("/terrain/carte/?finesse=6")
    assert page.context["total"] == 12
    assert page.context["by_neighbourhood"] == [("Hoche", 6), ("Quatre-Chemins", 6)]
