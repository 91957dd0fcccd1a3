"""Community service in the browser: the supervisor's day on a phone, the coordinator's
placement from a probation proposal to the hours form."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.community_service.models import Occurrence, Placement, WorkSession

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}


def test_the_supervisor_records_a_session_and_an_absence_on_a_phone(demo, new_tab, request):
    tab = new_tab(viewport=PHONE_360)
    sign_in(tab, "tuteur@pantin.test")
    tab.goto("/tig/ma-journee/")
    expect(tab.locator("main h1")).to_have_text("Ma journée")
    check(tab, request, "day")
    card = tab.locator("main section.card", has_text="Yanis Benali")
    # One tap: arrival.
    card.get_by_role("button", name="Arrivée maintenant").click()
    card = tab.locator("main section.card", has_text="Yanis Benali")
    expect(card).to_contain_text("Arrivé(e) à")
    # One tap: departure (with the break and the tasks, optional).
    card.get_by_label("Tâches effectuées").fill("Ramassage des feuilles")
    card.get_by_role("button", name="Départ maintenant").click()
    expect(tab.locator("main")).to_contain_text("La séance est clôturée.")
    check(tab, request, "session-closed")
    # The targets are large: the main buttons fill the phone's width.
    box = tab.locator("main section.card").first.get_by_role("link", name="Absence").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 280
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 360
    placement = Placement.objects.get(person__last_name="Benali")
    session = WorkSession.objects.get(placement=placement, day=timezone.localdate())
    assert session.ends_at is not None and session.tasks == "Ramassage des feuilles"
    # An absence of the other young person on the post.
    tab.locator("main section.card", has_text="Enzo").get_by_role(
        "link", name="Absence, retard, incident"
    ).click()
    tab.get_by_label("Ce qui s’est passé").select_option("absence")
    check(tab, request, "absence-form")
    tab.get_by_role("button", name="Signaler").click()
    expect(tab.locator("main")).to_contain_text("Le conseiller pénitentiaire est prévenu")
    assert Occurrence.objects.filter(
        placement__person__first_name="Enzo", kind="absence", day=timezone.localdate()
    ).exists()


def test_the_coordinator_opens_a_placement_and_produces_the_hours_form(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    tab.goto("/tig/placements/nouveau/")
    expect(tab.locator("main .alert-info")).to_contain_text("Aucune infraction")
    tab.locator("#id_personne-first_name").fill("Lucas")
    tab.locator("#id_personne-last_name").fill("Perrin")
    tab.locator("#id_personne-birth_date").fill("1995-02-14")
    tab.locator("#id_post").select_option(label="Atelier peinture — rafraîchissement des écoles")
    tab.get_by_label("SPIP ou service de la PJJ").select_option(
        label="SPIP de la Seine-Saint-Denis (SPIP 93)"
    )
    tab.get_by_label("Conseiller pénitentiaire ayant un compte").select_option(
        label="Julien Mercier"
    )
    tab.get_by_label("Référence du SPIP ou de la PJJ").fill("SPIP93-2026-0600")
    tab.get_by_label("Heures prononcées").fill("20")
    sentence = timezone.localdate() - timedelta(days=40)
    tab.get_by_label("Date du jugement").fill(sentence.isoformat())
    tab.get_by_label("Mardi").check()
    tab.get_by_label("Jeudi").check()
    tab.get_by_label("Début prévu").fill("08:00")
    tab.get_by_label("Fin prévue").fill("12:00")
    check(tab, request, "proposal-form")
    tab.get_by_role("button", name="Enregistrer la proposition").click()
    expect(tab.locator("main")).to_contain_text("est proposé")
    tab.wait_for_url(re.compile(r"/tig/placements/[0-9a-f-]+/$"))
    # Agreement and first interview, then the start.
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = (timezone.localdate() - timedelta(days=2)).isoformat()
    tab.get_by_label("Accord de la personne").fill(before)
    tab.get_by_label("Premier entretien").fill(before)
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator("main")).to_contain_text("Le placement est enregistré.")
    tab.locator("#id_occurred_on").fill(yesterday)
    tab.get_by_role("button", name="Démarrer ou reprendre").click()
    expect(tab.locator("main")).to_contain_text("L'état du placement est enregistré.")
    # A session, validated, then the end (interrupted) and the hours form.
    tab.locator("#id_start").fill("08:00")
    tab.locator("#id_end").fill("12:00")
    tab.locator("#id_day").fill(yesterday)
    tab.get_by_role("button", name="Enregistrer la séance").click()
    expect(tab.locator("main")).to_contain_text("La séance est enregistrée.")
    tab.get_by_role("button", name="Valider", exact=True).click()
    expect(tab.locator("main")).to_contain_text("La séance est validée.")
    tab.get_by_label("Motif (interruption)").select_option(label="Retiré par le SPIP ou la PJJ")
    tab.get_by_role("button", name="Interrompre").click()
    expect(tab.locator("main")).to_contain_text("Interrompu")
    tab.get_by_label("Document").select_option(label="Fiche horaire")
    tab.locator("#id_doc_reason").fill("Envoi au SPIP")
    tab.get_by_role("button", name="Produire le PDF").click()
    expect(tab.locator("main")).to_contain_text("courrier n°")
    check(tab, request, "placement-closed")
    placement = Placement.objects.get(person__last_name="Perrin")
    assert placement.state == "interrupted"
    assert placement.documents.filter(kind="hours_form").exists()


def _twenty_hours_done(coordinator):
    """A placement of 20 hours on a demo post, five sessions of 4 hours done and validated
    by its supervisor: ready to be completed on its page."""
    import uuid

    from tranquillite.accounts.models import Organisation
    from tranquillite.community_service import services
    from tranquillite.community_service.models import Post

    post = Post.objects.get(title="Atelier peinture — rafraîchissement des écoles")
    supervisor = post.supervisors.first()
    today = timezone.localdate()
    placement = services.propose_placement(
        actor=coordinator,
        territory=post.territory,
        person=None,
        new_person={
            "first_name": "Nadia",
            "last_name": "Ferrand",
            "birth_date": today.replace(year=today.year - 31),
            "sex": "female",
        },
        terms=services.PlacementTerms(
            post=post,
            probation_service=Organisation.objects.get(name__startswith="SPIP de la Seine"),
            probation_officer=None,
            officer_name="Mme Officier",
            officer_email="cpip.ferrand@justice.test",
            probation_reference="SPIP93-2026-0777",
            hours_ordered=20,
            sentence_date=today - timedelta(days=90),
            deadline=None,
            deadline_reason="",
            planned_days=[0, 1, 2, 3, 4, 5, 6],
            planned_start=time(8, 0),
            planned_end=time(12, 0),
            planned_break_minutes=0,
        ),
    )
    services.record_start_details(
        actor=coordinator,
        placement=placement,
        agreement_on=today - timedelta(days=20),
        first_interview_on=today - timedelta(days=20),
        deadline=placement.deadline,
        deadline_reason="",
    )
    placement = services.change_state(
        actor=coordinator,
        placement=placement,
        target="active",
        occurred_on=today - timedelta(days=15),
    )
    for n in range(5):
        session, _created = services.record_session(
            actor=supervisor,
            placement=placement,
            token=uuid.uuid4(),
            times=services.SessionTimes(
                day=today - timedelta(days=10 - n), start=time(8, 0), end=time(12, 0)
            ),
        )
        services.validate_session(actor=supervisor, session=session)
    # A lateness: the platform e-mails the officer; the supervisor also phoned him.
    services.record_occurrence(
        actor=supervisor,
        placement=placement,
        token=uuid.uuid4(),
        kind="lateness",
        day=today - timedelta(days=7),
        note="Arrivé à 9 h",
    )
    return placement


def _pdf_first_page(tab, request, href: str, name: str) -> str:
    """Download a document as the signed-in user, keep it and its first page as a PNG in
    test-artifacts/pdf/ (to be looked at), and return its text."""
    from tests.e2e.browser import ROOT
    from tests.letters.test_summons import pdf_text

    response = tab.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    content = response.body()
    folder = ROOT / "test-artifacts" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{request.node.name.removeprefix('test_')}-{name}"
    stem.with_suffix(".pdf").write_bytes(content)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is required (apt-get install poppler-utils)"
    subprocess.run(
        [pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", "-", str(stem)],
        input=content,
        check=True,
    )
    return pdf_text(content)


def test_the_coordinator_completes_a_placement_and_produces_the_final_report_and_attestation(
    demo, tab, request
):
    from tranquillite.accounts.models import User

    coordinator = User.objects.get(email="coordination@pantin.test")
    placement = _twenty_hours_done(coordinator)
    sign_in(tab, "coordination@pantin.test")
    tab.goto(f"/tig/placements/{placement.public_id}/")
    expect(tab.locator("main")).to_contain_text("20,0 / 20")
    # The officer was e-mailed by the platform, and phoned: the date and the means.
    expect(tab.locator("main")).to_contain_text("Courriel envoyé par la plateforme")
    tab.get_by_text("Prévenu par téléphone, courrier ou courriel ?").click()
    notice = tab.locator("main form", has=tab.locator("select[name=means]"))
    notice.get_by_label("Prévenu le").fill((timezone.localdate() - timedelta(days=6)).isoformat())
    notice.locator("select[name=means]").select_option(label="Téléphone")
    check(tab, request, "notice-form")
    tab.get_by_role("button", name="Enregistrer que le conseiller a été prévenu").click()
    expect(tab.locator("main")).to_contain_text("par téléphone (enregistré par")
    tab.locator("#id_occurred_on").fill(timezone.localdate().isoformat())
    tab.get_by_role("button", name="Achever").click()
    expect(tab.locator("main")).to_contain_text("L'état du placement est enregistré.")
    expect(tab.locator("main")).to_contain_text("Réalisée")
    texts = {}
    for label, kind in (
        ("Rapport de fin de mesure", "final_report"),
        ("Attestation d'heures", "attestation"),
    ):
        tab.get_by_label("Document").select_option(label=label)
        tab.locator("#id_doc_reason").fill("Fin de mesure : envoi au SPIP et à la personne")
        tab.get_by_role("button", name="Produire le PDF").click()
        expect(tab.locator("main")).to_contain_text(f"{label} produit(e), courrier n°")
        link = tab.locator("main a", has_text=label).last
        texts[kind] = _pdf_first_page(tab, request, link.get_attribute("href"), kind)
    check(tab, request, "placement-completed-with-documents")
    placement.refresh_from_db()
    assert placement.state == "completed"
    assert set(placement.documents.values_list("kind", flat=True)) == {
        "final_report",
        "attestation",
    }
    numbers = {document.kind: document.mail.number for document in placement.documents.all()}
    for kind, text in texts.items():
        assert placement.case_number in text and numbers[kind] in text
        assert "FERRAND" in text.upper() and "20" in text
    assert "Attestation" in texts["attestation"]
    # The statistics page counts it, without a name.
    tab.goto("/observatoire/tig/")
    expect(tab.locator("main h1")).to_have_text("Statistiques des TIG")
    expect(tab.locator("main")).not_to_contain_text("Ferrand")
    check(tab, request, "statistics")
