"""A tension alert, as the coordinator and a member of the monitoring cell live it: the
coordinator raises it on a desktop; the landlord's phone (360×740), already open on another
page, shows the banner without a reload; he logs a response from his phone; the coordinator
lifts the alert and the banner leaves the phone, again without a reload. Each screen is
looked at and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.tensions.models import TensionAlert

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}
# The banner is polled every 15 seconds.
POLL_MS = 25_000


def test_an_alert_reaches_the_cells_phone_without_a_reload(demo, new_tab, request):
    phone = new_tab(PHONE_360)
    sign_in(phone, "bailleur@pantin.test")
    phone.goto("/")
    banner = phone.locator(".tq-live-banner")
    expect(banner).to_be_empty()
    phone.evaluate("() => { window.__notReloaded = true; }")

    desk = new_tab()
    sign_in(desk, "coordination@pantin.test")
    desk.goto("/alertes/")
    expect(desk.locator("main h1")).to_have_text("Alertes de tension")
    desk.get_by_label("Quatre-Chemins").check()
    desk.get_by_label("Courtillières").check()
    desk.get_by_label("Risque imminent").check()
    desk.get_by_label("Source").select_option(label="Réseaux sociaux")
    desk.get_by_label("Description").fill(
        "Appels à un affrontement ce soir près du parc des Courtillières."
    )
    check(desk, request, "raise-form")
    desk.get_by_role("button", name="Déclencher l'alerte").click()
    expect(desk.locator("main h1")).to_contain_text("Alerte de tension")
    expect(desk.locator(".tq-messages")).to_contain_text("cellule de veille est prévenue")
    check(desk, request, "alert-raised")
    alert = TensionAlert.objects.get(lifted_at__isnull=True)

    # The landlord's phone, still on the council's page, shows it without a reload.
    expect(banner).to_contain_text("Courtillières, Quatre-Chemins", timeout=POLL_MS)
    expect(banner).to_contain_text("Risque imminent")
    assert phone.evaluate("() => window.__notReloaded === true")
    check(phone, request, "phone-banner")

    banner.get_by_role("link", name="Courtillières, Quatre-Chemins").click()
    phone.locator("#id_kind").select_option(label="Autre")
    phone.locator("#id_note").fill("Gardiens des résidences mobilisés, halls fermés à 21 h.")
    check(phone, request, "phone-respond")
    phone.get_by_role("button", name="Noter la réponse").click()
    expect(phone.locator(".tq-messages")).to_contain_text("Réponse notée")
    expect(phone.locator("main")).to_contain_text("Gardiens des résidences mobilisés")
    expect(phone.locator("main")).not_to_contain_text("Lever l'alerte")
    check(phone, request, "phone-logged")

    desk.reload()
    expect(desk.locator("main")).to_contain_text("Gardiens des résidences mobilisés")
    desk.get_by_label("Terminée sans violence").check()
    desk.get_by_label("Note sur l'issue (facultatif)").fill("Aucun rassemblement constaté.")
    desk.get_by_role("button", name="Lever l'alerte").click()
    expect(desk.locator(".tq-messages")).to_contain_text("Alerte levée")
    check(desk, request, "alert-lifted")
    alert.refresh_from_db()
    assert alert.outcome == "no_violence"

    # The banner leaves the phone without a reload; the history and the map show the rest.
    phone.goto("/")
    phone.evaluate("() => { window.__notReloaded = true; }")
    desk.goto("/alertes/")
    expect(banner).to_be_empty(timeout=POLL_MS)
    assert phone.evaluate("() => window.__notReloaded === true")
    phone.goto("/alertes/historique/")
    expect(phone.locator("main")).to_contain_text("Terminée sans violence")
    check(phone, request, "phone-history")
    phone.goto("/alertes/carte/")
    expect(phone.locator("main table")).to_contain_text("Quatre-Chemins")
    check(phone, request, "phone-map")
    desk.goto("/observatoire/alertes/")
    expect(desk.locator("main h1")).to_have_text("Chiffres des alertes de tension")
    check(desk, request, "figures")


def test_the_history_pages_back_through_older_alerts_on_a_phone(demo, new_tab, request):
    from tranquillite.accounts.models import User
    from tranquillite.core.models import Neighbourhood
    from tranquillite.tensions import services

    pantin = demo["pantin"]
    coordinator = User.objects.get(email="coordination@pantin.test")
    hoods = list(Neighbourhood.objects.filter(territory=pantin).order_by("name")[:2])
    for number in range(26):
        alert = services.raise_alert(
            actor=coordinator,
            territory=pantin,
            neighbourhoods=hoods,
            level="vigilance",
            source="field_team",
            description=f"Regroupements signalés près du stade, soir {number}.",
        )
        services.lift_alert(actor=coordinator, alert=alert, outcome="no_violence")
    lifted = TensionAlert.objects.filter(territory=pantin, lifted_at__isnull=False).count()

    phone = new_tab(PHONE_360)
    sign_in(phone, "coordination@pantin.test")
    phone.goto("/alertes/historique/")
    items = phone.locator("main .list-group-item")
    expect(items).to_have_count(25)
    check(phone, request, "history-first-page")
    phone.get_by_role("link", name="Alertes plus anciennes").click()
    expect(items).to_have_count(lifted - 25)
    expect(phone.get_by_role("link", name="Les plus récentes")).to_be_visible()
    check(phone, request, "history-older-page")
