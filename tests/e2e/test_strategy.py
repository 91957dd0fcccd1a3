"""The strategy in the browser: the overview by area with its filters, an action sheet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser


def test_the_deputy_mayor_sees_where_the_strategy_stands(demo, tab, request):
    sign_in(tab, "elue@pantin.test")
    tab.get_by_role("link", name="Fiches action").click()
    expect(tab.locator("main h1")).to_contain_text("Stratégie territoriale")
    check(tab, request, "overview")

    tab.get_by_role("link", name="Contrat local de sécurité de Pantin").click()
    expect(tab.locator("main")).to_contain_text("45 fiches action affichées.")
    expect(tab.locator("main")).to_contain_text("Axe 1. Éducation et citoyenneté")
    check(tab, request, "contract")
    tab.get_by_label("Statut").select_option("late")
    tab.get_by_role("button", name="Filtrer").click()
    expect(tab.locator("main")).not_to_contain_text("45 fiches action affichées.")
    check(tab, request, "contract-late")

    tab.goto("/strategie/")
    tab.get_by_role("link", name="Projet jeunes–police : quatre ateliers par an").click()
    expect(tab.locator("main")).to_contain_text("Règle de cofinancement du FIPD respectée")
    check(tab, request, "sheet")
