"""Indicators in the browser: the coordinator adds an indicator to a demo sheet, enters two
values, reads the chart and its table, then imports the committee's spreadsheet — first with a
bad row (nothing written), then corrected."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser

SHEET = "Projet jeunes–police : quatre ateliers par an"
NAME = "Ateliers tenus dans l’année"


def csv_payload(text: str) -> dict[str, object]:
    # French Excel's "CSV (séparateur : point-virgule)": Windows-1252, semicolons.
    return {"name": "comite-de-suivi.csv", "mimeType": "text/csv", "buffer": text.encode("cp1252")}


def test_the_coordinator_follows_an_indicator(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    tab.goto("/strategie/")
    tab.get_by_role("link", name=SHEET).click()
    heading = tab.locator("main h1")
    expect(heading).to_contain_text(SHEET)
    number = re.match(r"\s*(\S+) —", heading.inner_text()).group(1)
    check(tab, request, "sheet")

    # A new indicator.
    tab.get_by_role("link", name="Ajouter un indicateur").click()
    expect(heading).to_have_text("Nouvel indicateur")
    tab.locator("input[name=name]").fill(NAME)
    tab.locator("select[name=kind]").select_option("output")
    tab.locator("input[name=unit]").fill("ateliers")
    tab.locator("input[name=baseline]").fill("0")
    tab.locator("input[name=target]").fill("4")
    check(tab, request, "indicator-form")
    tab.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(heading).to_have_text(NAME)
    expect(tab.locator("main")).to_contain_text("Aucune mesure pour l’instant.")

    # Two values by hand.
    for day, value in [("2026-01-31", "1"), ("2026-02-28", "2")]:
        tab.get_by_role("textbox", name="Date (obligatoire)").fill(day)
        tab.get_by_role("textbox", name="Valeur (obligatoire)").fill(value)
        tab.get_by_role("button", name="Enregistrer la valeur").click()
        expect(tab.locator(".tq-messages")).to_contain_text("enregistrée")
    chart = tab.locator("main svg.tq-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("title").first).to_have_text(NAME)
    table = tab.locator("main table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("28/02/2026")
    expect(tab.locator("main")).to_contain_text("50 %")
    check(tab, request, "indicator-two-values")

    # The committee's spreadsheet, with a bad last row: nothing is written.
    tab.get_by_role("link", name="Beaucoup de valeurs d’un coup : importez un tableur.").click()
    expect(heading).to_have_text("Importer des mesures depuis un tableur")
    check(tab, request, "import")
    tab.locator("input[name=file]").set_input_files(
        csv_payload(
            "Fiche;Indicateur;Date;Valeur;Note\n"
            f"{number};{NAME};31/03/2026;3;Bilan du pilote\n"
            f"{number};{NAME};30/04/2026;beaucoup;\n"
        )
    )
    tab.get_by_role("button", name="Voir les lignes avant d’importer").click()
    errors = tab.locator(".tq-error-summary")
    expect(errors).to_contain_text("Ligne 3, colonne « Valeur » : « beaucoup » n’est pas un nombre")
    expect(tab.get_by_role("button", name=re.compile("^Importer"))).to_have_count(0)
    check(tab, request, "import-with-an-error")

    # The corrected file: a new value and a correction.
    tab.get_by_role("link", name="Choisir le fichier corrigé").click()
    tab.locator("input[name=file]").set_input_files(
        csv_payload(
            "fiche;indicateur;date;valeur;note\n"
            f"{number};{NAME};31/03/2026;3;Bilan du pilote\n"
            f"{number};{NAME};28/02/2026;2,5;Chiffre corrigé\n"
        )
    )
    tab.get_by_role("button", name="Voir les lignes avant d’importer").click()
    preview = tab.locator("main table")
    expect(preview).to_contain_text("Nouvelle valeur")
    expect(preview).to_contain_text("Remplace 2")
    check(tab, request, "import-preview")
    tab.get_by_role("button", name="Importer 2 lignes").click()
    expect(tab.locator(".tq-messages")).to_contain_text(
        "Import terminé : 1 valeur ajoutée, 1 valeur remplacée."
    )
    expect(heading).to_contain_text(SHEET)
    check(tab, request, "sheet-after-import")

    tab.get_by_role("link", name=NAME).click()
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("31/03/2026")
    expect(table).to_contain_text("2,5")
    expect(table).to_contain_text("Importée")
    expect(chart.locator("circle")).to_have_count(3)
    check(tab, request, "indicator-after-import")
