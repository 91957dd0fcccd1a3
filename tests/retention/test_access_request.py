"""The data protection officer can show a parent every piece of data held about their child,
and who read it (RGPD art. 15); only the DPO, with a reason, and every step is logged."""

import json
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from tests.access_log import access_rows
from tests.factories import member
from tests.retention.conftest import PLANTED
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.followups import services
from tranquillite.followups.engine import workflow_for
from tranquillite.people.models import Person

REASON = "Demande d'accès reçue le 3 mars de la mère, identité vérifiée"
SEARCH = reverse("retention:access_requests")


def export_url(person):
    return reverse("retention:access_request_export", args=[person.public_id])


@pytest.fixture
def read_by_police(full_file, police, territory):
    """The police officer of the group read the file and its letter."""
    record_access(
        None,
        AccessAction.READ,
        [full_file["follow_up"], full_file["document"]],
        actor=police,
        territory=territory,
    )
    return police


@pytest.fixture
def restricted(full_file, coordinator):
    return services.restrict(
        actor=coordinator, follow_up=full_file["follow_up"], reason=PLANTED["restriction"]
    )


def search(client, person, **overrides):
    data = {
        "last_name": "temoin plante",  # as typed: no accent, no hyphen
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "reason": REASON,
    }
    data.update(overrides)
    return client.post(SEARCH, data)


def expected_pieces(full_file):
    """Every planted value, and labels as the export shows them (in French)."""
    rao, person = full_file["follow_up"], full_file["person"]
    workflow = workflow_for(rao.kind)
    with translation.override("fr"):
        labels = [
            str(workflow.step("record_hearing").label),
            str(workflow.step("summon").label),
            str(rao.get_kind_display()),
        ]
    return [
        person.first_name,
        person.last_name,
        PLANTED["address"],
        PLANTED["situation_place"],
        *PLANTED["mother"],
        *PLANTED["father"],
        PLANTED["mother_phone"],
        PLANTED["father_email"],
        PLANTED["commitments"],
        PLANTED["action_note"],
        PLANTED["restriction"],
        rao.case_number,
        rao.facts_place,
        rao.summary,
        full_file["mail"].number,
        *labels,
    ]


def test_the_dpo_finds_the_person_though_in_no_group_and_the_search_is_logged(
    full_file, dpo, client_for
):
    person = full_file["person"]
    assert not Person.objects.visible_to(dpo).exists()  # the charter gate shows them nobody
    client = client_for(dpo)
    assert client.get(SEARCH).status_code == 200
    with access_rows() as rows:
        response = search(client, person)
    assert response.status_code == 200
    assert person.last_name in response.text
    assert full_file["follow_up"].case_number in response.text
    assert export_url(person) in response.text
    assert [(r.action, r.object_id, r.reason) for r in rows.rows] == [
        (AccessAction.SEARCH, str(person.public_id), REASON)
    ]


def test_a_search_needs_a_reason_and_a_birth_date(full_file, dpo, client_for):
    client = client_for(dpo)
    person = full_file["person"]
    with access_rows() as rows:
        without_reason = search(client, person, reason="  ")
        without_birth = search(client, person, birth_date="")
    assert without_reason.status_code == without_birth.status_code == 400
    assert person.last_name not in without_reason.text
    assert rows.rows == []


def test_a_wrong_birth_date_finds_no_one_and_says_so(full_file, dpo, client_for):
    client = client_for(dpo)
    with access_rows() as rows:
        response = search(client, full_file["person"], birth_date="2001-01-01")
    assert full_file["person"].last_name not in response.text
    assert "Nobody with this name" in response.text or "Personne" in response.text
    # The search itself is logged (with its reason), with no record.
    assert [(r.action, r.object_id, r.reason) for r in rows.rows] == [
        (AccessAction.SEARCH, "", REASON)
    ]


@pytest.mark.parametrize("role", ["coordinator", "police", "mayor"])
def test_only_the_dpo_may_answer_access_requests(request, full_file, client_for, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    person = full_file["person"]
    with access_rows() as rows:
        assert client.get(SEARCH).status_code == 403
        denied = search(client, person)
        export = client.post(export_url(person), {"reason": REASON, "format": "json"})
    assert denied.status_code == export.status_code == 403
    assert person.last_name not in denied.text + export.text
    assert not [r for r in rows.rows if r.action in (AccessAction.SEARCH, AccessAction.EXPORT)]


def test_the_json_export_holds_every_piece_and_who_read_it(
    full_file, dpo, client_for, read_by_police, restricted, territory
):
    client = client_for(dpo)
    person = full_file["person"]
    with access_rows() as rows:
        response = client.post(export_url(person), {"reason": REASON, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert person.last_name not in response["Content-Disposition"]
    text = response.content.decode()
    data = json.loads(text)
    for piece in expected_pieces(full_file):
        assert piece in text, piece
    # The structure, for the record.
    assert data["person"]["birth_date"] == person.birth_date.isoformat()
    assert {g["last_name"] for g in data["guardians"]} == {
        PLANTED["mother"][1],
        PLANTED["father"][1],
    }
    (file,) = data["follow_ups"]
    assert file["restriction"]["reason"] == PLANTED["restriction"]
    assert len(file["timeline"]) == full_file["follow_up"].events.count()
    assert len(file["documents"]) == full_file["follow_up"].documents.count()
    assert file["support_actions"][0]["note"] == PLANTED["action_note"]
    # Corrections and restrictions: the history of changes.
    corrected = [
        field
        for change in data["changes"]
        for field in change["fields"]
        if field["after"] == PLANTED["address"]
    ]
    assert corrected and corrected[0]["before"] == ""
    assert any(
        field["after"] == PLANTED["restriction"]
        for change in data["changes"]
        for field in change["fields"]
    )
    # Who read it: the police officer, by name and organisation, and what.
    police = read_by_police
    organisation = police.memberships.get().organisation.name
    readers = [r for r in data["readers"] if r["email"] == police.email]
    assert {(r["who"], r["organisation"]) for r in readers} == {
        (police.get_full_name(), organisation)
    }
    assert {r["record"] for r in readers} == {
        f"Dossier {full_file['follow_up'].case_number}",
        f"Document du dossier {full_file['follow_up'].case_number} : Convocation "
        f"({PLANTED['mother'][0]} {PLANTED['mother'][1]})",
    }
    # The export itself is among the reads, logged before anything left, with its reason.
    exported = {(r.object_type, r.object_id) for r in rows.rows}
    assert {r.action for r in rows.rows} == {AccessAction.EXPORT}
    assert {r.reason for r in rows.rows} == {REASON}
    assert ("people.person", str(person.public_id)) in exported
    assert ("followups.followup", str(full_file["follow_up"].public_id)) in exported
    for guardian in full_file["guardians"]:
        assert ("people.legalguardian", str(guardian.public_id)) in exported
    assert any(r["action"] == "Export" and r["who"] == dpo.get_full_name() for r in data["readers"])
    # Someone else's file, only linked to this one, is not disclosed.
    victim_file = full_file["victim_file"]
    assert victim_file.case_number not in text
    assert victim_file.person.last_name not in text


def test_the_pdf_for_the_family_holds_the_same_pieces(
    full_file, dpo, client_for, read_by_police, restricted
):
    response = client_for(dpo).post(
        export_url(full_file["person"]), {"reason": REASON, "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    police = read_by_police
    for piece in [
        *expected_pieces(full_file),
        police.get_full_name(),
        police.memberships.get().organisation.name,
        "Qui a consulté ces données",
    ]:
        assert "".join(piece.split()) in flat, piece
    assert full_file["victim_file"].case_number not in flat


def test_an_export_needs_a_reason(full_file, dpo, client_for):
    client = client_for(dpo)
    with access_rows() as rows:
        response = client.post(export_url(full_file["person"]), {"reason": " ", "format": "pdf"})
    assert response.status_code == 400
    assert rows.rows == []


def test_a_person_of_another_territory_is_not_found(full_file, other_territory, client_for):
    client = client_for(member(other_territory, Role.DATA_PROTECTION_OFFICER))
    with access_rows() as rows:
        response = client.post(
            export_url(full_file["person"]), {"reason": REASON, "format": "json"}
        )
        found = search(client, full_file["person"])
    assert response.status_code == 404
    assert full_file["person"].last_name not in found.text
    assert not [r for r in rows.rows if r.object_id == str(full_file["person"].public_id)]


def test_the_export_answers_even_for_a_person_with_an_impossible_birth_date(
    full_file, dpo, client_for
):
    # RGPD art. 15: the answer to an access request must never fail, even on a record
    # written before the date bounds existed.
    from datetime import date

    from tranquillite.people.models import Person

    person = full_file["person"]
    Person.objects.filter(pk=person.pk).update(birth_date=date(9999, 12, 31))
    client = client_for(dpo)
    for kind in ("json", "pdf"):
        response = client.post(export_url(person), {"reason": REASON, "format": kind})
        assert response.status_code == 200, kind
