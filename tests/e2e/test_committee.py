"""The coordinator prepares and holds the Monitoring Committee of the Local Safety Contract,
then the deputy mayor sees where the strategy stands."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.strategy.models import ActionSheet, Evaluation, Strategy
from tranquillite.strategy.selectors import progress_of

pytestmark = pytest.mark.browser

CONTRACT = "Contrat local de sécurité de Pantin"
COMMITTEE = "Comité de suivi (CCPD)"


def test_the_coordinator_prepares_and_holds_the_monitoring_committee(demo, new_tab, request):
    tab = new_tab()
    sign_in(tab, "coordination@pantin.test")

    # The contract at a glance: its areas, its sheets with status, progress and next review.
    tab.get_by_role("link", name="Fiches action").click()
    tab.get_by_role("link", name=CONTRACT).click()
    main = tab.locator("main")
    expect(main).to_contain_text("Où en est la stratégie")
    expect(main).to_contain_text("45 fiches action affichées.")
    expect(main).to_contain_text("Axe 6. Mieux coordonner l'action transversale")
    check(tab, request, "contract")

    # The sheets due for review by the end of next month, when the committee meets.
    tab.get_by_role("link", name="Fiches à revoir").click()
    expect(tab.locator("main h1")).to_have_text("Fiches à revoir")
    expect(tab.locator("main .lead")).to_have_text(CONTRACT)
    today = timezone.localdate()
    tab.get_by_label("À revoir d’ici le").fill(f"{today + timedelta(days=60):%Y-%m-%d}")
    tab.get_by_role("button", name="Afficher", exact=True).click()
    expect(tab.locator("main table tbody tr").first).to_be_visible()
    expect(tab.locator("main")).to_contain_text("Prochaines réunions des comités")
    check(tab, request, "review-list")

    # A meeting of the monitoring committee, today, through the council's pages.
    tab.get_by_role("link", name="Programmer une réunion depuis la page des instances").click()
    tab.get_by_role("link", name=COMMITTEE).click()
    tab.get_by_label("Date et heure").fill(f"{today:%Y-%m-%d}T09:30")
    tab.get_by_label("Lieu").fill("Hôtel de ville, salle du conseil")
    tab.get_by_role("button", name="Programmer une réunion").click()
    expect(tab.locator(".alert-success")).to_contain_text("La réunion est programmée")
    tab.get_by_role("button", name="Envoyer les invitations").click()
    expect(tab.locator(".alert-success")).to_contain_text("invitations")

    # The meeting page lists the sheets due (read only) and leads to the evaluation page.
    panel = tab.locator("section#evaluations")
    expect(panel).to_contain_text("Évaluation des fiches action")
    expect(panel).to_contain_text("Fiches évaluées dans cette réunion : 0.")
    expect(panel.locator("form")).to_have_count(0)
    check(tab, request, "meeting-planned")

    # Attendance.
    tab.get_by_label("Nadia Ferhat").select_option("present")
    tab.get_by_label("Claire Morel").select_option("present")
    tab.get_by_label("Karim Benali").select_option("represented")
    tab.get_by_label("Sophie Lambert").select_option("excused")
    tab.get_by_role("button", name="Enregistrer les présences").click()
    expect(tab.locator("main")).to_contain_text("Quorum atteint.")

    # Two sheets of the contract evaluated on the meeting's evaluation page (htmx swaps each
    # sheet's block in place). Meeting today, the committee also looks at sheets whose review
    # comes later: every sheet.
    tab.locator("section#evaluations").get_by_role("link", name="Évaluer les fiches").click()
    expect(tab.locator("main h1")).to_have_text("Évaluation des fiches action")
    tab.get_by_role("link", name=CONTRACT).click()
    expect(tab.get_by_role("link", name=CONTRACT)).to_have_attribute("aria-current", "true")
    tab.get_by_role("link", name="Toutes les fiches de la stratégie").click()
    rows = tab.locator("section#evaluations li.tq-eval-item")
    first_title = rows.nth(0).locator("h3").inner_text()
    second_title = rows.nth(1).locator("h3").inner_text()
    first = rows.filter(has_text=first_title)
    second = rows.filter(has_text=second_title)

    # An inconsistent evaluation is refused with the reason, in French, next to the sheet.
    first.get_by_label("Statut").select_option("done")
    first.get_by_label("Avancement (%)").fill("80")
    first.get_by_label("Décision").select_option("continue")
    first.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(first.get_by_role("alert")).to_contain_text("Une action « Faite » est à 100")
    check(tab, request, "evaluation-refused")

    first.get_by_label("Statut").select_option("at_risk")
    first.get_by_label("Avancement (%)").fill("55")
    first.get_by_label("Décision").select_option("reorient")
    first.get_by_label("Commentaire").fill("Partenaire à relancer ; calendrier à revoir.")
    first.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(first).to_contain_text("Évaluation enregistrée.")
    expect(first).to_contain_text("Évaluée dans cette réunion")

    second.get_by_label("Statut").select_option("on_track")
    second.get_by_label("Avancement (%)").fill("70")
    second.get_by_label("Décision").select_option("continue")
    second.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(second).to_contain_text("Évaluation enregistrée.")
    expect(tab.locator("section#evaluations")).to_contain_text(
        "Fiches évaluées dans cette réunion : 2."
    )
    check(tab, request, "meeting-evaluated")

    # Back on the meeting page: the new values in the list, then the decision record, with a
    # follow-up task.
    tab.get_by_role("link", name="Retour à la réunion").click()
    panel = tab.locator("section#evaluations")
    expect(panel).to_contain_text("Fiches évaluées dans cette réunion : 2.")
    first_row = panel.locator("tbody tr", has_text=first_title)
    expect(first_row).to_contain_text("À risque")
    expect(first_row).to_contain_text("Partenaire à relancer")
    check(tab, request, "meeting-list")
    number = first_title.split(" — ")[0]
    tab.get_by_role("textbox", name="Décision").fill(
        f"La fiche {number} est réorientée : nouveau calendrier au prochain comité."
    )
    tab.get_by_label("Tâche de suivi (facultatif)").fill("Proposer un nouveau calendrier")
    tab.get_by_label("Responsable de la tâche").select_option(label="Claire Morel")
    tab.get_by_label("Échéance").fill(f"{today.year + 1}-01-15")
    tab.get_by_role("button", name="Enregistrer la décision").click()
    expect(tab.locator(".alert-success")).to_contain_text("La décision est enregistrée")
    # The evaluations survive the page's reload (recorded in the database, not just swapped in).
    tab.reload()
    expect(tab.locator("section#evaluations")).to_contain_text(
        "Fiches évaluées dans cette réunion : 2."
    )
    check(tab, request, "meeting-held")

    contract = Strategy.objects.get(title=CONTRACT)
    assert Evaluation.objects.filter(sheet__axis__strategy=contract).count() >= 2
    evaluated = ActionSheet.objects.get(axis__strategy=contract, number=number)
    assert (evaluated.status, evaluated.progress) == ("at_risk", 55)
    expected = progress_of(contract).overall.progress

    # The deputy mayor sees the new progress at a glance.
    mayor = new_tab()
    sign_in(mayor, "elue@pantin.test")
    mayor.get_by_role("link", name="Fiches action").click()
    mayor.get_by_role("link", name=CONTRACT).click()
    glance = mayor.locator("section.tq-glance")
    expect(glance).to_contain_text(f"{expected}\u00a0% réalisés")
    row = mayor.locator("main table tbody tr", has_text=first_title.split(" — ")[1])
    expect(row).to_contain_text("À risque")
    expect(row).to_contain_text("55\u00a0%")
    check(mayor, request, "mayor-overview")

    row.get_by_role("link").click()
    history = mayor.locator("section[aria-labelledby=sheet-evaluations-title]")
    expect(history).to_contain_text(COMMITTEE)
    expect(history).to_contain_text("Partenaire à relancer")
    expect(history).to_contain_text("Réorienter")
    check(mayor, request, "mayor-sheet")
