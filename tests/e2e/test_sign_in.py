"""Signing in and out through the real forms: password, then the second factor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import axe, check, shot, sign_in, totp_code
from tests.factories import PASSWORD, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_with_password_then_totp(demo, tab, request):
    tab.goto("/compte/login/")
    expect(tab.locator("html")).to_have_attribute("lang", "fr")
    expect(tab.locator("h1")).to_have_text("Connexion")
    check(tab, request, "login")

    tab.get_by_label("Courriel").fill("coordination@pantin.test")
    tab.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    tab.locator("main form button[type=submit]").click()

    tab.wait_for_url("**/compte/2fa/authenticate/")
    expect(tab.locator("h1")).to_have_text("Authentification à deux facteurs")
    check(tab, request, "totp-step")
    tab.locator("input[name=code]").fill(totp_code())
    tab.locator("main form button[type=submit]").first.click()

    tab.wait_for_url(re.compile(r"/$"))
    expect(tab.locator(".alert-success")).to_contain_text("Connexion avec Nadia Ferhat réussie")
    # The coordinator works for two territories: Pantin is one she may switch to, and the
    # page shows the one she is in.
    switcher = tab.locator("#tq-territory-switch")
    expect(switcher.locator("option")).to_have_text(["Le Pré-Saint-Gervais", "Pantin"])
    current = switcher.locator("option:checked").inner_text()
    expect(tab.locator("main h1")).to_have_text(current)
    expect(tab).to_have_title(re.compile(f"Tranquillité · {current}$"))
    check(tab, request, "home")


def test_a_wrong_password_is_refused_in_french(demo, tab, request):
    tab.goto("/compte/login/")
    tab.get_by_label("Courriel").fill("coordination@pantin.test")
    tab.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("main .alert-danger")).to_contain_text(
        "L’adresse e-mail ou le mot de passe sont incorrects."
    )
    check(tab, request, "login-error")


def test_a_wrong_totp_code_is_refused(demo, tab, request):
    tab.goto("/compte/login/")
    tab.get_by_label("Courriel").fill("direction@pantin.test")
    tab.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url("**/compte/2fa/authenticate/")
    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    tab.locator("input[name=code]").fill(wrong)
    tab.locator("main form button[type=submit]").first.click()
    expect(tab.locator("main")).to_contain_text("Code incorrect.")
    expect(tab.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")
    check(tab, request, "totp-error")


def test_a_role_requiring_mfa_must_enrol_before_anything_else(demo, tab, request):
    organisation = OrganisationFactory(territory=demo["pantin"], name="Police municipale (test)")
    user = member(demo["pantin"], Role.PARTNER_MEMBER, organisation=organisation, with_mfa=False)
    sign_in(tab, user.email, PASSWORD, totp_secret=None)

    tab.wait_for_url("**/compte/2fa/totp/activate/")
    expect(tab.locator("main .alert-warning")).to_be_visible()
    expect(tab.locator("h1")).to_have_text("Activer l'application d'authentification")
    check(tab, request, "activate-totp")
    # Anything else sends the user back here.
    tab.goto("/membres/")
    tab.wait_for_url("**/compte/2fa/totp/activate/")

    secret = tab.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    tab.locator("input[name=code]").fill(f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("main")).to_contain_text("Code incorrect.")
    axe(tab)
    tab.locator("input[name=code]").fill(totp_code(secret))
    tab.locator("main form button[type=submit]").click()
    # The second factor is on: seeing the recovery codes asks for the password once more.
    tab.wait_for_url("**/compte/reauthenticate/**")
    expect(tab.locator(".tq-messages")).to_contain_text("Application d'authentification activée.")
    check(tab, request, "reauthenticate")
    tab.locator("input[name=password]").fill(PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url("**/compte/2fa/recovery-codes/")
    expect(tab.locator("main h1")).to_have_text("Codes de récupération")
    check(tab, request, "recovery-codes")
    tab.goto("/")
    expect(tab.locator("main h1")).to_have_text("Pantin")
    shot(tab, request, "home")


def test_sign_out_from_the_header(demo, tab, request):
    sign_in(tab, "elue@pantin.test")
    tab.locator("header form[action='/compte/logout/'] button").click()
    tab.wait_for_url("**/compte/login/")
    expect(tab.locator(".alert")).to_contain_text("Vous êtes déconnecté(e).")
    check(tab, request, "signed-out")
    tab.goto("/membres/")
    tab.wait_for_url(re.compile(r"/compte/login/\?next=/membres/$"))


def test_sign_out_confirmation_page(demo, tab, request):
    sign_in(tab, "police@pantin.test")
    tab.goto("/compte/logout/")
    expect(tab.locator("main")).to_contain_text("Êtes-vous sûr(e) de vouloir vous déconnecter ?")
    check(tab, request, "confirm")
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url("**/compte/login/")
