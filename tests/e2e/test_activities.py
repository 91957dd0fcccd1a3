"""Activities in the browser: the police station, lead of the youth–police project, plans a
workshop and records it as held with its participants counted by age band and sex."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser

SHEET = "Projet jeunes–police : quatre ateliers par an"


def test_a_police_officer_plans_a_workshop_and_records_it_held(demo, tab, request):
    today = timezone.localdate()
    # police@pantin.test acts for the Commissariat de police de Pantin, the sheet's lead.
    sign_in(tab, "police@pantin.test")
    tab.goto("/strategie/")
    tab.get_by_role("link", name=SHEET).click()
    expect(tab.get_by_role("link", name="Modifier la fiche")).to_have_count(0)
    tab.get_by_role("link", name="Ajouter une activité").click()
    expect(tab.locator("main h1")).to_have_text("Nouvelle activité")
    tab.locator("#id_kind").select_option("workshop")
    tab.locator("#id_title").fill("Atelier jeunes–police : se parler sans se juger")
    tab.locator("#id_status").select_option("planned")
    tab.locator("#id_planned_on").fill(today.isoformat())
    tab.locator("#id_place").fill("Maison de quartier des Courtillières")
    tab.get_by_label("Commissariat de police de Pantin").check()
    check(tab, request, "plan-form")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator(".alert-success")).to_contain_text("L’activité a été créée.")
    expect(tab.locator("main h1")).to_have_text("Atelier jeunes–police : se parler sans se juger")
    check(tab, request, "planned")

    tab.get_by_role("link", name="Enregistrer comme réalisée").click()
    expect(tab.locator("#id_held_on")).to_have_value(today.isoformat())
    tab.locator("#id_n_14_17_female").fill("5")
    tab.locator("#id_n_14_17_male").fill("7")
    tab.locator("#id_n_over_25_male").fill("2")
    tab.locator("#id_summary").fill("Échanges francs, à poursuivre au prochain atelier.")
    check(tab, request, "held-form")
    tab.get_by_role("button", name="Enregistrer comme réalisée").click()
    expect(tab.locator(".alert-success")).to_contain_text("enregistrée comme réalisée")
    grid = tab.locator("main table", has_text="Tranche d’âge")
    expect(grid.locator("tfoot")).to_contain_text("14")
    expect(grid.locator("tbody tr", has_text="14–17")).to_contain_text("12")
    check(tab, request, "held")

    tab.get_by_role("link", name="1.2", exact=True).click()  # breadcrumb back to the sheet
    activities = tab.locator("main section", has_text="Activités").first
    # This year's activities of the sheet (the demo may hold others) now include this one.
    this_year = activities.locator("ul", has_text="se parler sans se juger")
    expect(this_year).to_contain_text(today.strftime("%d/%m/%Y"))
    expect(activities.locator("h3").first).to_contain_text(f"{today.year} —")
    expect(activities.locator("h3").first).to_contain_text("réalisée")
    check(tab, request, "sheet")

    tab.get_by_role("link", name="Activités", exact=True).first.click()
    expect(tab.locator("main h1")).to_have_text("Activités des fiches action")
    expect(tab.locator("main")).to_contain_text("Atelier jeunes–police : se parler sans se juger")
    check(tab, request, "list")
