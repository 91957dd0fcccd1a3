"""The director's side of the field, in a real browser with axe-core: the field figures,
a new API token shown once, the teams page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in

pytestmark = pytest.mark.browser


def test_the_director_reads_the_figures_creates_a_token_and_sees_the_teams(demo, new_tab, request):
    tab = new_tab()
    sign_in(tab, "direction@pantin.test")
    tab.get_by_role("link", name="Chiffres du terrain").click()
    expect(tab.locator("main h1")).to_have_text("Chiffres du terrain")
    expect(tab.locator("#table-teams tbody tr").first).to_be_visible()
    check(tab, request, "figures")

    tab.get_by_role("link", name="Jetons d’API").click()
    tab.get_by_label("Nom").fill("Application du bailleur")
    tab.get_by_role("button", name="Créer le jeton").click()
    secret = tab.locator("#new-token").input_value()
    assert secret.startswith("tq_")
    check(tab, request, "token-created")
    tab.goto("/api/jetons/")
    expect(tab.locator("#new-token")).to_have_count(0)
    expect(tab.locator("main")).to_contain_text("Application du bailleur")

    tab.get_by_role("link", name="Équipes de terrain").click()
    expect(tab.locator("main table")).to_contain_text("Médiation sociale")
    check(tab, request, "teams")
