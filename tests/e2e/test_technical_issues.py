"""The closed loop of a technical issue, in a browser: the mediator reports a broken entrance
door from his phone (360×740); the landlord, who works his organisation's queue, acknowledges
it and marks it fixed; the mediator sees it fixed in his reports. Each screen is looked at and
checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.technical_issues.models import IssueStatus, TechnicalIssue

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}


def test_mediator_reports_landlord_fixes_mediator_sees_it(demo, new_tab, request):
    phone = new_tab(PHONE_360)
    sign_in(phone, "mediation@pantin.test", totp_secret=None)
    phone.goto("/signalements/nouveau/")
    expect(phone.locator("main h1")).to_have_text("Signaler un problème")
    phone.locator("#id_category").select_option("building_access")
    phone.locator("#id_neighbourhood").select_option(label="Quatre-Chemins")
    phone.locator("#id_description").fill("Porte du hall B qui ne ferme plus")
    check(phone, request, "issue-form-phone")
    phone.get_by_role("button", name="Envoyer le signalement").click()
    if phone.locator("#duplicates-title").count():
        # Open issues of the same kind nearby are shown first; this one is another.
        check(phone, request, "issue-duplicates-phone")
        phone.get_by_role("button", name="C'est un autre problème : l'envoyer").click()
    expect(phone.locator("main h1")).to_have_text("Mes signalements")
    issue = TechnicalIssue.objects.get(description="Porte du hall B qui ne ferme plus")
    # The residence drawn on the map routes it to its landlord.
    assert issue.organisation.name == "Bailleur social « Habitat de l'Ourcq » (fictif)"
    card = phone.locator("article", has_text=issue.reference)
    expect(card).to_contain_text("Ouvert")
    check(phone, request, "my-reports-open-phone")

    desk = new_tab()
    sign_in(desk, "bailleur@pantin.test")
    desk.goto("/signalements/file/")
    expect(desk.locator("main h1")).to_have_text("Signalements à traiter")
    check(desk, request, "landlord-queue")
    desk.get_by_role("link", name=issue.reference).click()
    desk.get_by_role("button", name="Accuser réception").click()
    expect(desk.locator(".tq-messages")).to_contain_text("C'est fait")
    desk.locator("#fix-text").fill("Ferme-porte remplacé")
    desk.get_by_role("button", name="Marquer comme réparé").click()
    expect(desk.locator("#history-title + ol")).to_contain_text("Réparé")
    check(desk, request, "landlord-issue-fixed")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.acknowledged_at

    phone.reload()
    card = phone.locator("article", has_text=issue.reference)
    expect(card).to_contain_text("Réparé")
    expect(card).to_contain_text("Ferme-porte remplacé")
    check(phone, request, "my-reports-fixed-phone")

    # The coordination sees which rule routed it, the rules with their drawn areas, the figures.
    coordination = new_tab()
    sign_in(coordination, "coordination@pantin.test")
    coordination.goto(f"/signalements/{issue.public_id}/")
    expect(coordination.locator("main")).to_contain_text("Résidence des Quatre-Chemins — cour")
    coordination.goto("/signalements/regles/")
    expect(coordination.locator("#rules-map .leaflet-interactive").first).to_be_visible()
    check(coordination, request, "coordination-rules")
    coordination.goto("/observatoire/signalements/")
    expect(coordination.locator("#table-organisation")).to_contain_text("Habitat de l'Ourcq")
    check(coordination, request, "coordination-figures")
