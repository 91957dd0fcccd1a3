"""The coordinator's work lists and the follow-up statistics in the browser: looked at
(screenshots) and checked with axe-core. The demo has no follow-ups: the test opens a few
through the services, and writes a year of anonymous shadows by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.accounts.models import User
from tranquillite.followups import services
from tranquillite.followups.models import CaseStatistic, Deadline, FollowUp
from tranquillite.governance.models import Body

pytestmark = pytest.mark.browser

PLANTED = "Xylophage-Planté"


def _files(coordinator: User, police: User) -> list[FollowUp]:
    body = Body.objects.get(name="Groupe Mineurs")
    today = timezone.localdate()
    files = []
    for index, (first_name, last_name) in enumerate(
        [("Quentin", PLANTED), ("Inès", "Témoin-Planté"), ("Malik", "Témoin-Planté")]
    ):
        files.append(
            services.open_follow_up(
                actor=coordinator,
                body=body,
                kind="law_reminder",
                data={
                    "opened_on": (today - timedelta(days=40 + index)).isoformat(),
                    "source": "school",
                    "facts": "absenteeism",
                    "no_complaint": "on",
                    "no_proceedings": "on",
                },
                new_person={
                    "first_name": first_name,
                    "last_name": last_name,
                    "birth_date": date(today.year - 13, 5, 1),
                    "sex": "female" if index == 1 else "male",
                },
            )
        )
    plan = [
        (files[0], "hearing", -2, coordinator),
        (files[0], "review_3_months", 2, coordinator),
        (files[1], "prosecutor_answer", 5, police),
        (files[1], "support_end", 12, police),
        (files[2], "review_6_months", 25, coordinator),
    ]
    for follow_up, kind, days, owner in plan:
        Deadline.objects.create(
            territory=follow_up.territory,
            follow_up=follow_up,
            kind=kind,
            due_on=today + timedelta(days=days),
            owner=owner,
        )
    # An archived file the purge destroys in ten days.
    FollowUp.objects.filter(pk=files[2].pk).update(
        state="closed",
        closed_on=today - timedelta(days=1085),
        destroy_on=today + timedelta(days=10),
    )
    return files


def _shadows(territory, year: int) -> None:
    rows = []
    for count, fields in [
        (14, {"source": "school", "summoned": True, "heard": True, "parents_present": True}),
        (7, {"source": "national_police", "summoned": True, "no_show": True, "sex": "female"}),
        (3, {"source": "social_landlord", "facts": "noise", "age_band": "16_17"}),
    ]:
        for _ in range(count):
            values = {"facts": "absenteeism", "age_band": "13_15", "sex": "male", **fields}
            rows.append(
                CaseStatistic(
                    territory=territory,
                    kind="law_reminder",
                    year=year,
                    referred_on=date(year, 4, 2),
                    **values,
                )
            )
    CaseStatistic.objects.bulk_create(rows)


def test_the_coordinators_work_lists_and_the_statistics(demo, tab, request):
    coordinator = User.objects.get(email="coordination@pantin.test")
    police = User.objects.get(email="police@pantin.test")
    files = _files(coordinator, police)
    # A past year the demo has no file in: its figures are exactly these.
    _shadows(files[0].territory, 2019)

    sign_in(tab, "coordination@pantin.test")
    tab.get_by_role("link", name="Mon travail", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Mon travail")
    main = tab.locator("main")
    expect(main).to_contain_text(files[0].case_number)
    expect(main).to_contain_text("en retard")
    expect(main).not_to_contain_text(files[1].case_number)  # the police officer's
    expect(main).not_to_contain_text(PLANTED)
    check(tab, request, "my-work")

    tab.get_by_role("link", name="Le travail de l’équipe").click()
    expect(tab.locator("main h1")).to_have_text("Le travail de l’équipe")
    expect(main).to_contain_text(files[1].case_number)
    expect(main).to_contain_text(police.get_full_name())
    expect(main).to_contain_text("Archives à détruire")
    expect(main).to_contain_text(files[2].case_number)
    expect(main).not_to_contain_text(PLANTED)
    check(tab, request, "team-work")
    tab.get_by_label("Référent").select_option(label=police.get_full_name())
    tab.get_by_role("button", name="Filtrer").click()
    expect(main).not_to_contain_text(files[0].case_number)
    check(tab, request, "team-work-filtered")

    tab.get_by_role("link", name="Statistiques des suivis", exact=True).click()
    expect(tab.locator("main h1")).to_have_text("Statistiques des suivis")
    expect(main).to_contain_text("Chiffres clés")
    expect(main).not_to_contain_text(PLANTED)
    check(tab, request, "statistics-this-year")
    tab.get_by_label("Année du signalement").select_option("2019")
    tab.get_by_role("button", name="Afficher", exact=True).click()
    sources = tab.locator("#table-source")
    expect(sources).to_contain_text("Signalements par origine")
    expect(sources.locator("tr", has_text="Bailleur social")).to_contain_text("< 5")
    expect(sources.locator("tr", has_text="Police nationale")).to_contain_text("×")
    expect(sources.locator("tfoot")).to_contain_text("24")
    expect(main).not_to_contain_text(PLANTED)
    check(tab, request, "statistics-2019")

    # The export states its reason; without one it is refused and nothing leaves.
    tab.get_by_role("button", name="Exporter en CSV").click()
    expect(tab.locator(".tq-error-summary")).to_be_visible()
    check(tab, request, "statistics-export-refused")
    tab.get_by_label("Motif de l'export").fill("Bilan annuel du CLSPD")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Exporter en CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "Bailleur social;< 5" in text and PLANTED not in text
