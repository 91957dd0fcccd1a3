"""Open311 GeoReport v2 (JSON): the field names of the spec, no personal data, what the reader
may see only, French refusals for bad filters."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.test_field_photos import photo_with_gps
from tests.technical_issues.conftest import QUATRE_CHEMINS, raise_one
from tranquillite.technical_issues import services

pytestmark = pytest.mark.django_db

API = "/api/v1/open311/v2"
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "lat",
    "long",
    "media_url",
}
# Optional GeoReport v2 fields we publish too (as null when unknown).
OPTIONAL_REQUEST_FIELDS = {"service_notice", "address_id", "zipcode"}


def test_services_carry_the_georeport_fields(setup, client_for):
    answer = client_for(setup.coordinator).get(f"{API}/services.json")
    assert answer.status_code == 200
    services_list = answer.json()
    assert len(services_list) == 8
    for service in services_list:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] == "realtime" and service["metadata"] is False
    assert {s["service_code"] for s in services_list} >= {"lighting", "parks", "abandoned_vehicle"}


def test_requests_carry_the_georeport_fields_and_no_personal_data(setup, client_for):
    issue = services.raise_issue(
        actor=setup.field.mediator,
        territory=setup.territory,
        data=services.IssueInput(
            category="lighting",
            description="Lampadaire éteint",
            latitude=QUATRE_CHEMINS[0],
            longitude=QUATRE_CHEMINS[1],
        ),
        photo=SimpleUploadedFile("p.jpg", photo_with_gps(), content_type="image/jpeg"),
    )
    services.resolve(actor=setup.coordinator, issue=issue, note="Lampe changée")
    other = raise_one(setup, category="graffiti")
    client = client_for(setup.coordinator)
    listed = client.get(f"{API}/requests.json").json()
    assert {r["service_request_id"] for r in listed} == {str(issue.public_id), str(other.public_id)}
    for request in listed:
        assert set(request) == REQUEST_FIELDS | OPTIONAL_REQUEST_FIELDS
    one = client.get(f"{API}/requests/{issue.public_id}.json").json()
    assert len(one) == 1
    record = one[0]
    assert record["status"] == "closed" and "Lampe changée" in record["status_notes"]
    assert (
        record["service_code"] == "lighting" and record["agency_responsible"] == "Éclairage public"
    )
    assert record["lat"] == pytest.approx(48.9015) and record["long"] == pytest.approx(2.3935)
    assert record["media_url"].endswith(f"/signalements/{issue.public_id}/photo/")
    assert record["address"].startswith("Quatre-Chemins")
    text = json.dumps(listed, ensure_ascii=False)
    mediator = setup.field.mediator
    for personal in (
        mediator.first_name,
        mediator.last_name,
        mediator.email,
        setup.coordinator.last_name,
        setup.coordinator.email,
    ):
        assert personal not in text
    # Filters.
    assert [r["service_code"] for r in client.get(f"{API}/requests.json?status=open").json()] == [
        "graffiti"
    ]
    assert len(client.get(f"{API}/requests.json?service_code=lighting").json()) == 1
    assert len(client.get(f"{API}/requests.json?service_request_id={issue.public_id}").json()) == 1


def test_readers_see_what_they_may_and_bad_filters_are_refused_in_french(setup, client_for):
    issue = raise_one(setup)  # to the lighting service
    landlord = client_for(setup.landlord_member)
    assert landlord.get(f"{API}/requests.json").json() == []
    assert landlord.get(f"{API}/requests/{issue.public_id}.json").status_code == 404
    client = client_for(setup.coordinator)
    for query in (
        "status=maybe",
        "service_code=nope",
        "service_request_id=xyz",
        "start_date=2026-02-30",
        "start_date=2030-01-01&end_date=2020-01-01",
    ):
        answer = client.get(f"{API}/requests.json?{query}")
        assert answer.status_code in (400, 422), query
        assert answer.json()["errors"][0]["message"]
    from django.test import Client

    assert Client().get(f"{API}/requests.json").status_code in (401, 403)


def test_one_request_with_a_bad_identifier_is_a_404(setup, client_for):
    client = client_for(setup.coordinator)
    assert client.get(f"{API}/requests/not-an-id.json").status_code == 404


# --- Writing back: a new request, and the fixer's status from its own tool -------------------


def token_of(setup, user) -> str:
    from tranquillite.api import services as api_services

    _token, secret = api_services.create_token(
        actor=user, territory=setup.territory, name="Outil de gestion", days=30
    )
    return secret


def new_request(**fields) -> dict[str, str]:
    """GeoReport's form fields; a field given as None is left out."""
    data = {
        "service_code": "lighting",
        "description": "Candélabre éteint devant l'école",
        "lat": str(QUATRE_CHEMINS[0]),
        "long": str(QUATRE_CHEMINS[1]),
        **fields,
    }
    return {name: value for name, value in data.items() if value is not None}


def test_a_new_request_is_routed_like_any_issue_with_the_key_as_a_form_field(setup):
    from django.test import Client

    from tranquillite.technical_issues.models import TechnicalIssue

    secret = token_of(setup, setup.landlord_member)
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: the key is enough
    answer = client.post(f"{API}/requests.json", new_request(api_key=secret))
    assert answer.status_code == 201, answer.content
    [created] = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    issue = TechnicalIssue.objects.get(public_id=created["service_request_id"])
    assert issue.territory == setup.territory and issue.reporter == setup.landlord_member
    assert issue.organisation == setup.lighting  # the territory's routing, not the caller's
    assert issue.source == "partner"
    assert issue.neighbourhood.name == "Quatre-Chemins"
    assert "Éclairage public" in created["service_notice"]
    # The same through the Authorization header, and readable back through GeoReport.
    bearer = {"Authorization": f"Bearer {secret}"}
    again = client.post(f"{API}/requests.json", new_request(), headers=bearer)
    assert again.status_code == 201
    assert TechnicalIssue.objects.filter(territory=setup.territory).count() == 2


def test_a_write_needs_a_token_and_never_reads_it_from_the_address(setup, client_for):
    from tranquillite.technical_issues.models import TechnicalIssue

    secret = token_of(setup, setup.coordinator)
    # Signed in through the browser, without a token: the writes are for programs.
    assert (
        client_for(setup.coordinator).post(f"{API}/requests.json", new_request()).status_code == 401
    )
    from django.test import Client

    in_query = Client().post(f"{API}/requests.json?api_key={secret}", new_request())
    assert in_query.status_code == 401
    wrong = Client().post(f"{API}/requests.json", new_request(api_key="tq_" + "x" * 40))
    assert wrong.status_code == 401
    assert "jeton" in wrong.json()["errors"][0]["message"]
    assert not TechnicalIssue.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"email": "habitant@example.fr"}, "email", "aucune donnée personnelle"),
        ({"first_name": "Karim", "last_name": "B."}, "first_name", "aucune donnée personnelle"),
        ({"phone": "06 12 34 56 78"}, "phone", "aucune donnée personnelle"),
        ({"media_url": "http://169.254.169.254/x.jpg"}, "media_url", "photo"),
        ({"service_code": "potholes"}, "service_code", "service inconnu"),
        ({"lat": None}, "lat", "position"),
        ({"lat": "48.80", "long": "2.20"}, "latitude", "hors du territoire"),
        ({"description": "Appeler M. Dupont au 06 12 34 56 78"}, "description", "personne"),
    ],
)
def test_a_bad_new_request_is_refused_in_french_and_nothing_is_stored(setup, fields, field, words):
    from django.test import Client

    from tranquillite.technical_issues.models import TechnicalIssue

    secret = token_of(setup, setup.coordinator)
    answer = Client().post(f"{API}/requests.json", new_request(api_key=secret, **fields))
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]
    assert field in {error["field"] for error in errors}
    assert words in " ".join(error["message"] for error in errors).lower()
    assert not TechnicalIssue.objects.exists()


def test_the_fixer_acknowledges_and_resolves_from_its_own_tool_and_no_one_else_may(setup):
    from django.test import Client

    from tests.technical_issues.test_fixer import to_landlord
    from tranquillite.technical_issues.models import IssueStatus

    to_landlord(setup)
    issue = raise_one(setup)
    url = f"{API}/requests/{issue.public_id}/status.json"
    client = Client()
    # A partner of another organisation: as if the issue did not exist.
    refused = client.post(
        url, {"status": "resolved", "api_key": token_of(setup, setup.other_partner)}
    )
    assert refused.status_code == 404
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN

    secret = token_of(setup, setup.landlord_member)
    acknowledged = client.post(url, {"status": "acknowledged", "api_key": secret})
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()[0]["status"] == "open"
    no_reason = client.post(url, {"status": "refused", "api_key": secret})
    assert no_reason.status_code == 422
    assert "pourquoi" in no_reason.json()["errors"][0]["message"].lower()
    unknown = client.post(url, {"status": "maybe", "api_key": secret})
    assert unknown.status_code == 422
    resolved = client.post(
        url, {"status": "resolved", "status_notes": "Porte réparée", "api_key": secret}
    )
    assert resolved.status_code == 200
    record = resolved.json()[0]
    assert record["status"] == "closed" and "Porte réparée" in record["status_notes"]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.acknowledged_at is not None
    # A closed issue changes no more: said in French, nothing changed.
    late = client.post(
        url, {"status": "refused", "status_notes": "Pas chez nous", "api_key": secret}
    )
    assert late.status_code == 422 and "clos" in late.json()["errors"][0]["message"]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED


def test_a_request_sent_again_with_its_idempotency_key_raises_one_issue(setup):
    import uuid

    from django.test import Client

    from tranquillite.technical_issues.models import TechnicalIssue

    key = str(uuid.uuid4())
    secret = token_of(setup, setup.landlord_member)
    client = Client()
    first = client.post(
        f"{API}/requests.json", new_request(api_key=secret), headers={"Idempotency-Key": key}
    )
    # The answer was lost on the way back: the tool sends the same request again.
    again = client.post(
        f"{API}/requests.json", new_request(api_key=secret), headers={"Idempotency-Key": key}
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert TechnicalIssue.objects.count() == 1
    # Someone else's key is a conflict, refused without showing the issue.
    other = client.post(
        f"{API}/requests.json",
        new_request(api_key=token_of(setup, setup.coordinator)),
        headers={"Idempotency-Key": key},
    )
    assert other.status_code == 422
    assert first.json()[0]["service_request_id"] not in other.content.decode()
    assert TechnicalIssue.objects.count() == 1
    # Without a key, each request is a new issue (GeoReport's own behaviour).
    client.post(f"{API}/requests.json", new_request(api_key=secret))
    assert TechnicalIssue.objects.count() == 2
