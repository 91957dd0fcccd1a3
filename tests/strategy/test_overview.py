"""The overview at a glance: the strategy's and each area's progress rolled up from the sheets'
last evaluations (strategy/rollup.py), status counts, next reviews, in constant queries."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionSheetFactory, AxisFactory, StrategyFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, Meeting
from tranquillite.strategy.evaluations import evaluate_sheet
from tranquillite.strategy.models import ActionSheet, SheetStatus
from tranquillite.strategy.rollup import rollup


@pytest.fixture
def plan(territory, coordinator):
    """Two areas: area 1 with 1.1 on track 40%, 1.2 late 10%, 1.3 stopped at 90%, 1.4 never
    evaluated; area 2 with 2.1 done and 2.2 never evaluated."""
    strategy = StrategyFactory(territory=territory, title="Contrat local de sécurité")
    first = AxisFactory(strategy=strategy, number=1, title="Éducation et citoyenneté")
    second = AxisFactory(strategy=strategy, number=2, title="Bien vivre ensemble")
    committee = Body.objects.create(
        territory=territory, name="Comité de suivi", kind=BodyKind.MONITORING_COMMITTEE
    )
    meeting = Meeting.objects.create(
        territory=territory,
        body=committee,
        starts_at=timezone.make_aware(datetime.combine(date(2026, 3, 10), time(18))),
        place="Hôtel de ville",
    )
    sheets = {
        number: ActionSheetFactory(axis=axis, number=number, title=f"Fiche {number}")
        for axis, number in [
            (first, "1.1"),
            (first, "1.2"),
            (first, "1.3"),
            (first, "1.4"),
            (second, "2.1"),
            (second, "2.2"),
        ]
    }
    for number, status, progress, decision in [
        ("1.1", "on_track", 40, "continue"),
        ("1.2", "late", 10, "reorient"),
        ("1.3", "stopped", 90, "stop"),
        ("2.1", "done", 100, "continue"),
    ]:
        evaluate_sheet(
            actor=coordinator,
            sheet=sheets[number],
            meeting=meeting,
            evaluated_on=date(2026, 3, 10),
            status=status,
            progress=progress,
            decision=decision,
        )
    return {"strategy": strategy, "first": first, "second": second, "sheets": sheets}


def from_database(**filters):
    return rollup(ActionSheet.objects.filter(**filters).values_list("status", "progress"))


def test_the_roll_up_shown_is_the_rule_applied_to_the_database(plan, territory, client_for):
    page = client_for(member(territory, Role.ELECTED_OFFICIAL)).get(reverse("strategy:overview"))
    shown = page.context["progress"]
    assert shown.overall == from_database(axis__strategy=plan["strategy"])
    assert shown.overall.progress == 50  # (40 + 10 + 100) / 3, the stopped sheet left out
    assert shown.by_axis[plan["first"].pk] == from_database(axis=plan["first"])
    assert shown.by_axis[plan["first"].pk].progress == 25
    axes = {axis.number: axis.rollup for axis in page.context["axes"]}
    assert (axes[1].evaluated, axes[1].total, axes[2].evaluated, axes[2].total) == (2, 4, 1, 2)
    html = page.content.decode()
    assert "50\u00a0% réalisés" in html
    assert "3 fiches évaluées sur 6" in html
    assert "2 évaluées sur 4" in html and "1 évaluée sur 2" in html
    assert 'value="25"' in html


def test_the_figures_ignore_the_filters(plan, territory, client_for):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    page = client.get(reverse("strategy:overview"), {"status": "late"})
    assert [s.number for axis in page.context["axes"] for s in axis.shown] == ["1.2"]
    assert page.context["progress"].overall.progress == 50


def test_status_counts_next_reviews_and_the_review_link(plan, territory, client_for):
    page = client_for(member(territory, Role.ELECTED_OFFICIAL)).get(reverse("strategy:overview"))
    counts = {value: count for value, _label, count in page.context["status_counts"]}
    assert counts == {
        "planned": 2,
        "on_track": 1,
        "at_risk": 0,
        "late": 1,
        "done": 1,
        "stopped": 1,
    }
    # Due today: the two never evaluated (1.4, 2.2), and 1.1 and 1.2 whose reviews (September
    # and June 2026) have come; not the done or stopped ones.
    assert page.context["due_count"] == 4
    html = page.content.decode()
    assert reverse("strategy:review_list") + f"?strategie={plan['strategy'].public_id}" in html
    assert "jamais évaluée" in html
    assert "à revoir depuis le 10/09/2026" in html


def test_the_new_sheet_button_is_for_managers(plan, territory, coordinator, client_for):
    url = reverse("strategy:overview")
    link = f"{reverse('strategy:sheet_create')}?axe=2&amp;strategie={plan['strategy'].public_id}"
    assert link in client_for(coordinator).get(url).content.decode()
    elected = client_for(member(territory, Role.ELECTED_OFFICIAL)).get(url).content.decode()
    assert reverse("strategy:sheet_create") not in elected


def test_a_strategy_without_evaluation_shows_no_progress_rather_than_zero(territory, client_for):
    strategy = StrategyFactory(territory=territory)
    ActionSheetFactory(axis=AxisFactory(strategy=strategy, number=1))
    page = client_for(member(territory, Role.ELECTED_OFFICIAL)).get(reverse("strategy:overview"))
    assert page.context["progress"].overall.progress is None
    assert "Aucune évaluation pour l’instant" in page.content.decode()


def test_the_overview_costs_the_same_queries_with_evaluations(
    plan, territory, coordinator, client_for
):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    url = reverse("strategy:overview")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    meeting = Meeting.objects.get()
    for n in range(5, 25):
        sheet = ActionSheetFactory(axis=plan["first"], number=f"1.{n}")
        if n % 2:
            evaluate_sheet(
                actor=coordinator,
                sheet=sheet,
                meeting=meeting,
                evaluated_on=date(2026, 3, 10),
                status=SheetStatus.AT_RISK,
                progress=n,
                decision="continue",
            )
    assert count() == few <= 12
