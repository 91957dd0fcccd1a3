"""The strategy: action sheets by area, filters, budget and the FIPD co-funding rule."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.strategy.budget import budget_by_year
from tranquillite.strategy.models import ActionSheet, Axis, BudgetLine, SheetStatus, Strategy


class Line:
    def __init__(self, year, funder, amount):
        self.year, self.funder, self.amount = year, funder, Decimal(amount)


def test_the_fipd_may_pay_half_but_not_more():
    half, more = budget_by_year(
        [
            Line(2025, "city", 100),
            Line(2025, "fipd", 100),
            Line(2026, "city", 99),
            Line(2026, "fipd", 101),
        ]
    )
    assert (half.total, half.fipd, half.respects_fipd_rule) == (200, 100, True)
    assert (more.fipd_share > Decimal("0.5"), more.respects_fipd_rule) == (True, False)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["city", "fipd", "caf"]), st.integers(min_value=0, max_value=10**6)
        ),
        max_size=12,
    )
)
def test_yearly_totals_add_up_and_the_rule_matches_its_definition(lines):
    years = budget_by_year([Line(2025, funder, amount) for funder, amount in lines])
    total = sum(amount for _f, amount in lines)
    fipd = sum(amount for f, amount in lines if f == "fipd")
    if not lines:
        assert years == []
        return
    (year,) = years
    assert (year.total, year.fipd) == (total, fipd)
    assert year.respects_fipd_rule == (total == 0 or 2 * fipd <= total)


@pytest.fixture
def plan(territory):
    lead = OrganisationFactory(territory=territory, name="Commissariat de Pantin")
    other = OrganisationFactory(territory=territory, name="Ville — médiation")
    place = NeighbourhoodFactory(territory=territory, name="Quatre-Chemins")
    strategy = Strategy.objects.create(
        territory=territory, kind="territorial_strategy", title="STSPD 2024–2027", is_current=True
    )
    axis = Axis.objects.create(territory=territory, strategy=strategy, number=1, title="Jeunesse")
    late = ActionSheet.objects.create(
        territory=territory,
        axis=axis,
        number="1.1",
        title="Projet jeunes–police",
        lead=lead,
        status=SheetStatus.LATE,
    )
    late.neighbourhoods.set([place])
    BudgetLine.objects.create(
        territory=territory, sheet=late, year=2025, funder="fipd", amount=Decimal(6000)
    )
    BudgetLine.objects.create(
        territory=territory, sheet=late, year=2025, funder="city", amount=Decimal(4000)
    )
    fine = ActionSheet.objects.create(
        territory=territory,
        axis=axis,
        number="1.2",
        title="Médiation de soirée",
        lead=other,
        status=SheetStatus.ON_TRACK,
    )
    return {"strategy": strategy, "late": late, "fine": fine, "lead": lead, "place": place}


def shown(response):
    return [sheet.number for axis in response.context["axes"] for sheet in axis.shown]


def test_the_overview_filters_by_status_lead_neighbourhood_and_funder(plan, territory, client_for):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    url = reverse("strategy:overview")
    assert shown(client.get(url)) == ["1.1", "1.2"]
    assert shown(client.get(url, {"status": "late"})) == ["1.1"]
    assert shown(client.get(url, {"lead": plan["lead"].public_id})) == ["1.1"]
    assert shown(client.get(url, {"neighbourhood": plan["place"].public_id})) == ["1.1"]
    assert shown(client.get(url, {"funder": "fipd"})) == ["1.1"]
    assert shown(client.get(url, {"funder": "caf"})) == []


def test_the_sheet_page_flags_a_broken_fipd_rule(plan, territory, client_for):
    page = (
        client_for(member(territory, Role.PARTNER_MEMBER))
        .get(reverse("strategy:sheet", args=[plan["late"].public_id]))
        .content.decode()
    )
    assert "Projet jeunes–police" in page
    assert "Règle de cofinancement du FIPD non respectée" in page


def test_another_territorys_strategy_is_invisible(plan, other_territory, client_for):
    stranger = member(other_territory, Role.COORDINATOR)
    client = client_for(stranger)
    assert client.get(reverse("strategy:sheet", args=[plan["late"].public_id])).status_code == 404
    assert client.get(reverse("strategy:overview")).context["strategy"] is None


def test_the_overview_costs_the_same_queries_whatever_the_number_of_sheets(
    plan, territory, client_for
):
    client = client_for(member(territory, Role.COORDINATOR))
    url = reverse("strategy:overview")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    few = count()
    axis = plan["strategy"].axes.get()
    for n in range(3, 20):
        ActionSheet.objects.create(
            territory=territory, axis=axis, number=f"1.{n}", title=f"F{n}", lead=plan["lead"]
        )
    assert count() == few <= 12
