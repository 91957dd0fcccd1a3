"""Keyboard use and the phone layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, check, shot, sign_in, totp_code

pytestmark = pytest.mark.browser


def _focused(tab) -> dict[str, str]:
    return tab.evaluate(
        """() => ({
            tag: document.activeElement.tagName.toLowerCase(),
            id: document.activeElement.id,
            classes: document.activeElement.className,
        })"""
    )


def test_the_skip_link_is_the_first_tab_stop_and_focuses_main(demo, tab, request):
    sign_in(tab, "principale@pantin.test")
    tab.goto("/organisations/")
    skip = tab.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()
    tab.keyboard.press("Tab")
    assert "skip-link" in _focused(tab)["classes"]
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_attribute("href", "#contenu")
    shot(tab, request, "skip-link")
    tab.keyboard.press("Enter")
    assert _focused(tab) == {"tag": "main", "id": "contenu", "classes": _focused(tab)["classes"]}
    # The next tab stop is inside the main content, not back in the header.
    tab.keyboard.press("Tab")
    assert tab.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_keyboard_only_sign_in(demo, tab):
    tab.goto("/compte/login/")
    tab.keyboard.press("Tab")  # skip link
    tab.keyboard.press("Tab")  # brand
    tab.keyboard.press("Tab")
    assert _focused(tab)["id"] == "id_login"
    tab.keyboard.type("bailleur@pantin.test")
    tab.keyboard.press("Tab")
    tab.keyboard.type("Tranquillite-Demo-2026!")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/compte/2fa/authenticate/")
    for _stop in range(3):  # skip link, brand, then the code
        tab.keyboard.press("Tab")
    assert _focused(tab)["id"] == "id_code"
    tab.keyboard.type(totp_code())
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/$"))
    expect(tab.locator("main h1")).to_have_text("Pantin")


def test_phone_layout(demo, new_tab, request):
    tab = new_tab(viewport=PHONE)
    sign_in(tab, "coordination@pantin.test")
    menu = tab.locator("#tq-menus")
    toggler = tab.locator("button.navbar-toggler")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # Nothing is wider than the screen.
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check(tab, request, "home")

    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(tab.locator("#tq-territory-switch")).to_be_visible()
    check(tab, request, "menu-open")
    toggler.click()
    expect(menu).to_be_hidden()

    # The main navigation folds behind its own button: the page's content comes first.
    links = tab.locator("#tq-sidebar-links")
    expect(links).to_be_hidden()
    main_top = tab.locator("main h1").bounding_box()
    assert main_top is not None and main_top["y"] < PHONE["height"] / 2
    navigation = tab.get_by_role("button", name="Navigation")
    navigation.click()
    expect(links).to_be_visible()
    expect(navigation).to_have_attribute("aria-expanded", "true")
    check(tab, request, "navigation-open")

    tab.goto("/membres/")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check(tab, request, "members")
    tab.goto("/territoire/")
    check(tab, request, "territory")
    tab.goto("/compte/2fa/")
    check(tab, request, "mfa-index")


def test_phone_sign_in_page(demo, new_tab, request):
    tab = new_tab(viewport=PHONE)
    tab.goto("/compte/login/")
    check(tab, request, "login")
