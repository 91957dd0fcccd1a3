"""The DPO answers a family's access request in the browser: finds the child by name and
birth date (with a reason), exports the PDF for the family; a search without a reason is
refused with a clear message. Each page is looked at (screenshot) and checked with axe-core."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.accounts.models import User
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups import services
from tranquillite.governance.models import Body

pytestmark = pytest.mark.browser


def test_the_dpo_exports_everything_held_about_a_child(demo, tab, request, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    born = date(today.year - 14, 3, 9)
    follow_up = services.open_follow_up(
        actor=User.objects.get(email="coordination@pantin.test"),
        body=Body.objects.get(territory=demo["pantin"], name="Groupe Mineurs"),
        kind="law_reminder",
        data={
            "opened_on": (today - timedelta(days=20)).isoformat(),
            "source": "school",
            "facts": "absenteeism",
            "facts_place": "Collège Jean-Lolive",
            "no_complaint": "on",
            "no_proceedings": "on",
        },
        new_person={
            "first_name": "Inès",
            "last_name": "Benali-Moreau",
            "birth_date": born,
            "sex": "female",
        },
    )
    sign_in(tab, "dpo@pantin.test")
    tab.get_by_role("link", name="Demandes d’accès", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Demandes d’accès")
    check(tab, request, "search")

    tab.locator("[name=last_name]").fill("benali moreau")
    tab.locator("[name=first_name]").fill("Ines")
    tab.locator("[name=birth_date]").fill(born.isoformat())
    tab.get_by_role("button", name="Rechercher").click()
    expect(tab.locator(".tq-error-summary")).to_contain_text("Motif")
    expect(tab.locator("[name=first_name]")).to_have_value("Ines")
    check(tab, request, "search-without-reason")

    tab.locator("[name=reason]").fill(
        "Demande d’accès reçue le 3 mars de la mère, identité vérifiée"
    )
    tab.get_by_role("button", name="Rechercher").click()
    row = tab.locator("main table tbody tr", has_text="Benali-Moreau")
    expect(row).to_contain_text(follow_up.case_number)
    assert "Benali" not in tab.url
    check(tab, request, "found")

    with tab.expect_download() as download:
        row.get_by_role("button", name="Exporter (PDF pour la famille)").click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF-")
    assert "Benali" not in download.value.suggested_filename
    exported = AccessLogEntry.objects.filter(action=AccessAction.EXPORT)
    assert exported.filter(object_id=str(follow_up.person.public_id)).exists()
    assert set(exported.values_list("reason", flat=True)) == {
        "Demande d’accès reçue le 3 mars de la mère, identité vérifiée"
    }
