"""Indicators computed from the platform's own data: the registry of sources, the built-in
sources, `compute_indicators` and a manager's "recompute now"."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionSheetFactory, IndicatorFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, Meeting, MeetingStatus
from tranquillite.strategy import indicators, sources
from tranquillite.strategy.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Measurement,
    MeasurementOrigin,
    ParticipantCount,
)

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def activity(sheet, kind, status, held_on, counts=()):
    made = Activity.objects.create(
        territory=sheet.territory,
        sheet=sheet,
        kind=kind,
        title="Séance",
        status=status,
        planned_on=held_on,
        held_on=held_on if status == ActivityStatus.HELD else None,
    )
    for band, count in counts:
        ParticipantCount.objects.create(
            territory=sheet.territory, activity=made, age_band=band, sex="female", count=count
        )
    return made


@pytest.fixture
def sheet(territory):
    return ActionSheetFactory(axis__strategy__territory=territory, number="1.3")


@pytest.fixture
def other_sheet(sheet):
    return ActionSheetFactory(axis=sheet.axis, number="1.4")


# --- The registry ------------------------------------------------------------------------------


def test_the_built_in_sources_are_registered_and_offered():
    keys = [key for key, _label in sources.choices()]
    for key in (
        "strategy.workshops_held",
        "strategy.classroom_sessions_held",
        "strategy.participants",
        "governance.meetings_held",
    ):
        assert key in keys
        assert sources.get(key) is not None
    assert sources.get("nothing.here") is None


def test_a_module_registers_its_source_once():
    source = sources.IndicatorSource(
        "tests.constant", "Constante", "unités", compute=lambda t, s, e: Decimal(7)
    )
    try:
        assert sources.register(source) is source
        assert sources.register(source) is source  # the same again: no-op
        clash = sources.IndicatorSource(
            "tests.constant", "Autre", "unités", compute=lambda t, s, e: Decimal(1)
        )
        with pytest.raises(ValueError, match="already registered"):
            sources.register(clash)
        assert sources.get("tests.constant") is source
    finally:
        sources.unregister("tests.constant")
    assert sources.get("tests.constant") is None


# --- Built-in sources ----------------------------------------------------------------------------


def test_workshops_and_sessions_held_count_that_sheet_and_that_period(
    sheet, other_sheet, other_territory
):
    held, planned = ActivityStatus.HELD, ActivityStatus.PLANNED
    activity(sheet, ActivityKind.WORKSHOP, held, date(2025, 3, 1))
    activity(sheet, ActivityKind.WORKSHOP, held, date(2025, 3, 31))
    activity(sheet, ActivityKind.WORKSHOP, held, date(2025, 4, 1))  # next month
    activity(sheet, ActivityKind.WORKSHOP, planned, date(2025, 3, 10))  # not held
    activity(sheet, ActivityKind.WORKSHOP, ActivityStatus.CANCELLED, date(2025, 3, 11))
    activity(sheet, ActivityKind.CLASSROOM_SESSION, held, date(2025, 3, 12))
    activity(other_sheet, ActivityKind.WORKSHOP, held, date(2025, 3, 13))
    elsewhere = ActionSheetFactory(axis__strategy__territory=other_territory)
    activity(elsewhere, ActivityKind.WORKSHOP, held, date(2025, 3, 14))

    workshops = sources.get("strategy.workshops_held")
    sessions = sources.get("strategy.classroom_sessions_held")
    assert workshops.value(sheet, *MARCH) == 2
    assert workshops.value(other_sheet, *MARCH) == 1
    assert workshops.compute(sheet.territory, *MARCH) == 3  # the whole territory
    assert sessions.value(sheet, *MARCH) == 1


def test_participants_are_summed_over_the_activities_held(sheet, other_sheet):
    held = ActivityStatus.HELD
    activity(sheet, ActivityKind.WORKSHOP, held, date(2025, 3, 5), [("14_17", 8), ("18_25", 4)])
    activity(sheet, ActivityKind.CLASSROOM_SESSION, held, date(2025, 3, 6), [("11_13", 25)])
    activity(sheet, ActivityKind.WORKSHOP, ActivityStatus.PLANNED, date(2025, 3, 7), [("14_17", 9)])
    activity(other_sheet, ActivityKind.WORKSHOP, held, date(2025, 3, 8), [("14_17", 100)])
    participants = sources.get("strategy.participants")
    assert participants.value(sheet, *MARCH) == 37
    assert participants.value(sheet, date(2025, 4, 1), date(2025, 4, 30)) == 0


def test_meetings_held_count_the_whole_territory(sheet, territory, other_territory):
    def meeting(where, day, status):
        body = Body.objects.create(territory=where, name=f"Comité {day}", kind=BodyKind.PLENARY)
        Meeting.objects.create(
            territory=where,
            body=body,
            starts_at=timezone.make_aware(
                datetime.combine(day, datetime.min.time()).replace(hour=18)
            ),
            place="Mairie",
            status=status,
        )

    meeting(territory, date(2025, 3, 3), MeetingStatus.HELD)
    meeting(territory, date(2025, 3, 31), MeetingStatus.HELD)
    meeting(territory, date(2025, 3, 20), MeetingStatus.PLANNED)
    meeting(territory, date(2025, 2, 28), MeetingStatus.HELD)
    meeting(other_territory, date(2025, 3, 5), MeetingStatus.HELD)
    assert sources.get("governance.meetings_held").value(sheet, *MARCH) == 2


# --- compute_indicators --------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("compute_indicators", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_is_idempotent_and_follows_late_entries(sheet):
    workshops = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    manual = IndicatorFactory(sheet=sheet, name="À la main")
    activity(sheet, ActivityKind.WORKSHOP, ActivityStatus.HELD, date(2025, 3, 10))

    assert "1 added" in run("--month", "2025-03")
    assert "1 unchanged" in run("--month", "2025-03")
    (measurement,) = Measurement.objects.filter(indicator=workshops)
    assert (measurement.measured_on, measurement.value, measurement.origin) == (
        date(2025, 3, 31),
        Decimal(1),
        MeasurementOrigin.COMPUTED,
    )
    # A workshop recorded late: the next run updates the month's value, never adds one.
    activity(sheet, ActivityKind.WORKSHOP, ActivityStatus.HELD, date(2025, 3, 20))
    assert "1 updated" in run("--month", "2025-03")
    assert list(workshops.measurements.values_list("measured_on", "value")) == [
        (date(2025, 3, 31), Decimal(2))
    ]
    assert not manual.measurements.exists()


def test_by_default_the_command_computes_the_last_complete_month(sheet):
    workshops = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    run()
    (measurement,) = workshops.measurements.all()
    today = timezone.localdate()
    assert measurement.measured_on == today.replace(day=1) - timedelta(days=1)


def test_the_command_filters_by_territory(sheet, other_territory):
    here = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    elsewhere = IndicatorFactory(
        sheet=ActionSheetFactory(axis__strategy__territory=other_territory),
        source_key="strategy.workshops_held",
    )
    run("--month", "2025-03", "--territory", other_territory.slug)
    assert not here.measurements.exists()
    assert elsewhere.measurements.count() == 1


def test_a_failing_source_does_not_stop_the_others(sheet):
    def broken(territory, start, end):
        raise RuntimeError("base de données indisponible")

    sources.register(sources.IndicatorSource("tests.broken", "Cassée", "u", compute=broken))
    try:
        failing = IndicatorFactory(sheet=sheet, name="Cassé", source_key="tests.broken")
        gone = IndicatorFactory(sheet=sheet, name="Disparu", source_key="old.module.source")
        fine = IndicatorFactory(sheet=sheet, name="Ateliers", source_key="strategy.workshops_held")
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError, match="2 computed indicator"):
            call_command("compute_indicators", "--month", "2025-03", stdout=out, stderr=err)
        assert fine.measurements.count() == 1
        assert not failing.measurements.exists() and not gone.measurements.exists()
        assert "tests.broken: RuntimeError" in err.getvalue()
        assert "old.module.source: SourceUnavailable" in err.getvalue()
    finally:
        sources.unregister("tests.broken")


@pytest.mark.parametrize("month", ["2025-13", "March", "2999-01"])
def test_a_bad_month_is_refused(month):
    with pytest.raises(CommandError):
        run("--month", month)


# --- Recompute on demand -------------------------------------------------------------------------


def test_a_manager_recomputes_the_whole_history(sheet, coordinator, client_for):
    strategy = sheet.axis.strategy
    strategy.starts_on = date(2025, 1, 1)
    strategy.save()
    workshops = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    activity(sheet, ActivityKind.WORKSHOP, ActivityStatus.HELD, date(2025, 2, 10))
    outcome = indicators.recompute(actor=coordinator, indicator=workshops, today=date(2025, 5, 15))
    assert outcome.months == [(2025, 1), (2025, 2), (2025, 3), (2025, 4)]
    assert list(workshops.measurements.values_list("measured_on", "value")) == [
        (date(2025, 1, 31), 0),
        (date(2025, 2, 28), 1),
        (date(2025, 3, 31), 0),
        (date(2025, 4, 30), 0),
    ]
    again = indicators.recompute(actor=coordinator, indicator=workshops, today=date(2025, 5, 15))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)

    response = client_for(coordinator).post(
        reverse("strategy:indicator_recompute", args=[workshops.public_id])
    )
    assert response.status_code == 302


def test_only_a_manager_recomputes(sheet, territory):
    workshops = IndicatorFactory(sheet=sheet, source_key="strategy.workshops_held")
    partner = member(territory, Role.PARTNER_MEMBER, organisation=sheet.lead)
    with pytest.raises(PermissionDenied):
        indicators.recompute(actor=partner, indicator=workshops)


def test_month_arithmetic():
    assert indicators.month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert indicators.month_bounds(2025, 12) == (date(2025, 12, 1), date(2025, 12, 31))
    assert indicators.last_complete_month(date(2026, 1, 15)) == (2025, 12)
    assert indicators.months_from(date(2025, 11, 20), (2026, 2)) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
        (2026, 2),
    ]
