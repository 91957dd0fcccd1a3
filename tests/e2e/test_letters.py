"""The coordinator reads the outgoing-mail register and exports it with a reason; an export
without a reason is refused with a clear message. Each page is looked at and checked with
axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, check, sign_in
from tranquillite.accounts.models import User
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.letters.models import OutgoingMail
from tranquillite.letters.services import register_mail

pytestmark = pytest.mark.browser


def test_the_coordinator_reads_and_exports_the_mail_register(demo, new_tab, request):
    coordinator = User.objects.get(email="coordination@pantin.test")
    for role in ("Personne convoquée", "Représentant légal (mère)"):
        register_mail(
            actor=coordinator,
            territory=demo["pantin"],
            sent_on=timezone.localdate(),
            subject="Convocation — rappel à l’ordre",
            reference="RAO-2026-0012",
            addressee=role,
        )
    tab = new_tab()
    sign_in(tab, "coordination@pantin.test")
    tab.get_by_role("link", name="Courrier départ", exact=True).click()
    year = timezone.localdate().year
    # The demo's own letters are in the register too: ours are the last two numbers.
    count = OutgoingMail.objects.filter(territory=demo["pantin"], year=year).count()
    expect(tab.locator("main h1")).to_have_text(f"Registre du courrier départ {year}")
    expect(tab.locator("main table tbody tr")).to_have_count(min(count, 100))
    expect(tab.locator("main table")).to_contain_text(f"{year}-{count:05d}")
    check(tab, request, "register")

    tab.get_by_role("button", name="Exporter en CSV").click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("Motif")
    check(tab, request, "export-without-reason")

    tab.get_by_label("Motif de l'export").fill("Contrôle annuel du registre")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Exporter en CSV").click()
    assert download.value.suggested_filename == f"courrier-depart-pantin-{year}.csv"
    assert AccessLogEntry.objects.get(action=AccessAction.EXPORT).reason == (
        "Contrôle annuel du registre"
    )

    tab.set_viewport_size(PHONE)
    tab.goto("/courrier/")
    expect(tab.locator("main h1")).to_have_text(f"Registre du courrier départ {year}")
    check(tab, request, "register-phone")


def test_a_partner_does_not_see_the_register(demo, tab):
    sign_in(tab, "police@pantin.test")
    expect(tab.get_by_role("link", name="Courrier départ", exact=True)).to_have_count(0)
    assert tab.goto("/courrier/").status == 403
