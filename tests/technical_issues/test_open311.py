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
