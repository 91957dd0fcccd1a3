"""The PDFs (read back), their numbers in the outgoing-mail register, and the purge."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access_log import assert_access_logged
from tests.community_service.conftest import record
from tests.letters.test_summons import pdf_text
from tranquillite.audit.models import AccessAction
from tranquillite.community_service import services
from tranquillite.community_service.documents import produce_document
from tranquillite.community_service.models import (
    Placement,
    PlacementDocument,
    PlacementState,
    WorkSession,
)
from tranquillite.community_service.timesheets import add_months
from tranquillite.letters.models import OutgoingMail
from tranquillite.people.models import Person
from tranquillite.retention.models import PurgeRun
from tranquillite.retention.purge import purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(coordinator, supervisor, placement):
    """A placement of 20 hours, done and validated."""
    placement.hours_ordered = 20
    placement.save()
    for n in range(1, 8):
        session, _ = record(supervisor, placement, day=timezone.localdate() - timedelta(days=n))
        services.validate_session(actor=supervisor, session=session)
    return services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.COMPLETED,
        occurred_on=timezone.localdate(),
    )


def test_the_hours_form_lists_sessions_totals_and_signatures(coordinator, done, tmp_path):
    document = produce_document(actor=coordinator, placement=done, kind="hours_form")
    content = document.file.read()
    text = pdf_text(content)
    mail = OutgoingMail.objects.get()
    assert document.mail == mail
    assert mail.reference == done.case_number
    assert done.person.last_name not in mail.subject + mail.addressee  # the register: no name
    for expected in (
        "Fiche horaire",
        mail.number,
        done.case_number,
        done.person.last_name.upper(),
        "Heures validées",
        "21,0",
        "Le tuteur",
        "La personne accueillie",
        "Ville de Pantin",
    ):
        assert expected in text, expected
    # The first page as a PNG, to be looked at (TIG_PDF_PAGES=folder keeps it).
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm
    folder = os.environ.get("TIG_PDF_PAGES") or str(tmp_path)
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-", f"{folder}/hours-form"],
        input=content,
        check=True,
    )


def test_the_final_report_and_the_attestation(coordinator, supervisor, done):
    report = pdf_text(
        produce_document(actor=coordinator, placement=done, kind="final_report").file.read()
    )
    assert "Rapport de fin de mesure" in report
    assert "Absences / retards / incidents" in report
    assert re.search(r"\b7 0\s*/\s*0\s*/\s*0\b", report)  # 7 sessions, no absence
    attestation = pdf_text(
        produce_document(actor=coordinator, placement=done, kind="attestation").file.read()
    )
    assert "atteste que" in attestation and "21,0 heures" in attestation
    assert OutgoingMail.objects.count() == 2


def test_only_the_coordinator_produces_and_the_print_is_logged(
    client_for, coordinator, supervisor, done
):
    client = client_for(coordinator)
    with assert_access_logged((AccessAction.PRINT, done)):
        response = client.post(
            reverse("community_service:document_new", args=[done.public_id]),
            {"kind": "hours_form", "reason": "Envoi au SPIP"},
        )
    assert response.status_code == 302
    document = PlacementDocument.objects.get()
    assert (
        client.get(reverse("community_service:document", args=[document.public_id])).status_code
        == 200
    )
    tutor = client_for(supervisor)
    assert (
        tutor.post(
            reverse("community_service:document_new", args=[done.public_id]),
            {"kind": "hours_form", "reason": "x"},
        ).status_code
        == 404
    )
    assert (
        tutor.get(reverse("community_service:document", args=[document.public_id])).status_code
        == 404
    )


def test_the_purge_destroys_a_placement_3_years_after_its_end_and_keeps_counts(
    coordinator, territory, done
):
    produce_document(actor=coordinator, placement=done, kind="hours_form")
    person_pk = done.person.pk
    purge(today=add_months(timezone.localdate(), 36) - timedelta(days=1), territories=[territory])
    assert Placement.objects.filter(pk=done.pk).exists()
    purge(today=add_months(timezone.localdate(), 36), territories=[territory])
    assert not Placement.objects.exists()
    assert not WorkSession.objects.exists()
    assert not PlacementDocument.objects.exists()
    assert not Person.objects.filter(pk=person_pk).exists()
    assert OutgoingMail.objects.count() == 1  # the register stays (no name)
    run = PurgeRun.objects.filter(territory=territory).first()
    assert run.rows["community_service.placement"] == 1
    assert run.rows["community_service.worksession"] == 7


def test_a_proposal_left_in_the_air_goes_3_years_after_its_deadline(
    coordinator, territory, post, spip
):
    from tests.community_service.conftest import open_placement

    placement = open_placement(coordinator, territory, post, spip)
    purge(today=add_months(placement.deadline, 36) + timedelta(days=1), territories=[territory])
    assert not Placement.objects.exists()


def test_the_access_request_export_holds_the_placement_and_who_read_it(
    client_for, coordinator, supervisor, dpo, placement
):
    import json

    record(supervisor, placement)
    client_for(supervisor).get(reverse("community_service:placement", args=[placement.public_id]))
    client = client_for(dpo)
    url = reverse("retention:access_request_export", args=[placement.person.public_id])
    with assert_access_logged(
        (AccessAction.EXPORT, placement.person), (AccessAction.EXPORT, placement)
    ):
        response = client.post(url, {"reason": "Demande d'accès du 2 décembre", "format": "json"})
    data = json.loads(response.content)
    (held,) = data["placements"]
    assert held["case_number"] == placement.case_number
    assert held["sessions"][0]["minutes"] == 180
    assert "offence" not in json.dumps(held)
    assert any(
        row.get("record") == f"TIG {placement.case_number}" or placement.case_number in str(row)
        for row in data["readers"]
    )
    pdf = client.post(url, {"reason": "Demande d'accès", "format": "pdf"})
    assert placement.case_number in pdf_text(pdf.content)
