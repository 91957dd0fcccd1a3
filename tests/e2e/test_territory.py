"""A coordinator who works for two councils switches between them from the header."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.accounts.models import Organisation
from tranquillite.demo.data import PANTIN_ORGANISATIONS, SECOND_ORGANISATIONS

pytestmark = pytest.mark.browser

ORGANISATIONS = {
    "Pantin": sorted(name for name, _kind in PANTIN_ORGANISATIONS),
    "Le Pré-Saint-Gervais": sorted(name for name, _kind in SECOND_ORGANISATIONS),
}
COUNCILS = {"Pantin": "CLSPD de Pantin", "Le Pré-Saint-Gervais": "CLSPD du Pré-Saint-Gervais"}


def _switch_to(tab, name: str) -> None:
    tab.locator("#tq-territory-switch").select_option(label=name)
    tab.locator("form[action='/territoire/changer/'] button[type=submit]").click()
    tab.wait_for_load_state()


def _organisation_names(tab) -> list[str]:
    return tab.locator("main table tbody th[scope=row]").all_inner_texts()


def test_switch_territory_from_the_header(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    switcher = tab.locator("#tq-territory-switch")
    start = switcher.locator("option:checked").inner_text()
    other = "Pantin" if start != "Pantin" else "Le Pré-Saint-Gervais"

    for name in (other, start):
        # Switching from the organisation list stays on that page, now for the other city.
        tab.goto("/organisations/")
        _switch_to(tab, name)
        expect(tab).to_have_url(re.compile(r"/organisations/$"))
        expect(switcher.locator("option:checked")).to_have_text(name)
        names = _organisation_names(tab)
        # Exactly that city's organisations: the demo's list, plus the services the
        # community-service posts belong to; never one of the other city.
        expected = sorted(
            Organisation.objects.filter(territory__name=name).values_list("name", flat=True)
        )
        assert set(ORGANISATIONS[name]) <= set(expected)
        assert sorted(names) == expected
        expect(tab.locator("header .navbar-brand")).to_contain_text(COUNCILS[name])
        check(tab, request, f"organisations-{name[:6]}")

        tab.goto("/")
        expect(tab.locator("main h1")).to_have_text(name)
        check(tab, request, f"home-{name[:6]}")


def test_the_theme_follows_the_territory(demo, tab):
    sign_in(tab, "coordination@pantin.test")
    colours = {}
    for name in ("Pantin", "Le Pré-Saint-Gervais"):
        _switch_to(tab, name)
        colours[name] = tab.evaluate(
            "() => getComputedStyle(document.querySelector('.tq-navbar')).backgroundColor"
        )
    assert colours == {"Pantin": "rgb(0, 85, 127)", "Le Pré-Saint-Gervais": "rgb(107, 45, 92)"}
