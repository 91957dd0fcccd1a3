"""Every page of the shell, as the role that uses it: screenshot, then axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.e2e.browser import axe, check, sign_in
from tranquillite.accounts.models import Organisation, User
from tranquillite.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser

MUNICIPAL_POLICE = "Police municipale de Pantin"


def _in_pantin(tab) -> None:
    """The coordinator also works for Le Pré-Saint-Gervais: make sure she is in Pantin."""
    switcher = tab.locator("#tq-territory-switch")
    if switcher.locator("option:checked").inner_text() != "Pantin":
        switcher.select_option(label="Pantin")
        tab.locator("form[action='/territoire/changer/'] button[type=submit]").click()
        tab.wait_for_load_state()
    expect(switcher.locator("option:checked")).to_have_text("Pantin")


def _sidebar_links(tab) -> list[tuple[str, str]]:
    links = tab.locator("nav.tq-sidebar a.nav-link")
    return [(link.inner_text(), link.get_attribute("href") or "") for link in links.all()]


def test_the_sidebar_marks_the_current_page_only(demo, tab):
    sign_in(tab, "admin@pantin.test")
    targets = _sidebar_links(tab)
    assert {href for _label, href in targets} >= {
        "/",
        "/territoire/",
        "/organisations/",
        "/membres/",
        "/membres/inviter/",
        "/territoire/parametres/",
    }
    for label, href in targets:
        tab.goto(href)
        current = tab.locator("nav.tq-sidebar a[aria-current=page]")
        expect(current, f"on {href}").to_have_count(1)
        expect(current).to_have_text(label)


def test_coordinator_pages(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    _in_pantin(tab)
    tab.goto("/")
    check(tab, request, "home")

    # The sidebar lists the pages the role may open; each is reachable and accessible.
    for _label, href in _sidebar_links(tab):
        tab.goto(href)
        axe(tab)

    # Neighbourhoods: the map is drawn (Leaflet) and the same data is in the table.
    tab.goto("/territoire/")
    expect(tab.locator("#tq-map .leaflet-interactive").first).to_be_attached()
    expect(tab.locator("main table tbody tr")).to_have_count(9)
    assert tab.locator("#tq-map").bounding_box()["height"] >= 300
    check(tab, request, "territory")

    tab.goto("/organisations/")
    # Every organisation of the demo territory (the TIG posts' services included).
    organisations = Organisation.objects.filter(territory__slug="pantin").count()
    expect(tab.locator("main table tbody tr")).to_have_count(organisations)
    check(tab, request, "organisations")
    tab.locator("main table").get_by_role("link", name=MUNICIPAL_POLICE).click()
    expect(tab.locator("main h1")).to_have_text(MUNICIPAL_POLICE)
    check(tab, request, "organisation")

    tab.goto("/membres/")
    # Everyone active in the demo territory: the demo logins, the field agents of the
    # mediation and park teams, the community-service supervisors and probation officer.
    active = (
        User.objects.filter(
            memberships__territory__slug="pantin", memberships__is_active=True, is_active=True
        )
        .distinct()
        .count()
    )
    assert active >= 40
    expect(tab.locator("main table tbody tr")).to_have_count(active)
    check(tab, request, "members")
    tab.locator("#id_q").fill("ferhat")
    tab.locator("form[role=search] button[type=submit]").click()
    expect(tab).to_have_url(re.compile(r"/membres/\?q=ferhat"))
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    tab.locator("#id_q").fill("")
    tab.locator("#id_role").select_option("partner_member")
    tab.locator("#id_organisation").select_option(
        str(Organisation.objects.get(name="Commissariat de police de Pantin").public_id)
    )
    tab.locator("form[role=search] button[type=submit]").click()
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    expect(tab.locator("main table tbody")).to_contain_text("LEROY Thomas")
    check(tab, request, "members-filtered")

    tab.locator("main table").get_by_role("link", name="LEROY Thomas").click()
    expect(tab.locator("main h1")).to_have_text("Thomas Leroy")
    check(tab, request, "member")


def test_invite_a_colleague(demo, tab, request):
    sign_in(tab, "admin@pantin.test")
    tab.goto("/membres/")
    tab.locator("main a[href='/membres/inviter/']").click()
    expect(tab).to_have_url(re.compile(r"/membres/inviter/$"))
    check(tab, request, "form")

    # Sent empty, then with a malformed address: errors in French, tied to their fields.
    submit = tab.locator("main form button[type=submit]")
    submit.click()
    expect(tab.locator("#id_first_name")).to_have_attribute("aria-invalid", "true")
    expect(tab.locator("#id_first_name_error")).to_have_text("Ce champ est obligatoire.")
    described = tab.locator("#id_first_name").get_attribute("aria-describedby") or ""
    assert "id_first_name_error" in described.split()
    check(tab, request, "empty")

    tab.locator("#id_first_name").fill("Inès")
    tab.locator("#id_last_name").fill("Moreau")
    tab.locator("#id_email").fill("ines.moreau@")
    tab.locator("#id_organisation").select_option(label=MUNICIPAL_POLICE)
    tab.locator("#id_role").select_option("park_warden")
    submit.click()
    expect(tab.locator("#id_email_error")).to_have_text("Saisissez une adresse de courriel valide.")
    expect(tab.locator("#id_first_name")).to_have_value("Inès")
    check(tab, request, "invalid-email")

    tab.locator("#id_email").fill("ines.moreau@pantin.test")
    submit.click()
    expect(tab.locator("main h1")).to_have_text("Inès Moreau")
    expect(tab.locator("main .alert-success")).to_contain_text("ines.moreau@pantin.test")
    check(tab, request, "sent")


def test_data_protection_officer_pages(demo, tab, request):
    sign_in(tab, "dpo@pantin.test")
    # Reading a member's card is traced in the access log.
    tab.goto("/membres/")
    tab.locator("main table").get_by_role("link", name="DIALLO Moussa").click()
    expect(tab.locator("main h1")).to_have_text("Moussa Diallo")

    tab.goto("/audit/journal/")
    expect(tab.locator("main table tbody tr").first).to_be_visible()
    check(tab, request, "log")
    tab.locator("#id_action").select_option("record.read")
    tab.locator("form[role=search] button[type=submit]").click()
    expect(tab.locator("main table tbody tr")).to_have_count(1)
    check(tab, request, "log-filtered")

    tab.locator("main table tbody a").first.click()
    expect(tab).to_have_url(re.compile(r"/audit/journal/fiche/accounts\.user/"))
    accesses, changes = tab.locator("main table").nth(0), tab.locator("main table").nth(1)
    expect(accesses.locator("tbody tr")).to_have_count(1)
    expect(tab.get_by_role("heading", name="Modifications de cette fiche")).to_be_visible()
    expect(changes.locator("tbody tr").first).to_be_visible()
    expect(accesses.locator("tbody")).to_contain_text("dpo@pantin.test")
    check(tab, request, "who-saw")

    # Exporting needs a reason: refused without one.
    tab.goto("/audit/journal/")
    tab.locator("form[action='/audit/journal/export/'] button[type=submit]").click()
    expect(tab.locator("#id_reason")).to_have_attribute("aria-invalid", "true")
    check(tab, request, "export-refused")


def test_security_pages(demo, tab, request):
    sign_in(tab, "direction@pantin.test")
    tab.goto("/compte/2fa/")
    expect(tab.locator("main h1")).to_have_text("Authentification à deux facteurs")
    check(tab, request, "mfa-index")
    tab.goto("/compte/2fa/recovery-codes/")
    expect(tab.locator("main h1")).to_have_text("Confirmer l'accès")
    check(tab, request, "reauthenticate")
    tab.locator("input[name=password]").fill(DEMO_PASSWORD)
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("main h1")).to_have_text("Codes de récupération")
    check(tab, request, "recovery-codes")
    tab.goto("/compte/password/change/")
    expect(tab.locator("main h1")).to_have_text("Modifier le mot de passe")
    check(tab, request, "password-change")
    tab.locator("#id_oldpassword").fill("pas-le-bon")
    tab.locator("#id_password1").fill("Un-nouveau-mot-de-passe-2026")
    tab.locator("#id_password2").fill("Un-autre-mot-de-passe-2026")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("#id_oldpassword")).to_have_attribute("aria-invalid", "true")
    check(tab, request, "password-change-errors")


def test_error_pages(demo, tab, request):
    tab.goto("/cette-page-n-existe-pas/")
    expect(tab.locator("main h1")).to_be_visible()
    check(tab, request, "404-anonymous")

    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    expect(tab.locator("main h1")).to_have_text("Pantin")
    response = tab.goto("/audit/journal/")
    assert response is not None and response.status == 403
    check(tab, request, "403")
    response = tab.goto("/membres/")
    assert response is not None and response.status == 403
    response = tab.goto("/organisations/00000000-0000-0000-0000-000000000000/")
    assert response is not None and response.status == 404
    check(tab, request, "404")


def test_territory_management_pages(demo, tab, request):
    sign_in(tab, "coordination@pantin.test")
    _in_pantin(tab)

    tab.goto("/territoire/parametres/")
    expect(tab.locator("#id_name")).to_have_value("Pantin")
    check(tab, request, "settings")
    tab.locator("#id_name").fill("")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    # The error summary takes the focus and leads to the field.
    expect(tab.locator(".tq-error-summary")).to_be_focused()
    tab.locator(".tq-error-summary a[href='#id_name']").click()
    expect(tab.locator("#id_name")).to_be_focused()
    check(tab, request, "settings-errors")

    tab.goto("/territoire/")
    tab.locator("main a[href='/territoire/quartiers/nouveau/']").click()
    expect(tab).to_have_url(re.compile(r"/territoire/quartiers/nouveau/$"))
    check(tab, request, "neighbourhood-new")
    tab.locator("#id_name").fill("Quatre-Chemins")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("#id_name_error")).to_be_visible()
    check(tab, request, "neighbourhood-duplicate")
    tab.goto("/territoire/")
    tab.locator("main table a", has_text="Hoche").click()
    expect(tab.locator("#id_name")).to_have_value("Hoche")
    axe(tab)

    tab.goto("/organisations/")
    tab.locator("main a[href='/organisations/nouvelle/']").click()
    check(tab, request, "organisation-new")
    tab.locator("#id_name").fill("Maison de la justice et du droit")
    tab.locator("#id_kind").select_option(index=1)
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("main h1")).to_have_text("Maison de la justice et du droit")
    expect(tab.locator("main .alert-success")).to_be_visible()
    tab.locator("main a[href$='/modifier/']").click()
    expect(tab.locator("#id_name")).to_have_value("Maison de la justice et du droit")
    check(tab, request, "organisation-edit")


def test_server_error_page(demo, tab, request):
    # Django renders 500.html on its own when a view fails: served here as such, on the
    # live server's origin so that its policy and its static files apply.
    body = render_to_string("500.html")
    policy = tab.request.get("/compte/login/").headers["content-security-policy"]
    tab.route(
        re.compile(r"/__e2e__/500/$"),
        lambda route: route.fulfill(
            status=500,
            body=body,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
        ),
    )
    tab.goto("/__e2e__/500/")
    expect(tab.locator("main h1")).to_have_text("Une erreur est survenue")
    check(tab, request, "500")
