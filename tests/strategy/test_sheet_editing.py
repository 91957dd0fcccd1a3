"""Writing an action sheet: its fields, partners with their roles, and its budget under the
FIPD co-funding rule. Rights: the strategy's managers write, everyone of the territory reads."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    IndicatorFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    StrategyFactory,
    member,
)
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, Meeting
from tranquillite.strategy import sheets
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    BudgetLine,
    Evaluation,
    Measurement,
    SheetDocument,
    SheetPartner,
    SheetStatus,
)


@pytest.fixture
def plan(territory):
    strategy = StrategyFactory(territory=territory, title="STSPD 2024–2027")
    axis = AxisFactory(strategy=strategy, number=1, title="Jeunesse")
    other_axis = AxisFactory(strategy=strategy, number=2, title="Tranquillité publique")
    police = OrganisationFactory(territory=territory, name="Commissariat de Pantin")
    city = OrganisationFactory(territory=territory, name="Ville — médiation")
    school = OrganisationFactory(territory=territory, name="Collège Jean-Lolive")
    place = NeighbourhoodFactory(territory=territory, name="Quatre-Chemins")
    sheet = ActionSheetFactory(axis=axis, number="1.1", title="Projet jeunes–police", lead=police)
    SheetPartner.objects.create(territory=territory, sheet=sheet, organisation=city, role="Accueil")
    return {
        "strategy": strategy,
        "axis": axis,
        "other_axis": other_axis,
        "police": police,
        "city": city,
        "school": school,
        "place": place,
        "sheet": sheet,
    }


def sheet_post(plan, **changes):
    data = {
        "axis": plan["axis"].pk,
        "number": "1.2",
        "title": "Interventions en classe sur le cyberharcèlement",
        "status": SheetStatus.PLANNED,
        "lead": plan["police"].public_id,
        "neighbourhoods": [plan["place"].pk],
        "target_public": "Collégiens de 4e et 3e",
        "finding": "Hausse des signalements de cyberharcèlement.",
        "objectives": "Sensibiliser chaque classe de 4e.",
        "calendar": "Septembre : recensement des demandes.",
        "next_review_on": "2026-12-01",
        "partenaires-TOTAL_FORMS": "2",
        "partenaires-INITIAL_FORMS": "0",
        "partenaires-MIN_NUM_FORMS": "0",
        "partenaires-MAX_NUM_FORMS": "50",
        "partenaires-0-organisation": plan["school"].public_id,
        "partenaires-0-role": "Recense les demandes des classes",
        "partenaires-1-organisation": plan["city"].public_id,
        "partenaires-1-role": "Prête une salle",
    }
    data.update(changes)
    return data


def test_the_coordinator_creates_a_sheet_in_an_area_with_partners_and_roles(
    plan, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("strategy:sheet_create")
    form_page = client.get(url, {"axe": 2, "strategie": plan["strategy"].public_id})
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["axis"] == plan["other_axis"]
    assert "Aucun nom de personne" in form_page.content.decode()

    response = client.post(f"{url}?strategie={plan['strategy'].public_id}", sheet_post(plan))
    created = ActionSheet.objects.get(number="1.2")
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:sheet", args=[created.public_id])
    assert (created.axis, created.lead, created.territory) == (
        plan["axis"],
        plan["police"],
        plan["sheet"].territory,
    )
    assert list(created.neighbourhoods.all()) == [plan["place"]]
    assert {(p.organisation.name, p.role) for p in created.partner_links.all()} == {
        ("Collège Jean-Lolive", "Recense les demandes des classes"),
        ("Ville — médiation", "Prête une salle"),
    }
    page = client.get(response["Location"]).content.decode()
    assert "Collège Jean-Lolive (Recense les demandes des classes)" in page


def test_editing_changes_a_role_drops_a_partner_and_the_history_says_so(
    plan, coordinator, client_for
):
    sheet = plan["sheet"]
    kept = SheetPartner.objects.get(sheet=sheet)
    client = client_for(coordinator)
    url = reverse("strategy:sheet_edit", args=[sheet.public_id])
    page = client.get(url)
    # The saved lead and partner show as chosen (the choices are keyed by public_id).
    assert f'<option value="{plan["police"].public_id}" selected>' in page.content.decode()
    assert f'<option value="{plan["city"].public_id}" selected>' in page.content.decode()
    assert page.context["formset"].initial == [
        {
            "organisation": plan["city"].public_id,
            "organisation_id": plan["city"].pk,
            "role": "Accueil",
        }
    ]
    data = sheet_post(
        plan,
        number="1.1",
        title="Projet jeunes–police : quatre ateliers par an",
        **{
            "partenaires-TOTAL_FORMS": "3",
            "partenaires-INITIAL_FORMS": "1",
            "partenaires-0-organisation": plan["city"].public_id,
            "partenaires-0-role": "Accueil et goûter",
            "partenaires-1-organisation": plan["school"].public_id,
            "partenaires-1-role": "Mobilise les élèves",
            "partenaires-1-DELETE": "on",
            "partenaires-2-organisation": "",
            "partenaires-2-role": "",
        },
    )
    assert client.post(url, data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.title == "Projet jeunes–police : quatre ateliers par an"
    links = list(sheet.partner_links.all())
    assert [(link.pk, link.role) for link in links] == [(kept.pk, "Accueil et goûter")]
    change = LogEntry.objects.get_for_object(kept).filter(action=LogEntry.Action.UPDATE).get()
    assert change.changes_dict["role"] == ["Accueil", "Accueil et goûter"]
    assert change.actor == coordinator


def test_a_partner_listed_twice_or_the_lead_as_a_partner_is_refused(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("strategy:sheet_edit", args=[plan["sheet"].public_id])
    twice = client.post(
        url,
        sheet_post(plan, number="1.1", **{"partenaires-1-organisation": plan["school"].public_id}),
    )
    assert twice.status_code == 400
    assert "Collège Jean-Lolive figure deux fois parmi les partenaires." in twice.content.decode()
    lead = client.post(
        url,
        sheet_post(plan, number="1.1", **{"partenaires-1-organisation": plan["police"].public_id}),
    )
    assert lead.status_code == 400
    assert "Commissariat de Pantin pilote cette fiche" in lead.content.decode()
    assert [link.organisation for link in plan["sheet"].partner_links.all()] == [plan["city"]]
    # The service refuses the same, whoever calls it.
    with pytest.raises(ValidationError, match="deux fois"):
        sheets.save_sheet(
            actor=coordinator,
            sheet=plan["sheet"],
            data=sheets.SheetData(axis=plan["axis"], number="1.1", title="T", lead=plan["police"]),
            partners=[sheets.PartnerData(plan["city"]), sheets.PartnerData(plan["city"], "x")],
        )


def test_a_number_is_unique_in_its_area_only(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = f"{reverse('strategy:sheet_create')}?strategie={plan['strategy'].public_id}"
    clash = client.post(url, sheet_post(plan, number="1.1"))
    assert clash.status_code == 400
    assert clash.context["form"].errors["number"] == ["L’axe 1 a déjà une fiche numérotée 1.1."]
    assert ActionSheet.objects.count() == 1
    elsewhere = client.post(url, sheet_post(plan, number="1.1", axis=plan["other_axis"].pk))
    assert elsewhere.status_code == 302
    assert ActionSheet.objects.filter(number="1.1").count() == 2
    with pytest.raises(ValidationError) as refused:
        sheets.save_sheet(
            actor=coordinator,
            data=sheets.SheetData(
                axis=plan["axis"], number=" 1.1 ", title="Doublon", lead=plan["police"]
            ),
            partners=[],
        )
    assert "number" in refused.value.error_dict


def test_an_organisation_of_another_territory_cannot_be_a_lead_or_partner(
    plan, coordinator, other_territory
):
    foreign = OrganisationFactory(territory=other_territory)
    with pytest.raises(ValidationError):
        sheets.save_sheet(
            actor=coordinator,
            data=sheets.SheetData(axis=plan["axis"], number="1.9", title="T", lead=plan["police"]),
            partners=[sheets.PartnerData(foreign, "rôle")],
        )
    assert not ActionSheet.objects.filter(number="1.9").exists()


def budget_post(*lines, initial=0):
    data = {
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": str(initial),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "100",
    }
    for index, (year, funder, amount) in enumerate(lines):
        data |= {
            f"budget-{index}-year": str(year),
            f"budget-{index}-funder": funder,
            f"budget-{index}-amount": str(amount),
        }
    return data


def test_the_fipd_may_not_pay_more_than_half_and_the_form_comes_back_filled(
    plan, coordinator, client_for
):
    sheet = plan["sheet"]
    city = BudgetLine.objects.create(
        territory=sheet.territory, sheet=sheet, year=2026, funder="city", amount=Decimal(5000)
    )
    client = client_for(coordinator)
    url = reverse("strategy:sheet_budget", args=[sheet.public_id])
    refused = client.post(
        url, budget_post((2026, "city", 4000), (2026, "fipd", 6000), (2025, "fipd", 0), initial=1)
    )
    assert refused.status_code == 400
    page = refused.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert "En 2026, le FIPD paierait 6 000,00 € sur 10 000,00 € (60,0 %)" in page
    assert "au moins 2 000,00 € de plus" in page
    assert 'value="6000"' in page and 'value="4000"' in page
    assert [(x.pk, x.year, x.funder, x.amount) for x in sheet.budget_lines.all()] == [
        (city.pk, 2026, "city", Decimal(5000))
    ]

    saved = client.post(
        url, budget_post((2026, "city", 6000), (2026, "fipd", 6000), (2027, "caf", 1500), initial=1)
    )
    assert saved.status_code == 302
    lines = {(x.year, x.funder): x for x in BudgetLine.objects.filter(sheet=sheet)}
    assert {key: line.amount for key, line in lines.items()} == {
        (2026, "city"): 6000,
        (2026, "fipd"): 6000,
        (2027, "caf"): 1500,
    }
    # The city's line was updated in place: its history shows the amount's change.
    assert lines[2026, "city"].pk == city.pk
    sheet_page = client.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert "Règle de cofinancement du FIPD respectée" in sheet_page


def test_a_budget_line_needs_its_three_fields_and_a_positive_amount(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("strategy:sheet_budget", args=[plan["sheet"].public_id])
    half = client.post(url, budget_post((2026, "", 100)))
    negative = client.post(url, budget_post((2026, "city", -5)))
    twice = client.post(url, budget_post((2026, "city", 5), (2026, "city", 7)))
    assert (half.status_code, negative.status_code, twice.status_code) == (400, 400, 400)
    assert "Ville apparaît deux fois en 2026" in twice.content.decode()
    assert not BudgetLine.objects.exists()
    with pytest.raises(ValidationError):
        sheets.save_budget(
            actor=coordinator,
            sheet=plan["sheet"],
            lines=[sheets.LineData(2026, "fipd", Decimal(1))],
        )


def test_the_elected_official_reads_but_cannot_write(plan, territory, client_for):
    official = member(territory, Role.ELECTED_OFFICIAL)
    client = client_for(official)
    sheet = plan["sheet"]
    page = client.get(reverse("strategy:sheet", args=[sheet.public_id]))
    assert page.status_code == 200
    assert reverse("strategy:sheet_edit", args=[sheet.public_id]) not in page.content.decode()
    assert page.context["can_manage"] is False
    for url in (
        reverse("strategy:sheet_edit", args=[sheet.public_id]),
        reverse("strategy:sheet_budget", args=[sheet.public_id]),
        reverse("strategy:sheet_create") + f"?strategie={plan['strategy'].public_id}",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, sheet_post(plan)).status_code == 403
    with pytest.raises(PermissionDenied):
        sheets.save_budget(actor=official, sheet=sheet, lines=[])
    assert sheet.partner_links.count() == 1


def test_another_territorys_coordinator_finds_nothing(plan, other_territory, client_for):
    client = client_for(member(other_territory, Role.COORDINATOR))
    sheet = plan["sheet"]
    for url in (
        reverse("strategy:sheet_edit", args=[sheet.public_id]),
        reverse("strategy:sheet_budget", args=[sheet.public_id]),
        reverse("strategy:sheet_create") + f"?strategie={plan['strategy'].public_id}",
        reverse("strategy:sheet_create") + "?strategie=pas-un-uuid",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("strategy:sheet_edit", args=[sheet.public_id]), sheet_post(plan)
        ).status_code
        == 404
    )
    assert ActionSheet.objects.get().title == "Projet jeunes–police"


def test_the_sheet_page_costs_the_same_queries_whatever_it_holds(
    plan, territory, coordinator, client_for
):
    client = client_for(coordinator)
    sheet = plan["sheet"]
    url = reverse("strategy:sheet", args=[sheet.public_id])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(8):
        SheetPartner.objects.create(
            territory=territory, sheet=sheet, organisation=OrganisationFactory(territory=territory)
        )
        BudgetLine.objects.create(
            territory=territory, sheet=sheet, year=2020 + n, funder="city", amount=Decimal(n)
        )
        sheet.neighbourhoods.add(NeighbourhoodFactory(territory=territory))
    assert count() == few


def fill_sheet(sheet, territory, coordinator, n):
    """Every part of the sheet page: `n` of each (indicators with five years of monthly
    values, activities this year, evaluations in meetings, documents, budget lines,
    partners, neighbourhoods)."""
    committee = Body.objects.create(
        territory=territory, name=f"Comité {n}", kind=BodyKind.MONITORING_COMMITTEE
    )
    this_year = timezone.localdate().year
    for i in range(n):
        indicator = IndicatorFactory(sheet=sheet, name=f"Indicateur {n}-{i}", baseline=1, target=9)
        Measurement.objects.bulk_create(
            Measurement(
                territory=territory,
                indicator=indicator,
                measured_on=date(2020 + month // 12, month % 12 + 1, 28),
                value=Decimal(month) / 4,
            )
            for month in range(60)
        )
        Activity.objects.create(
            territory=territory,
            sheet=sheet,
            kind="workshop",
            title=f"Atelier {n}-{i}",
            status="planned",
            planned_on=date(this_year, 12, 1),
        )
        meeting = Meeting.objects.create(
            territory=territory,
            body=committee,
            starts_at=timezone.make_aware(datetime(2024, 1 + i, 10 + n, 18)),
            place="Hôtel de ville",
        )
        Evaluation.objects.create(
            territory=territory,
            sheet=sheet,
            meeting=meeting,
            evaluated_on=meeting.starts_at.date(),
            status="on_track",
            progress=10 * i,
            decision="continue",
        )
        SheetDocument.objects.create(
            territory=territory,
            sheet=sheet,
            title=f"Bilan {n}-{i}",
            file=f"strategy/bilan-{n}-{i}.pdf",
            uploaded_by=coordinator,
        )
        BudgetLine.objects.create(
            territory=territory, sheet=sheet, year=2020 + i, funder="city", amount=Decimal(n)
        )
        SheetPartner.objects.create(
            territory=territory, sheet=sheet, organisation=OrganisationFactory(territory=territory)
        )
        sheet.neighbourhoods.add(
            NeighbourhoodFactory(territory=territory, name=f"Quartier {n}-{i}")
        )


def test_a_full_sheet_page_costs_twelve_queries_at_most(plan, territory, coordinator, client_for):
    """The benchmark's sheet (docs/benchmarks.md): 12 queries whatever it holds, 15 with the
    once-a-minute session write."""
    client = client_for(coordinator)
    sheet = plan["sheet"]
    url = reverse("strategy:sheet", args=[sheet.public_id])
    fill_sheet(sheet, territory, coordinator, 1)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
            assert page.status_code == 200
        return len(captured), page.content.decode()

    few, _page = count()
    fill_sheet(sheet, territory, coordinator, 3)
    many, page = count()
    assert many == few <= 12
    assert "Quartier 3-0, Quartier 3-1" in page and "Bilan 3-2" in page
    assert "Atelier 3-1" in page and "Indicateur 3-2" in page


def test_the_sheet_page_shows_each_indicators_latest_values(
    plan, territory, coordinator, client_for
):
    sheet = plan["sheet"]
    fill_sheet(sheet, territory, coordinator, 1)
    page = client_for(coordinator).get(reverse("strategy:sheet", args=[sheet.public_id]))
    html = page.content.decode()
    (item,) = page.context["indicators"]
    assert (item.count, len(item.measurements)) == (60, 24)
    assert item.latest.measured_on == date(2024, 12, 28)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count("<circle") == 24
    assert "Les 24 dernières mesures sur 60, du 28/01/2023 au 28/12/2024." in svg
    table = re.search(r"<table class=\"table table-sm mb-1\">.*?</table>", html, re.S).group(0)
    assert table.count("<tr>") == 25  # the header and the 24 latest, newest first
    assert table.index("28/12/2024") < table.index("28/01/2023") and "28/12/2022" not in table
    assert "14,75" in table  # 59 / 4, French decimals
    assert "Toutes les valeurs (60)" in html
    assert reverse("strategy:indicator", args=[item.indicator.public_id]) in html
