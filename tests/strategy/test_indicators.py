"""Indicators of the action sheets: entering and correcting values, who may, the progress
towards the target, the charts, and the pages' query counts."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import ActionSheetFactory, IndicatorFactory, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.strategy import charts, indicators
from tranquillite.strategy.indicators import progress
from tranquillite.strategy.models import (
    Indicator,
    IndicatorDirection,
    Measurement,
    MeasurementOrigin,
    SheetPartner,
)


@pytest.fixture
def lead(territory):
    return OrganisationFactory(territory=territory, name="Commissariat de Pantin")


@pytest.fixture
def sheet(territory, lead):
    return ActionSheetFactory(
        axis__strategy__territory=territory, lead=lead, number="1.3", title="Jeunes–police"
    )


@pytest.fixture
def indicator(sheet):
    return IndicatorFactory(
        sheet=sheet,
        name="Ateliers tenus",
        unit="ateliers",
        baseline=Decimal(0),
        target=Decimal(4),
    )


def add_url(indicator):
    return reverse("strategy:measurement_add", args=[indicator.public_id])


# --- Entering and correcting ------------------------------------------------------------------


def test_a_value_is_entered_then_corrected_on_the_same_date(indicator, coordinator, client_for):
    client = client_for(coordinator)
    first = client.post(
        add_url(indicator), {"measured_on": "2025-03-31", "value": "2,5", "note": "Bilan T1"}
    )
    assert first.status_code == 302
    (measurement,) = Measurement.objects.filter(indicator=indicator)
    assert (measurement.measured_on, measurement.value, measurement.note) == (
        date(2025, 3, 31),
        Decimal("2.50"),
        "Bilan T1",
    )
    assert (measurement.origin, measurement.recorded_by) == (MeasurementOrigin.MANUAL, coordinator)
    page = client.get(first["Location"]).content.decode()
    assert "enregistrée" in page

    second = client.post(add_url(indicator), {"measured_on": "2025-03-31", "value": "3"})
    assert second.status_code == 302
    (measurement,) = Measurement.objects.filter(indicator=indicator)
    assert measurement.value == Decimal(3)
    page = client.get(second["Location"]).content.decode()
    assert "corrigée" in page and "2,5" in page


def test_a_future_date_or_a_third_decimal_is_refused(indicator, coordinator, client_for):
    client = client_for(coordinator)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert (
        client.post(add_url(indicator), {"measured_on": tomorrow, "value": "1"}).status_code == 400
    )
    assert (
        client.post(add_url(indicator), {"measured_on": "2025-01-31", "value": "1,234"}).status_code
        == 400
    )
    assert not Measurement.objects.exists()


def test_a_value_is_deleted(indicator, coordinator, client_for):
    indicators.record_measurement(
        actor=coordinator, indicator=indicator, measured_on=date(2025, 1, 31), value=Decimal(1)
    )
    indicators.record_measurement(
        actor=coordinator, indicator=indicator, measured_on=date(2025, 2, 28), value=Decimal(2)
    )
    url = reverse("strategy:measurement_delete", args=[indicator.public_id])
    assert client_for(coordinator).post(url, {"measured_on": "2025-01-31"}).status_code == 302
    assert list(indicator.measurements.values_list("value", flat=True)) == [Decimal(2)]


@pytest.fixture
def people(territory, sheet, lead):
    partner_org = OrganisationFactory(territory=territory, name="Association de médiation")
    SheetPartner.objects.create(territory=territory, sheet=sheet, organisation=partner_org)
    return {
        "manager": member(territory, Role.COORDINATOR),
        "director": member(territory, Role.DIRECTOR),
        "lead": member(territory, Role.PARTNER_MEMBER, organisation=lead),
        "partner": member(territory, Role.PARTNER_MEMBER, organisation=partner_org),
        "unrelated": member(territory, Role.PARTNER_MEMBER),
        "elected": member(territory, Role.ELECTED_OFFICIAL),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 302),
        ("director", 302),
        ("lead", 302),
        ("partner", 302),
        ("unrelated", 403),
        ("elected", 403),
    ],
)
def test_who_may_enter_a_value(people, indicator, client_for, who, status):
    response = client_for(people[who]).post(
        add_url(indicator), {"measured_on": "2025-03-31", "value": "1"}
    )
    assert response.status_code == status
    assert Measurement.objects.filter(indicator=indicator).exists() == (status == 302)


def test_the_service_refuses_an_unrelated_partner(people, indicator):
    with pytest.raises(PermissionDenied):
        indicators.record_measurement(
            actor=people["unrelated"],
            indicator=indicator,
            measured_on=date(2025, 3, 31),
            value=Decimal(1),
        )


def test_another_territorys_indicator_is_not_found(indicator, other_territory, client_for):
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    assert (
        stranger.get(reverse("strategy:indicator", args=[indicator.public_id])).status_code == 404
    )
    response = stranger.post(add_url(indicator), {"measured_on": "2025-03-31", "value": "1"})
    assert response.status_code == 404
    edit = reverse("strategy:indicator_edit", args=[indicator.public_id])
    assert stranger.get(edit).status_code == 404
    assert not Measurement.objects.exists()


def test_a_computed_indicator_takes_no_value_by_hand(sheet, coordinator, client_for):
    computed = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    response = client_for(coordinator).post(
        add_url(computed), {"measured_on": "2025-03-31", "value": "4"}
    )
    assert response.status_code == 400
    assert "calculé" in response.content.decode()
    with pytest.raises(ValidationError):
        indicators.record_measurement(
            actor=coordinator, indicator=computed, measured_on=date(2025, 3, 31), value=Decimal(4)
        )
    assert not Measurement.objects.exists()
    page = client_for(coordinator).get(reverse("strategy:indicator", args=[computed.public_id]))
    assert 'name="value"' not in page.content.decode()


def test_a_partner_may_not_create_or_recompute_indicators(people, sheet, indicator, client_for):
    client = client_for(people["lead"])
    create = reverse("strategy:indicator_create", args=[sheet.public_id])
    assert client.get(create).status_code == 403
    assert client.post(create, {"name": "X", "kind": "output", "unit": "u"}).status_code == 403
    recompute = reverse("strategy:indicator_recompute", args=[indicator.public_id])
    assert client.post(recompute).status_code == 403
    assert Indicator.objects.count() == 1


# --- Creating and editing ---------------------------------------------------------------------


def form_data(**changes):
    data = {
        "name": "Rixes signalées",
        "kind": "outcome",
        "unit": "faits",
        "direction": "decrease",
        "baseline": "14",
        "baseline_on": "2023-12-31",
        "target": "6",
        "target_on": "2027-12-31",
        "source_key": "",
        "is_public": "on",
        "position": "1",
    }
    return {**data, **changes}


def test_the_coordinator_creates_and_edits_an_indicator(sheet, indicator, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(
        reverse("strategy:indicator_create", args=[sheet.public_id]), form_data()
    )
    assert response.status_code == 302
    created = Indicator.objects.get(name="Rixes signalées")
    assert (created.sheet, created.territory, created.baseline, created.target) == (
        sheet,
        sheet.territory,
        Decimal(14),
        Decimal(6),
    )
    edit = reverse("strategy:indicator_edit", args=[created.public_id])
    assert client.post(edit, form_data(target="5,5")).status_code == 302
    created.refresh_from_db()
    assert created.target == Decimal("5.5")


def test_indicator_names_are_unique_per_sheet_whatever_the_case(
    sheet, indicator, coordinator, client_for
):
    response = client_for(coordinator).post(
        reverse("strategy:indicator_create", args=[sheet.public_id]),
        form_data(name="ATELIERS TENUS"),
    )
    assert response.status_code == 400
    assert Indicator.objects.count() == 1


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused(sheet, coordinator, client_for):
    url = reverse("strategy:indicator_create", args=[sheet.public_id])
    client = client_for(coordinator)
    assert client.post(url, form_data(target="20")).status_code == 400
    assert client.post(url, form_data(direction="increase", target="10")).status_code == 400
    assert not Indicator.objects.exists()


def test_a_computed_indicator_takes_its_sources_unit_and_fills_its_history(
    sheet, coordinator, client_for
):
    response = client_for(coordinator).post(
        reverse("strategy:indicator_create", args=[sheet.public_id]),
        form_data(
            name="Ateliers (calcul)",
            kind="output",
            direction="increase",
            unit="",
            baseline="0",
            target="4",
            source_key="strategy.workshops_held",
        ),
    )
    assert response.status_code == 302
    created = Indicator.objects.get(name="Ateliers (calcul)")
    assert created.unit == "ateliers"
    assert created.measurements.count() >= 1
    assert set(created.measurements.values_list("origin", flat=True)) == {"computed"}


def test_deleting_an_indicator_takes_its_measurements(indicator, coordinator, client_for):
    indicators.record_measurement(
        actor=coordinator, indicator=indicator, measured_on=date(2025, 1, 31), value=Decimal(1)
    )
    url = reverse("strategy:indicator_delete", args=[indicator.public_id])
    assert client_for(coordinator).post(url).status_code == 302
    assert not Indicator.objects.exists() and not Measurement.objects.exists()


# --- Progress ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


def test_progress_examples():
    assert progress(Decimal(0), Decimal(4), Decimal(1)) == 25
    assert progress(Decimal(14), Decimal(6), Decimal(10), IndicatorDirection.DECREASE) == 50
    assert progress(Decimal(14), Decimal(6), Decimal(20), IndicatorDirection.DECREASE) == 0
    assert progress(Decimal(14), Decimal(6), Decimal(2), IndicatorDirection.DECREASE) == 100
    assert progress(None, Decimal(4), Decimal(1)) is None
    assert progress(Decimal(0), None, Decimal(1)) is None
    assert progress(Decimal(0), Decimal(4), None) is None
    # Lower is better, but the target is higher: inconsistent, no figure.
    assert progress(Decimal(6), Decimal(14), Decimal(10), IndicatorDirection.DECREASE) is None
    assert progress(Decimal(3), Decimal(3), Decimal(3)) == 100
    assert progress(Decimal(3), Decimal(3), Decimal(2)) == 0


@given(amounts, amounts, amounts, st.sampled_from(list(IndicatorDirection)))
def test_progress_stays_between_0_and_100_and_hits_both_ends(baseline, target, value, direction):
    result = progress(baseline, target, value, direction)
    better = (target - baseline) * (1 if direction == IndicatorDirection.INCREASE else -1)
    if better < 0:
        assert result is None
        return
    assert result is not None and 0 <= result <= 100
    if better > 0:
        assert progress(baseline, target, baseline, direction) == 0
        assert progress(baseline, target, target, direction) == 100


gaps = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2)
steps = st.decimals(min_value=0, max_value=1000, places=2)


@given(amounts, gaps, amounts, steps)
def test_progress_grows_with_the_value_in_the_right_direction(baseline, gap, low, step):
    target, high = baseline + gap, low + step
    up = IndicatorDirection.INCREASE
    assert progress(baseline, target, low, up) <= progress(baseline, target, high, up)
    # Lower is better: the mirror image.
    down = IndicatorDirection.DECREASE
    assert progress(-baseline, -target, -low, down) == progress(baseline, target, low, up)
    assert progress(-baseline, -target, -low, down) <= progress(-baseline, -target, -high, down)


# --- Charts -----------------------------------------------------------------------------------


def test_the_chart_has_a_point_per_measurement_its_title_and_no_style():
    points = [(date(2025, m, 28), Decimal(m)) for m in range(1, 8)]
    svg = str(
        charts.line_chart(
            points,
            title="Ateliers <tenus>",
            unit="ateliers",
            baseline=Decimal(0),
            target=Decimal(12),
            id_prefix="c1",
        )
    )
    assert svg.count("<circle") == 7
    assert '<title id="c1-title">Ateliers &lt;tenus&gt;</title>' in svg
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "style" not in svg and "<script" not in svg
    assert svg.count('stroke-dasharray="') == 2  # the baseline and the target


def test_an_empty_chart_says_so():
    svg = str(
        charts.line_chart([], title="X", unit="u", baseline=None, target=None, id_prefix="c2")
    )
    assert "<circle" not in svg and "Aucune mesure" in svg


def test_the_indicator_page_shows_the_chart_and_the_table(indicator, coordinator, client_for):
    for month, value in [(1, 1), (2, 3)]:
        indicators.record_measurement(
            actor=coordinator,
            indicator=indicator,
            measured_on=date(2025, month, 28),
            value=Decimal(value),
        )
    page = (
        client_for(coordinator)
        .get(reverse("strategy:indicator", args=[indicator.public_id]))
        .content.decode()
    )
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert svg.count("<circle") == 2
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    assert "28/02/2025" in table and "28/01/2025" in table
    assert "75 %" in page  # 3 of 4 workshops


def test_the_sheet_page_shows_latest_value_and_progress(sheet, indicator, coordinator, client_for):
    indicators.record_measurement(
        actor=coordinator, indicator=indicator, measured_on=date(2025, 6, 30), value=Decimal(2)
    )
    page = (
        client_for(member(sheet.territory, Role.ELECTED_OFFICIAL))
        .get(reverse("strategy:sheet", args=[sheet.public_id]))
        .content.decode()
    )
    assert "Ateliers tenus" in page and "30/06/2025" in page
    assert 'value="50"' in page
    assert "Ajouter un indicateur" not in page  # the deputy mayor reads, does not manage


# --- Query counts -----------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_sheet_page_query_count_is_constant(sheet, indicator, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("strategy:sheet", args=[sheet.public_id])
    client.get(url)
    few = count_queries(client, url)
    for n in range(6):
        extra = IndicatorFactory(sheet=sheet, name=f"Indicateur {n}", baseline=1, target=9)
        for month in range(1, 13):
            Measurement.objects.create(
                territory=sheet.territory,
                indicator=extra,
                measured_on=date(2024, month, 1),
                value=month,
            )
    assert count_queries(client, url) == few <= 12  # 15 with the once-a-minute session write


def test_the_indicator_page_query_count_is_constant(indicator, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("strategy:indicator", args=[indicator.public_id])
    client.get(url)
    few = count_queries(client, url)
    for month in range(1, 13):
        for year in (2023, 2024):
            Measurement.objects.create(
                territory=indicator.territory,
                indicator=indicator,
                measured_on=date(year, month, 1),
                value=month,
            )
    assert count_queries(client, url) == few <= 12


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.50"), "2,5"),
        (Decimal("12.00"), "12"),
        (Decimal("0.25"), "0,25"),
        (Decimal("1250.5"), "1\xa0250,5"),
        (Decimal("-3.10"), "-3,1"),
        (None, ""),
    ],
)
def test_values_are_shown_without_useless_zeros(value, shown):
    assert charts.number(value) == shown
