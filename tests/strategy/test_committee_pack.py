"""The committee pack: the sheets due for review, as one PDF, for the committee only."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    IndicatorFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    StrategyFactory,
    UserFactory,
    member,
)
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, Meeting
from tranquillite.strategy import committee
from tranquillite.strategy.models import (
    Activity,
    BudgetLine,
    Evaluation,
    Measurement,
    SheetPartner,
    SheetStatus,
)

REVIEW_DAY = date(2026, 3, 12)
SECRET_COMMENT = "Commentaire interne 7Q4: le partenaire a quitté la table"


def pdf_text(content: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required to read PDFs in tests (apt-get install poppler-utils)"
    result = subprocess.run([pdftotext, "-", "-"], input=content, capture_output=True, check=True)
    # Reading order, whitespace collapsed: a phrase wrapped over two lines still matches.
    return " ".join(result.stdout.decode().split())


def add_sheet(axis, number, *, status=SheetStatus.ON_TRACK, next_review_on=None, evaluated=True):
    """A sheet with the works: partners, indicators with measurements, its evaluation, budget
    and activities of the review year."""
    territory = axis.territory
    sheet = ActionSheetFactory(
        axis=axis,
        number=number,
        title=f"Action {number}",
        status=status,
        next_review_on=next_review_on,
        objectives="Réduire les rixes entre quartiers.",
        progress=60 if evaluated else None,
    )
    sheet.neighbourhoods.add(NeighbourhoodFactory(territory=territory))
    SheetPartner.objects.create(
        territory=territory,
        sheet=sheet,
        organisation=OrganisationFactory(territory=territory),
        role="Animation des ateliers",
    )
    for public in (True, False):
        indicator = IndicatorFactory(
            sheet=sheet,
            name=f"Ateliers {number} {'publics' if public else 'internes'}",
            baseline=Decimal(1),
            target=Decimal(5),
            is_public=public,
        )
        for day, value in [(date(2025, 6, 30), 2), (date(2025, 12, 31), 4)]:
            Measurement.objects.create(
                territory=territory, indicator=indicator, measured_on=day, value=Decimal(value)
            )
    if evaluated:
        Evaluation.objects.create(
            territory=territory,
            sheet=sheet,
            evaluated_on=date(2025, 9, 15),
            status=status if status != SheetStatus.PLANNED else SheetStatus.ON_TRACK,
            progress=60,
            decision="continue",
            comment=SECRET_COMMENT,
        )
    BudgetLine.objects.create(
        territory=territory, sheet=sheet, year=2026, funder="city", amount=Decimal(3000)
    )
    BudgetLine.objects.create(
        territory=territory, sheet=sheet, year=2026, funder="fipd", amount=Decimal(4000)
    )
    for held in (True, False):
        Activity.objects.create(
            territory=territory,
            sheet=sheet,
            kind="workshop",
            title="Atelier",
            status="held" if held else "planned",
            planned_on=date(2026, 2, 1) if held else date(2026, 5, 1),
            held_on=date(2026, 2, 1) if held else None,
        )
    return sheet


def build_plan(territory):
    strategy = StrategyFactory(territory=territory, title="STSPD 2024–2027")
    axis = AxisFactory(strategy=strategy, number=1, title="Jeunesse")
    sheets = {
        "overdue": add_sheet(
            axis, "1.1", status=SheetStatus.AT_RISK, next_review_on=date(2026, 1, 5)
        ),
        "on_the_day": add_sheet(axis, "1.2", next_review_on=REVIEW_DAY),
        "never": add_sheet(axis, "1.10", status=SheetStatus.PLANNED, evaluated=False),
        "later": add_sheet(axis, "1.3", next_review_on=date(2026, 9, 1)),
        "done": add_sheet(axis, "1.4", status=SheetStatus.DONE),
        "stopped": add_sheet(axis, "1.5", status=SheetStatus.STOPPED),
    }
    return {"strategy": strategy, "axis": axis, **sheets}


@pytest.fixture
def plan(territory):
    return build_plan(territory)


def pack_url(strategy, day=REVIEW_DAY):
    return f"{reverse('strategy:committee_pack')}?strategie={strategy.public_id}&date={day}"


def test_the_pack_holds_exactly_the_sheets_due_in_reading_order(plan):
    pack = committee.committee_pack(plan["strategy"], due_by=REVIEW_DAY)
    # Due: review date passed or reached, or never evaluated; never a done or stopped one.
    # "1.10" after "1.2": numbers are read part by part.
    assert [item.sheet.number for item in pack.sheets] == ["1.1", "1.2", "1.10"]
    overdue = pack.sheets[0]
    assert overdue.last_evaluation.comment == SECRET_COMMENT
    assert [row.latest_value for row in overdue.indicators] == [Decimal(4), Decimal(4)]
    assert [row.progress for row in overdue.indicators] == [75, 75]
    assert (overdue.activities.planned, overdue.activities.held) == (2, 1)
    assert (overdue.budget.total, overdue.budget.respects_fipd_rule) == (7000, False)
    assert pack.sheets[2].last_evaluation is None
    # The roll-up covers the whole strategy, not just the sheets due.
    assert pack.rollup.total == 6


def test_the_elected_official_downloads_a_real_pdf_of_the_sheets_due(plan, territory, client_for):
    official = member(
        territory, Role.ELECTED_OFFICIAL, user=UserFactory(first_name="Aïcha", last_name="Benali")
    )
    response = client_for(official).get(pack_url(plan["strategy"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="dossier-comite-20260312.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Dossier du comité" in text
    for sheet in ("1.1 — Action 1.1", "1.2 — Action 1.2", "1.10 — Action 1.10"):
        assert sheet in text
    for not_due in ("Action 1.3", "Action 1.4", "Action 1.5"):
        assert not_due not in text
    assert "Commentaire interne 7Q4" in text  # internal to the committee: the comment is there
    assert "Imprimé par Aïcha Benali" in text
    assert "Règle de cofinancement du FIPD non respectée" in text


def test_a_meetings_pack_is_due_by_its_day_and_titled_with_its_body(plan, territory, client_for):
    body = Body.objects.create(
        territory=territory, name="Comité de pilotage", kind=BodyKind.STEERING_COMMITTEE
    )
    meeting = Meeting.objects.create(
        territory=territory,
        body=body,
        starts_at=datetime(2026, 1, 20, 9, tzinfo=UTC),
        place="Mairie",
    )
    client = client_for(member(territory, Role.COORDINATOR))
    response = client.get(f"{reverse('strategy:committee_pack')}?reunion={meeting.public_id}")
    assert response.status_code == 200
    assert 'filename="dossier-comite-20260120.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Comité de pilotage" in text
    assert "Action 1.1" in text and "Action 1.10" in text
    assert "Action 1.2" not in text  # its review comes after the meeting


def test_the_pack_is_for_the_committee_only(plan, territory, other_territory, client_for):
    url = pack_url(plan["strategy"])
    partner = member(territory, Role.PARTNER_MEMBER)
    assert client_for(partner).get(url).status_code == 403
    stranger = member(other_territory, Role.COORDINATOR)
    assert client_for(stranger).get(url).status_code == 404
    body = Body.objects.create(territory=territory, name="CLSPD", kind=BodyKind.PLENARY)
    meeting = Meeting.objects.create(
        territory=territory, body=body, starts_at=datetime(2026, 1, 20, tzinfo=UTC), place="Mairie"
    )
    meeting_url = f"{reverse('strategy:committee_pack')}?reunion={meeting.public_id}"
    assert client_for(stranger).get(meeting_url).status_code == 404


def test_a_malformed_request_is_refused_cleanly(plan, territory, client_for):
    client = client_for(member(territory, Role.DIRECTOR))
    url = reverse("strategy:committee_pack")
    assert (
        client.get(f"{url}?strategie={plan['strategy'].public_id}&date=12/03/2026").status_code
        == 400
    )
    assert client.get(f"{url}?strategie=pas-un-identifiant").status_code == 404
    assert client.get(f"{url}?reunion=pas-un-identifiant").status_code == 404


def test_the_pack_costs_the_same_queries_for_3_or_15_sheets_due(plan, territory, client_for):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    url = pack_url(plan["strategy"])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    few = count()
    for n in range(20, 32):
        add_sheet(plan["axis"], f"1.{n}", next_review_on=date(2026, 2, 1))
    assert len(committee.committee_pack(plan["strategy"], due_by=REVIEW_DAY).sheets) == 15
    assert count() == few
