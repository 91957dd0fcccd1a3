"""The historical daily-log import in a real browser with axe-core: a spreadsheet sent, its
columns confirmed, an error read by line, the corrected file imported; a large file's progress
bar that gives way to the result by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.field.models import ImportBatch, ImportStatus, LogEntry

pytestmark = pytest.mark.browser

HEADER = (
    "Date;Heure;Équipe;Quartier;Type d'intervention;Catégorie;Nb personnes;Action menée;"
    "Observations"
)


def _file(rows: list[str]) -> dict[str, object]:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return {
        "name": "main-courante-2025.csv",
        "mimeType": "text/csv",
        "buffer": text.encode("cp1252"),
    }


def _rows(*, with_error: bool) -> list[str]:
    day = f"{timezone.localdate() - timedelta(days=60):%d/%m/%Y}"
    rows = [
        f"{day};18h30;Médiation sociale — soirée;Quatre-Chemins;Gestion de conflit;"
        "Conflit de voisinage;2;Médiation entre les parties;Bruit dans la cage d'escalier",
        f"{day};21:10;Médiation sociale — soirée;Hoche;Présence active;Groupe de jeunes;6;"
        "Dialogue;",
        f"{day};16:00;Gardes de parcs;Quatre-Chemins;Veille technique;"
        "Équipement cassé ou dégradé;1;Signalement à un service;Banc cassé",
    ]
    if with_error:
        rows.append(
            f"{day};17:00;Gardes de parcs;Atlantis;Présence active;Groupe de jeunes;3;Dialogue;"
        )
    return rows


def test_the_director_imports_a_spreadsheet_after_reading_its_errors(demo, new_tab, request):
    before = LogEntry.objects.count()
    tab = new_tab()
    sign_in(tab, "direction@pantin.test")
    tab.get_by_role("link", name="Import de main courante").click()
    expect(tab.locator("main h1")).to_have_text("Importer une main courante tenue dans un tableur")
    check(tab, request, "start")

    tab.get_by_label("Tableur de la main courante").set_input_files(_file(_rows(with_error=True)))
    tab.get_by_role("button", name="Lire le fichier").click()
    expect(tab.get_by_role("heading", name="Quelle colonne contient quoi")).to_be_visible()
    # The columns are guessed from the French headers.
    expect(tab.get_by_label("Quartier")).to_have_value("3")
    expect(tab.get_by_label("Fonction")).to_have_value("4")
    check(tab, request, "columns")

    tab.get_by_role("button", name="Vérifier toutes les lignes").click()
    alert = tab.get_by_role("alert")
    expect(alert).to_contain_text(
        "Ligne 5, colonne « Quartier » : aucun quartier nommé « Atlantis »"
    )
    expect(tab.get_by_role("button", name="Importer 3 saisies")).to_have_count(0)
    check(tab, request, "errors")
    assert LogEntry.objects.count() == before  # nothing half-imported

    tab.get_by_role("link", name="Import de main courante").first.click()
    tab.get_by_label("Tableur de la main courante").set_input_files(_file(_rows(with_error=False)))
    tab.get_by_role("button", name="Lire le fichier").click()
    tab.get_by_role("button", name="Vérifier toutes les lignes").click()
    expect(tab.locator("main")).to_contain_text("Bruit dans la cage d'escalier")
    check(tab, request, "preview")
    tab.get_by_role("button", name="Importer 3 saisies").click()
    expect(tab.get_by_role("status").filter(has_text="3 saisies importées")).to_be_visible()
    check(tab, request, "done")
    assert LogEntry.objects.count() == before + 3

    # The wrong file after all: undoing the import takes its three entries back, only those.
    tab.get_by_role("button", name="Annuler cet import (3 saisies supprimées)").click()
    expect(tab.locator("main")).to_contain_text("Import annulé le")
    check(tab, request, "undone")
    assert LogEntry.objects.count() == before


def test_a_large_files_progress_bar_gives_way_to_the_result(demo, new_tab, request):
    tab = new_tab()
    sign_in(tab, "direction@pantin.test")
    tab.goto("/terrain/imports/")
    tab.get_by_label("Tableur de la main courante").set_input_files(_file(_rows(with_error=False)))
    tab.get_by_role("button", name="Lire le fichier").click()
    expect(tab.get_by_role("heading", name="Quelle colonne contient quoi")).to_be_visible()
    # As if the task worker were checking a large file: the page shows its progress.
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKING, total_rows=40_000, processed_rows=10_000
    )
    tab.reload()
    progress = tab.locator("progress")
    expect(progress).to_have_attribute("value", "25")
    expect(tab.locator("main")).to_contain_text("10\u202f000 lignes lues sur 40\u202f000")
    check(tab, request, "progress")
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=30_000)
    expect(progress).to_have_attribute("value", "75")
    # The worker finishes: the page reloads by itself and shows the result.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKED,
        counts={"rows": 3, "new": 3, "already": 0, "too_old": 0, "errors": 0, "warnings": 0},
    )
    expect(tab.get_by_role("heading", name="Résultat de la vérification")).to_be_visible()
    expect(tab.locator("progress")).to_have_count(0)
