"""A reminder of the law (RAO) in the browser, from the referral to the closure, as the
coordinator lives it — dates proposed where the likely one is known, a warning where a date
or a closure needs a word — with the file printed on the way; then a school head outside the
groupe Mineurs who has the file's address gets the "not found" page. Each page is looked at
(screenshot) and checked with axe-core."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import SCREENSHOTS, check, sign_in
from tranquillite.accounts.models import User
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups.models import FollowUp

pytestmark = pytest.mark.browser


def day(days_from_today: int) -> str:
    return (timezone.localdate() + timedelta(days=days_from_today)).isoformat()


def take_step(tab, label: str) -> None:
    tab.locator("main").get_by_role("link", name=label, exact=True).click()
    expect(tab.locator("main h1")).to_have_text(label)


def record(tab) -> None:
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator(".alert-success")).to_contain_text("est enregistré")


def test_the_coordinator_runs_a_reminder_of_the_law_to_its_closure(demo, tab, new_tab, request):
    mayor = User.objects.get(email="elue@pantin.test")
    coordinator = User.objects.get(email="coordination@pantin.test")
    sign_in(tab, "coordination@pantin.test")
    tab.get_by_role("link", name="Suivis individuels", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Suivis individuels")
    check(tab, request, "list-empty")

    # 1. The referral: body and kind, a new person, then the referral itself.
    tab.get_by_role("link", name="Nouveau signalement").click()
    tab.get_by_label("Instance qui tient le dossier").select_option(label="Groupe Mineurs")
    tab.get_by_label("Type de suivi").select_option("law_reminder")
    check(tab, request, "referral-body")
    tab.get_by_role("button", name="Poursuivre", exact=True).click()
    expect(tab.locator("main")).to_contain_text("Une nouvelle personne")
    tab.locator("[name=person-first_name]").fill("Yanis")
    tab.locator("[name=person-last_name]").fill("Benali-Moreau")
    tab.locator("[name=person-birth_date]").fill(day(-(14 * 365 + 60)))
    tab.locator("[name=person-sex]").select_option("male")
    tab.locator("[name=person-address]").fill("12 rue Hoche, 93500 Pantin")
    tab.locator("[name=person-situation]").select_option("pupil")
    tab.locator("[name=person-situation_place]").fill("Collège Jean-Lolive")
    check(tab, request, "referral-person")
    tab.get_by_role("button", name="Continuer avec cette nouvelle personne").click()
    expect(tab.locator("main")).to_contain_text("nouvelle fiche")
    # The referral date starts at today; this one came a month ago.
    expect(tab.locator("[name=opened_on]")).to_have_value(day(0))
    tab.locator("[name=opened_on]").fill(day(-30))
    tab.locator("[name=source]").select_option("minors_group")
    tab.locator("[name=facts]").select_option("incivilities")
    tab.locator("[name=facts_place]").fill("Abords du collège")
    tab.locator("[name=summary]").fill("Incivilités répétées à la sortie des cours.")
    # Refused first: the no-proceedings check is missing; what was typed stays.
    tab.locator("[name=no_complaint]").check()
    tab.get_by_role("button", name="Ouvrir le dossier").click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("procédure judiciaire")
    expect(tab.locator("[name=facts_place]")).to_have_value("Abords du collège")
    check(tab, request, "referral-refused")
    tab.locator("[name=no_proceedings]").check()
    tab.get_by_role("button", name="Ouvrir le dossier").click()
    expect(tab.locator(".alert-success")).to_contain_text("est ouvert")
    follow_up = FollowUp.objects.get(person__last_name="Benali-Moreau")
    assert "Benali" not in tab.url and str(follow_up.public_id) in tab.url
    file_url = tab.url
    expect(tab.locator("main h1")).to_contain_text(follow_up.case_number)
    check(tab, request, "file-referred")

    # 2. A legal guardian, whom the summons is addressed to.
    tab.get_by_role("link", name="Ajouter un représentant légal").click()
    tab.locator("[name=relationship]").select_option("mother")
    tab.locator("[name=first_name]").fill("Samira")
    tab.locator("[name=last_name]").fill("Benali")
    tab.locator("[name=address]").fill("12 rue Hoche, 93500 Pantin")
    tab.locator("[name=phone]").fill("06 12 34 56 78")
    check(tab, request, "guardian-form")
    tab.get_by_role("button", name="Enregistrer").click()
    # Back on the file it was added from, not on the person's page.
    expect(tab.locator(".alert-success")).to_contain_text("représentant légal est ajouté")
    assert tab.url == file_url
    expect(tab.locator("main")).to_contain_text("Samira BENALI")

    # 3. The prosecutor is consulted, and agrees.
    take_step(tab, "Consulter le parquet")
    expect(tab.locator("[name=occurred_on]")).to_have_value(day(0))
    check(tab, request, "step-prosecutor")
    tab.locator("[name=occurred_on]").fill(day(-25))
    record(tab)
    take_step(tab, "Enregistrer la réponse du parquet")
    tab.locator("[name=occurred_on]").fill(day(-20))
    tab.locator("[name=answer]").select_option("agreement")
    record(tab)

    # 4. The summons, presided by the deputy mayor: the letters are filed.
    take_step(tab, "Convoquer à une audience")
    # The step is the sending of the letters: today.
    expect(tab.locator("[name=occurred_on]")).to_have_value(day(0))
    hearing_at = timezone.localtime() + timedelta(days=10)
    tab.locator("[name=hearing_at]").fill(hearing_at.strftime("%Y-%m-%dT14:30"))
    tab.locator("[name=place]").fill("Hôtel de ville, bureau du maire")
    tab.locator("[name=presiding_official]").select_option(label=mayor.get_full_name())
    check(tab, request, "step-summon")
    record(tab)
    expect(tab.locator("#documents")).to_contain_text("Convocation")
    check(tab, request, "file-summoned")

    # 5. The hearing, with six months of support and a case worker. Summoned for the 10th
    # day from now, the family came today: the page asks to confirm and to say why; a day
    # before the letters were sent is refused outright.
    take_step(tab, "Enregistrer l’audience")
    expect(tab.locator("main")).to_contain_text("Convocation pour le")
    tab.locator("[name=occurred_on]").fill(day(-1))
    tab.locator("[name=parents_present]").select_option("one")
    tab.get_by_label("Assiduité scolaire").check()
    tab.get_by_label("Respect d’autrui").check()
    tab.locator("[name=commitments]").fill("Assiduité au collège ; pas de regroupement devant.")
    tab.locator("[name=support]").check()
    # Refused first: before the summons, and support needs a case worker; the answers stay.
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("référent")
    expect(tab.locator(".tq-error-summary")).to_contain_text("ne peut pas avoir eu lieu avant")
    expect(tab.get_by_label("Assiduité scolaire")).to_be_checked()
    check(tab, request, "step-hearing-refused")
    tab.locator("[name=occurred_on]").fill(day(0))
    tab.locator("[name=case_worker]").select_option(label=coordinator.get_full_name())
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("confirmez la date")
    check(tab, request, "step-hearing-other-day")
    tab.locator("[name=other_day_reason]").select_option("came_early")
    tab.locator("[name=other_day_confirmed]").check()
    record(tab)
    expect(tab.locator("main")).to_contain_text("Accompagnement de six mois")
    expect(tab.locator("main")).to_contain_text("Bilan à 3 mois")
    expect(tab.locator("#timeline-title + ol")).to_contain_text(
        "La famille est venue avant le jour de la convocation"
    )

    # 6. A support action with a partner.
    tab.get_by_role("link", name="Ajouter une action d’accompagnement").click()
    tab.locator("[name=kind]").select_option("leisure")
    expect(tab.locator("[name=starts_on]")).to_have_value(day(0))
    check(tab, request, "action-form")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator(".alert-success")).to_contain_text("ajoutée au plan")
    expect(tab.locator("#actions")).to_contain_text("Activité sportive, culturelle ou de loisirs")

    # 7. The review at 3 months, today: before its window, so it needs a reason (kept).
    take_step(tab, "Enregistrer un bilan")
    expect(tab.locator("[name=occurred_on]")).to_have_value(day(0))
    tab.locator("[name=review]").select_option("review_3_months")
    tab.get_by_label("Non").check()
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("il demande un motif")
    check(tab, request, "step-review-early")
    tab.locator("[name=early_reason]").select_option("new_facts")
    record(tab)
    expect(tab.locator("#timeline-title + ol")).to_contain_text("Tenu avant son échéance")
    check(tab, request, "file-support")

    # The whole file, printed for the hearing: a PDF naming the case on every page.
    tab.locator("#print-reason").select_option(label="Pour l’audience")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Imprimer (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and "Benali" not in download.value.suggested_filename
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{request.node.name}-print.pdf").write_bytes(pdf)
    pages = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert all(follow_up.case_number in page for page in pages.split("\f") if page.strip())
    assert AccessLogEntry.objects.filter(
        action=AccessAction.PRINT, object_id=str(follow_up.public_id), reason="Pour l’audience"
    ).exists()

    # 8. Closure: the action still in progress is shown, and must be ended (or the file
    # closed anyway, with a reason); then the closure's summary, without opening the archive.
    take_step(tab, "Clore le dossier")
    expect(tab.locator("main .alert-warning")).to_contain_text("encore en cours")
    expect(tab.locator("[name=occurred_on]")).to_have_value(day(0))
    tab.locator("[name=outcome]").select_option("support_completed")
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("encore en cours")
    check(tab, request, "step-close-refused")
    tab.get_by_label("Activité sportive, culturelle ou de loisirs", exact=False).select_option(
        "completed"
    )
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tab.locator("main h1")).to_contain_text(f"Le dossier {follow_up.case_number} est clos")
    expect(tab.locator("main")).to_contain_text(
        "Activité sportive, culturelle ou de loisirs : réalisée"
    )
    expect(tab.locator("main")).not_to_contain_text("Benali")
    check(tab, request, "closed-summary")

    # The file itself is in the archive: it opens only with a reason.
    tab.get_by_role("link", name="Ouvrir le dossier archivé (avec un motif)").click()
    expect(tab.locator("main h1")).to_contain_text("Dossier archivé")
    check(tab, request, "archive-reason")
    tab.get_by_label("Pourquoi ouvrez-vous ce dossier archivé ?").fill("Vérification de la clôture")
    tab.get_by_role("button", name="Ouvrir le dossier archivé").click()
    expect(tab.locator("main")).to_contain_text("Dossier archivé, en lecture seule")
    expect(tab.locator("main")).not_to_contain_text("Étapes suivantes")
    check(tab, request, "file-archived")

    # A school head outside the group, with the file's address: the "not found" page.
    other = new_tab()
    sign_in(other, "principale@pantin.test")
    response = other.goto(file_url)
    assert response is not None and response.status == 404
    expect(other.locator("main h1")).to_have_text("Page introuvable")
    expect(other.locator("main")).not_to_contain_text(follow_up.case_number)
    check(other, request, "school-head-404")
