"""The council's bodies in the browser: the charter gate as members and the coordinator live it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser


def test_a_member_signs_the_charter_of_his_group(demo, tab, request):
    sign_in(tab, "cpip@pantin.test")
    tab.get_by_role("link", name="Instances", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Instances du conseil")
    check(tab, request, "bodies")

    tab.get_by_role("link", name="Groupe Mineurs").click()
    expect(tab.locator("main")).to_contain_text("Vous n'avez pas encore signé la charte")
    check(tab, request, "group-unsigned")

    tab.get_by_role("link", name="Lire et signer la charte").click()
    expect(tab.locator("main h1")).to_have_text("Charte déontologique, version 1")
    check(tab, request, "charter")
    tab.get_by_role("button", name="Signer la charte").click()
    # Without ticking the undertaking, nothing is signed and the error says why.
    expect(tab.locator(".errorlist")).to_be_visible()
    check(tab, request, "charter-error")
    tab.get_by_label("J'ai lu cette charte et je m'engage à la respecter.").check()
    tab.get_by_role("button", name="Signer la charte").click()
    expect(tab.locator(".alert-success")).to_contain_text("Vous avez signé la version 1")
    expect(tab.locator("main")).to_contain_text("Vous avez signé la charte en vigueur")
    check(tab, request, "group-signed")


def test_a_school_head_outside_the_group_does_not_see_it(demo, tab, request):
    sign_in(tab, "principale@pantin.test")
    tab.goto("/conseil/instances/")
    main = tab.locator("main")
    expect(main).to_contain_text("CLSPD — séance plénière")
    expect(main).not_to_contain_text("Groupe Mineurs")
    check(tab, request, "bodies-partner")


def test_the_coordinator_suspends_a_member_and_publishes_a_new_charter(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    tab.goto("/conseil/instances/")
    tab.get_by_role("link", name="Groupe Mineurs").click()
    check(tab, request, "group-coordinator")

    row = tab.locator("main table tbody tr", has_text="Thomas Leroy")
    row.get_by_label("Motif de la suspension de Thomas Leroy").fill("Manquement à la charte")
    row.get_by_role("button", name="Suspendre").click()
    expect(tab.locator(".alert-success")).to_contain_text("Thomas Leroy est suspendu·e")
    expect(tab.locator("main table tbody tr", has_text="Thomas Leroy")).to_contain_text(
        "Manquement à la charte"
    )

    tab.get_by_role("link", name="Ajouter un membre").click()
    check(tab, request, "member-add")
    tab.get_by_label("Membre disposant d’un compte").select_option(label="Karim Benali")
    tab.get_by_role("button", name="Ajouter", exact=True).click()
    expect(tab.locator(".alert-success")).to_contain_text("Le membre a été ajouté")
    expect(tab.locator("main table tbody")).to_contain_text("Karim Benali")

    tab.get_by_role("link", name="Publier une nouvelle version de la charte").click()
    check(tab, request, "charter-publish")
    tab.get_by_label("Texte de la charte").fill("Charte révisée : article 1, confidentialité.")
    tab.get_by_role("button", name="Publier").click()
    expect(tab.locator(".alert-success")).to_contain_text("La version 2 de la charte est publiée")
    check(tab, request, "group-after-publication")


def test_the_coordinator_runs_a_meeting_from_agenda_to_tasks(demo, new_tab, request):
    tab = new_tab()
    sign_in(tab, "coordination@pantin.test")
    tab.goto("/conseil/instances/")
    tab.get_by_role("link", name="Groupe Mineurs").click()
    tab.get_by_label("Date et heure").fill("2027-01-14T14:00")
    tab.get_by_label("Lieu").fill("Centre administratif, salle 3")
    tab.get_by_role("button", name="Programmer une réunion").click()
    expect(tab.locator(".alert-success")).to_contain_text("La réunion est programmée")
    check(tab, request, "meeting-new")

    tab.get_by_label("Point").fill("Bilan des rappels à l'ordre")
    tab.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    # A name where a case number is expected is refused with a French message.
    tab.get_by_label("Ou une situation confidentielle, par son numéro").fill("Kevin Martin")
    tab.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    expect(tab.locator("main")).to_contain_text("Un numéro de situation a la forme RAO-2026-0012.")
    check(tab, request, "meeting-agenda-error")
    tab.get_by_label("Ou une situation confidentielle, par son numéro").fill("RAO-2026-0012")
    tab.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    agenda = tab.locator("section[aria-labelledby=agenda-title] ol")
    expect(agenda).to_contain_text("Situation RAO-2026-0012")

    tab.get_by_label("Thomas Leroy").select_option("present")
    tab.get_by_label("Julien Mercier").select_option("represented")
    tab.get_by_role("button", name="Enregistrer les présences").click()
    expect(tab.locator("main")).to_contain_text("Quorum atteint.")

    tab.get_by_role("textbox", name="Décision").fill(
        "La situation RAO-2026-0012 est orientée vers un rappel à l'ordre."
    )
    tab.get_by_label("Tâche de suivi (facultatif)").fill("Consulter le parquet")
    tab.get_by_label("Responsable de la tâche").select_option(label="Thomas Leroy")
    tab.get_by_label("Échéance").fill("2027-01-28")
    tab.get_by_role("button", name="Enregistrer la décision").click()
    expect(tab.locator(".alert-success")).to_contain_text("La décision est enregistrée")
    check(tab, request, "meeting-held")
    # The decision record as PDF, from the page's own link.
    href = tab.get_by_role("link", name="Relevé de décisions (PDF)").get_attribute("href")
    pdf = tab.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"

    police = new_tab()
    sign_in(police, "police@pantin.test")
    police.get_by_role("link", name="Mes tâches").click()
    expect(police.locator("main table tbody")).to_contain_text("Consulter le parquet")
    check(police, request, "my-tasks")
    row = police.locator("main table tbody tr", has_text="Consulter le parquet")
    row.get_by_label("Statut de Consulter le parquet").select_option("done")
    row.get_by_role("button", name="Mettre à jour").click()
    expect(police.locator(".alert-success")).to_contain_text("La tâche est mise à jour")
    expect(police.locator("main table tbody")).not_to_contain_text("Consulter le parquet")

    police.get_by_role("link", name="Mon agenda").click()
    feed_url = police.get_by_label("Votre adresse d’agenda privée").input_value()
    check(police, request, "calendar")
    feed = police.request.get(feed_url)
    assert feed.ok and "SUMMARY:Groupe Mineurs" in feed.text()


def test_a_social_landlord_sees_his_bodies_his_tasks_and_the_strategy_read_only(demo, tab, request):
    """The partner's view: the meetings of the bodies he belongs to, his own tasks, the
    strategy to read — nothing else."""
    from datetime import timedelta

    from django.utils import timezone

    from tranquillite.accounts.models import User
    from tranquillite.governance.models import Decision, FollowUpTask, Meeting

    landlord = User.objects.get(email="bailleur@pantin.test")
    police = User.objects.get(email="police@pantin.test")
    decision = Decision.objects.filter(meeting__body__kind="monitoring_committee").first()
    assert decision is not None
    FollowUpTask.objects.create(
        territory=decision.territory,
        decision=decision,
        title="Recenser les halls d'immeubles à sécuriser",
        owner=landlord,
        due_on=timezone.localdate() + timedelta(days=12),
    )

    sign_in(tab, "bailleur@pantin.test")
    tab.get_by_role("link", name="Instances", exact=True).click()
    main = tab.locator("main")
    expect(main).to_contain_text("Comité de suivi (CCPD)")
    expect(main).to_contain_text("Groupe Bailleurs")
    for hidden in ("Groupe Mineurs", "Groupe Victimes", "Comité de pilotage"):
        expect(main).not_to_contain_text(hidden)
    check(tab, request, "landlord-bodies")

    tab.get_by_role("link", name="Mes tâches").click()
    expect(main).to_contain_text("Recenser les halls d'immeubles à sécuriser")
    for task in FollowUpTask.objects.filter(owner=police):
        expect(main).not_to_contain_text(task.title)
    check(tab, request, "landlord-tasks")

    # A meeting of a body he does not belong to does not exist, for him.
    minors_meeting = Meeting.objects.filter(body__name="Groupe Mineurs").first()
    assert minors_meeting is not None
    answer = tab.goto(f"/conseil/reunions/{minors_meeting.public_id}/")
    assert answer is not None and answer.status == 404

    tab.goto("/strategie/")
    expect(tab.locator("main h1")).to_contain_text("Stratégie territoriale")
    expect(main).not_to_contain_text("Nouvelle fiche action")
    check(tab, request, "landlord-strategy")
