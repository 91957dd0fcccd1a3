"""The strategy's reports in the browser: the committee pack and the workbook downloaded by the
deputy mayor, the public summary opened by anyone."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, SCREENSHOTS, check, sign_in

pytestmark = pytest.mark.browser


def pdf_pages_as_png(pdf: Path) -> None:
    """The pack's pages as PNG next to the screenshots, to be looked at."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", "-l", "4", str(pdf), str(pdf.with_suffix(""))],
            check=True,
        )


def test_the_deputy_mayor_downloads_the_pack_and_the_workbook(demo, tab, request):
    sign_in(tab, "elue@pantin.test")
    tab.get_by_role("link", name="Rapports", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Rapports")
    expect(tab.locator("main")).to_contain_text("Stratégie territoriale")
    check(tab, request, "reports")

    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Télécharger le classeur").click()
    download = download_info.value
    assert download.suggested_filename.startswith("strategie-pantin-")
    workbook = load_workbook(BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[:3] == ["Fiches", "Indicateurs", "Mesures"]
    assert workbook["Fiches"].max_row > 1

    # The 2000 contract: every open sheet is due by the end of 2040.
    tab.get_by_role("link", name="Contrat local de sécurité de Pantin").click()
    expect(tab.locator("main .lead")).to_have_text("Contrat local de sécurité de Pantin")
    tab.get_by_label("Fiches à revoir au").fill("2040-12-31")
    # A 40-page PDF: more time than a page gets (the browser tests share the machine).
    with tab.expect_download(timeout=30_000) as download_info:
        tab.get_by_role("button", name="Télécharger le dossier").click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename == "dossier-comite-20401231.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "reports-committee-pack.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdf_pages_as_png(pdf)


def test_an_anonymous_visitor_reads_the_public_summary(demo, new_tab, request):
    tab = new_tab()
    tab.goto("/public/pantin/strategie/")
    expect(tab.locator("main h1")).to_contain_text("Stratégie territoriale")
    expect(tab.locator("main")).to_contain_text("Où en est la stratégie")
    expect(tab.locator("main")).not_to_contain_text("Commentaire")
    check(tab, request, "public")

    phone = new_tab(PHONE)
    phone.goto("/public/pantin/strategie/")
    check(phone, request, "public-phone")

    response = tab.request.get("/public/pantin/strategie.json")
    assert response.ok
    assert response.json()["territory"]["name"] == "Pantin"

    missing = tab.goto("/public/nulle-part/strategie/")
    assert missing is not None and missing.status == 404
