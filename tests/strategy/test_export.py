"""The spreadsheet export of a strategy: read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import member
from tests.strategy.test_committee_pack import add_sheet, build_plan
from tranquillite.accounts.roles import Role
from tranquillite.core.spreadsheets import defuse_formula
from tranquillite.strategy.models import BudgetLine


@pytest.fixture
def plan(territory):
    plan = build_plan(territory)
    sheet = plan["overdue"]
    sheet.title = '=HYPERLINK("http://evil.test","Cliquez")'
    sheet.progress = 45
    sheet.save()
    BudgetLine.objects.create(
        territory=territory, sheet=sheet, year=2025, funder="caf", amount=Decimal("1250.50")
    )
    return plan


def export_url(strategy):
    return f"{reverse('strategy:export')}?strategie={strategy.public_id}"


def download(client, strategy):
    response = client.get(export_url(strategy))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="strategie-pantin-')
    return load_workbook(BytesIO(response.content))


def rows(tab):
    return [list(row) for row in tab.iter_rows(values_only=True)]


def test_the_workbook_reads_back_with_real_dates_and_numbers(plan, territory, client_for):
    workbook = download(client_for(member(territory, Role.ELECTED_OFFICIAL)), plan["strategy"])
    assert workbook.sheetnames == ["Fiches", "Indicateurs", "Mesures", "À propos"]

    sheets = workbook["Fiches"]
    header, *lines = rows(sheets)
    assert header[:9] == [
        "Numéro",
        "Axe",
        "Titre",
        "Pilote",
        "Partenaires (rôle)",
        "Quartiers",
        "Statut",
        "Avancement (%)",
        "Prochaine revue",
    ]
    assert header[-2:] == ["Budget 2025 (€)", "Budget 2026 (€)"]
    assert [line[0] for line in lines] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.10"]
    first = dict(zip(header, lines[0], strict=True))
    assert first["Avancement (%)"] == 45
    assert first["Prochaine revue"] == datetime(2026, 1, 5)
    assert first["Budget 2025 (€)"] == 1250.5
    assert first["Budget 2026 (€)"] == 7000
    assert "(Animation des ateliers)" in first["Partenaires (rôle)"]
    assert first["Axe"] == "1. Jeunesse"
    # Header bold and frozen, an autofilter over the table.
    assert all(cell.font.bold for cell in sheets[1])
    assert sheets.freeze_panes == "A2"
    assert sheets.auto_filter.ref == f"A1:{sheets.cell(1, len(header)).column_letter}7"
    assert sheets["I2"].number_format == "DD/MM/YYYY"

    header, *lines = rows(workbook["Indicateurs"])
    assert len(lines) == 12  # two indicators on each of the six sheets
    first = dict(zip(header, lines[0], strict=True))
    assert first["Fiche"] == "1.1"
    assert (first["Valeur de référence"], first["Cible"], first["Dernière valeur"]) == (1, 5, 4)
    assert first["Date de la dernière valeur"] == datetime(2025, 12, 31)
    assert first["Avancement vers la cible (%)"] == 75

    header, *lines = rows(workbook["Mesures"])
    assert header == ["Fiche", "Indicateur", "Date", "Valeur", "Origine"]
    assert len(lines) == 24
    assert lines[0][2:4] == [datetime(2025, 6, 30), 2]
    assert workbook["Mesures"].freeze_panes == "A2"

    about = dict(rows(workbook["À propos"]))
    assert about["Stratégie"] == "STSPD 2024–2027"
    assert isinstance(about["Exporté le"], datetime)


def test_no_text_cell_can_run_as_a_formula(plan, territory, client_for):
    workbook = download(client_for(member(territory, Role.COORDINATOR)), plan["strategy"])
    title = workbook["Fiches"]["C2"]
    assert title.value == '\'=HYPERLINK("http://evil.test","Cliquez")'
    assert title.data_type == "s"
    formulas = [
        cell.coordinate
        for tab in workbook.worksheets
        for row in tab.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 02", "'+33 1 02"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Pantin", "Pantin"),
        (None, ""),
        (12, "12"),
    ],
)
def test_the_shared_formula_defuser(value, expected):
    assert defuse_formula(value) == expected


def test_the_export_is_for_those_who_may_export(plan, territory, other_territory, client_for):
    url = export_url(plan["strategy"])
    assert client_for(member(territory, Role.PARTNER_MEMBER)).get(url).status_code == 403
    assert client_for(member(other_territory, Role.COORDINATOR)).get(url).status_code == 404


def test_the_export_costs_the_same_queries_whatever_the_number_of_sheets(
    plan, territory, client_for
):
    client = client_for(member(territory, Role.DIRECTOR))
    url = export_url(plan["strategy"])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(20, 30):
        add_sheet(plan["axis"], f"1.{n}", next_review_on=date(2026, 2, 1))
    assert count() == few


def test_the_reports_include_shows_its_links_to_those_who_may_export(plan, territory):
    def links(role):
        html = render_to_string(
            "strategy/includes/strategy_reports.html",
            {
                "strategy": plan["strategy"],
                "user": member(territory, role),
                "current_territory": territory,
            },
        )
        return html.count("<a href=")

    assert links(Role.ELECTED_OFFICIAL) == 4
    assert links(Role.PARTNER_MEMBER) == 0


def test_the_reports_page_lists_the_strategys_reports(plan, territory, client_for):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    page = client.get(reverse("strategy:reports")).content.decode()
    assert export_url(plan["strategy"]).replace("&", "&amp;") in page
    assert "/public/pantin/strategie/" in page
    assert (
        client_for(member(territory, Role.PARTNER_MEMBER))
        .get(reverse("strategy:reports"))
        .status_code
        == 403
    )
