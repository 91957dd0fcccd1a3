"""Writing an action sheet in the browser: the coordinator adds a partner with its role, meets
the FIPD co-funding rule when saving the budget, then uploads and downloads a document."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser

SHEET = "Projet jeunes–police : quatre ateliers par an"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # Uploaded files go to a temporary MEDIA_ROOT, not to the repository's var/media.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_coordinator_edits_partners_budget_and_documents(demo, tab, request, media):
    sign_in(tab, "coordination@pantin.test")
    tab.goto("/strategie/")
    tab.get_by_role("link", name=SHEET).click()
    sheet_url = tab.url
    tab.get_by_role("link", name="Modifier la fiche").click()
    expect(tab.locator("main h1")).to_contain_text("Modifier la fiche")
    check(tab, request, "sheet-form")

    # The first empty partner row follows the partners already saved.
    row = int(tab.locator("#id_partenaires-INITIAL_FORMS").input_value())
    tab.locator(f"#id_partenaires-{row}-organisation").select_option(
        label="Protection judiciaire de la jeunesse — UEMO de Pantin"
    )
    tab.locator(f"#id_partenaires-{row}-role").fill("Co-anime les ateliers")
    tab.locator(f"#id_partenaires-{row + 1}-organisation").select_option(
        label="Commissariat de police de Pantin"
    )
    tab.get_by_role("button", name="Enregistrer").click()
    # The lead cannot also be a partner: refused, with the reason, and nothing lost.
    expect(tab.locator(".tq-error-summary")).to_contain_text(
        "Commissariat de police de Pantin pilote cette fiche"
    )
    expect(tab.locator(f"#id_partenaires-{row}-role")).to_have_value("Co-anime les ateliers")
    check(tab, request, "sheet-form-refused")
    tab.locator(f"#id_partenaires-{row + 1}-organisation").select_option(index=0)
    tab.get_by_role("button", name="Enregistrer").click()
    expect(tab.locator(".alert-success")).to_contain_text("La fiche action a été enregistrée.")
    expect(tab.locator("main")).to_contain_text(
        "Protection judiciaire de la jeunesse — UEMO de Pantin (Co-anime les ateliers)"
    )

    tab.get_by_role("link", name="Modifier le budget").click()
    line = int(tab.locator("#id_budget-INITIAL_FORMS").input_value())
    tab.locator(f"#id_budget-{line}-year").fill("2027")
    tab.locator(f"#id_budget-{line}-funder").select_option("fipd")
    tab.locator(f"#id_budget-{line}-amount").fill("30000")
    tab.get_by_role("button", name="Enregistrer le budget").click()
    summary = tab.locator(".tq-error-summary")
    expect(summary).to_contain_text("En 2027, le FIPD paierait")
    expect(summary).to_contain_text("(100,0 %)")
    # The form comes back as it was typed.
    expect(tab.locator(f"#id_budget-{line}-amount")).to_have_value("30000")
    check(tab, request, "budget-refused")
    tab.locator(f"#id_budget-{line + 1}-year").fill("2027")
    tab.locator(f"#id_budget-{line + 1}-funder").select_option("city")
    tab.locator(f"#id_budget-{line + 1}-amount").fill("30000")
    tab.get_by_role("button", name="Enregistrer le budget").click()
    expect(tab.locator(".alert-success")).to_contain_text("Le budget a été enregistré.")
    year_2027 = tab.locator("main li", has_text="2027 :")
    expect(year_2027).to_contain_text("Règle de cofinancement du FIPD respectée")
    check(tab, request, "sheet-budget-saved")

    tab.locator("#id_title").fill("Convention jeunes–police 2027")
    tab.locator("#id_file").set_input_files(
        files=[{"name": "renamed.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}]
    )
    tab.get_by_role("button", name="Ajouter le document").click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("ne correspond pas à son nom")
    check(tab, request, "document-refused")
    tab.locator("#id_file").set_input_files(
        files=[{"name": "convention été.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    tab.get_by_role("button", name="Ajouter le document").click()
    expect(tab.locator(".alert-success")).to_contain_text("Le document a été ajouté.")
    assert tab.url.startswith(sheet_url)
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Convention jeunes–police 2027").click()
    assert download.value.suggested_filename == "convention_été.pdf"
    assert len(list((media / "strategy").rglob("*.pdf"))) == 1
    check(tab, request, "sheet-with-document")
