"""The anonymous shadow of each placement (kept in step by the services, left by the purge)
and the observatory's community-service figures read from it: against a count by hand,
small counts suppressed, a bounded number of queries, the page and its logged export."""

from __future__ import annotations

import random
import statistics
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.community_service.conftest import record
from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.community_service import services
from tranquillite.community_service.models import (
    Placement,
    PlacementHoursStatistic,
    PlacementState,
    PlacementStatistic,
)
from tranquillite.community_service.timesheets import add_months
from tranquillite.observatory.community_service import figures_for, statistic_years
from tranquillite.observatory.suppression import SMALL, WITHHELD
from tranquillite.retention.purge import purge

pytestmark = pytest.mark.django_db

PAGE = reverse("observatory:community_service")
EXPORT = reverse("observatory:community_service_export")


def test_the_shadow_holds_no_name_no_birth_date_nothing_judicial():
    fields = {field.name for field in PlacementStatistic._meta.get_fields()}
    for forbidden in (
        "person",
        "first_name",
        "last_name",
        "birth_date",
        "case_number",
        "probation_reference",
        "sentence_date",
        "officer_name",
    ):
        assert forbidden not in fields


def test_the_shadow_follows_the_placement_through_its_life(coordinator, supervisor, placement):
    shadow = PlacementStatistic.objects.get(placement=placement)
    assert (shadow.age_band, shadow.sex) == ("25_34", "male")  # born in 2000
    assert shadow.service_id == placement.post.service_id
    assert (shadow.state, shadow.started_on) == (PlacementState.ACTIVE, placement.started_on)
    yesterday = timezone.localdate() - timedelta(days=1)
    session, _ = record(supervisor, placement, day=yesterday)  # 3 hours
    assert PlacementHoursStatistic.objects.get(statistic=shadow, year=yesterday.year).minutes == 180
    services.correct_session(
        actor=supervisor,
        session=session,
        times=services.SessionTimes(
            day=yesterday,
            start=timezone.localtime(session.starts_at).time(),
            end=timezone.localtime(session.starts_at).time().replace(hour=10),
        ),
        reason="Départ à 10 h",
    )
    shadow.refresh_from_db()
    assert shadow.minutes_done == 60
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.INTERRUPTED,
        occurred_on=timezone.localdate(),
        reason="moved",
    )
    shadow.refresh_from_db()
    assert (shadow.state, shadow.ended_on, shadow.interruption_reason) == (
        PlacementState.INTERRUPTED,
        timezone.localdate(),
        "moved",
    )


def test_the_purge_destroys_the_placement_and_leaves_its_shadow(
    coordinator, supervisor, territory, placement
):
    record(supervisor, placement)
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.INTERRUPTED,
        occurred_on=timezone.localdate(),
        reason="health",
    )
    purge(today=add_months(timezone.localdate(), 36), territories=[territory])
    assert not Placement.objects.exists()
    shadow = PlacementStatistic.objects.get()
    assert shadow.placement is None
    assert shadow.minutes_done == 180 and shadow.hours_by_year.get().minutes == 180
    year = timezone.localdate().year
    figures = dict(figures_for(territory, year).key_figures)
    assert figures["Placements interrompus"].value == 1  # counted, and shown "< 5"
    assert figures["Placements interrompus"].shown == SMALL


# --- Figures against a count by hand ---------------------------------------------------------


def _shadow(territory, service, **fields):
    values = {
        "territory": territory,
        "service": service,
        "age_band": "18_24",
        "sex": "male",
        "hours_ordered": 70,
        "proposed_on": date(2025, 1, 1),
        "state": PlacementState.ACTIVE,
    }
    values.update(fields)
    return PlacementStatistic.objects.create(**values)


@pytest.fixture
def year_of_shadows(territory, parks):
    """60 placements of 2024–2025, at random: states, bands, sexes, dates, hours."""
    rng = random.Random(8)
    rows = []
    for _n in range(60):
        started = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        state = rng.choice(
            [PlacementState.ACTIVE, PlacementState.COMPLETED, PlacementState.INTERRUPTED]
        )
        ended = started + timedelta(days=rng.randrange(30, 400)) if state != "active" else None
        shadow = _shadow(
            territory,
            parks,
            age_band=rng.choice(["16_17", "18_24", "25_34", "35_49", "50_plus"]),
            sex=rng.choice(["male", "female"]),
            started_on=started,
            ended_on=ended,
            state=state,
            proposed_on=started - timedelta(days=20),
        )
        for year in {started.year, (ended or started).year}:
            PlacementHoursStatistic.objects.create(
                territory=territory, statistic=shadow, year=year, minutes=rng.randrange(60, 6000)
            )
        rows.append(shadow)
    return rows


def test_the_figures_match_a_count_by_hand(territory, year_of_shadows):
    year = 2025
    figures = figures_for(territory, year)
    key = dict(figures.key_figures)
    started = [s for s in year_of_shadows if s.started_on.year == year]
    completed = [
        s
        for s in year_of_shadows
        if s.ended_on and s.ended_on.year == year and s.state == "completed"
    ]
    interrupted = [
        s
        for s in year_of_shadows
        if s.ended_on and s.ended_on.year == year and s.state == "interrupted"
    ]
    assert key["Placements commencés"].value == len(started)
    assert key["Placements menés à terme"].value == len(completed) >= 5
    assert key["Placements interrompus"].value == len(interrupted) >= 5
    rate = round(100 * len(completed) / (len(completed) + len(interrupted)), 1)
    assert float(key["Taux de réalisation (%)"].value) == rate
    median = statistics.median((s.ended_on - s.started_on).days for s in completed)
    assert float(key["Durée médiane de réalisation (jours)"].value) == pytest.approx(
        median, abs=0.05
    )
    minutes = sum(h.minutes for h in PlacementHoursStatistic.objects.filter(year=year))
    assert key["Heures effectuées"].value == round(minutes / 60)
    by_band = {
        row.label: row for row in next(t for t in figures.tables if t.key == "age_band").rows
    }
    for band, label in (("18_24", "18 à 24 ans"), ("50_plus", "50 ans et plus")):
        count = sum(1 for s in started if s.age_band == band)
        cell = by_band[label].cells[0]
        assert cell.value == count
        assert cell.shown in (str(count), SMALL, WITHHELD)
        if 0 < count < 5:
            assert cell.shown == SMALL


def test_small_counts_and_what_rests_on_them_are_withheld(territory, parks):
    for n in range(3):
        _shadow(
            territory,
            parks,
            started_on=date(2025, 2, 1),
            ended_on=date(2025, 6, 1 + n),
            state=PlacementState.COMPLETED,
        )
    shadow = _shadow(territory, parks, started_on=date(2025, 3, 1))
    PlacementHoursStatistic.objects.create(
        territory=territory, statistic=shadow, year=2025, minutes=600
    )
    key = {label: cell.shown for label, cell in figures_for(territory, 2025).key_figures}
    assert key["Placements commencés"] == SMALL
    assert key["Placements menés à terme"] == SMALL
    assert key["Placements interrompus"] == "0"
    # A rate, a median or hours over fewer than 5 placements would point at them.
    assert key["Taux de réalisation (%)"] == WITHHELD
    assert key["Durée médiane de réalisation (jours)"] == WITHHELD
    assert key["Heures effectuées"] == WITHHELD


def test_posts_offered_and_filled_per_service(territory, parks, post, other_post):
    from tranquillite.community_service.models import PostStatusChange

    PostStatusChange.objects.create(territory=territory, post=post, is_open=True)
    table = next(
        t for t in figures_for(territory, timezone.localdate().year).tables if t.key == "posts"
    )
    row = next(r for r in table.rows if r.label == parks.name)
    assert [cell.shown for cell in row.cells[:2]] == ["2", str(post.capacity + other_post.capacity)]
    assert row.cells[2].shown == "0"  # no placement yet


def test_the_figures_take_a_bounded_number_of_queries(territory, parks, year_of_shadows):
    with CaptureQueriesContext(connection) as few:
        figures_for(territory, 2025)
    for _n in range(40):
        _shadow(territory, parks, started_on=date(2025, 5, 5), age_band="35_49")
    with CaptureQueriesContext(connection) as many:
        figures_for(territory, 2025)
    assert len(many) == len(few) <= 10


# --- The page and its export -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.ELECTED_OFFICIAL, 200),
        (Role.SUPERVISOR, 403),
        (Role.PARTNER_MEMBER, 403),
    ],
)
def test_who_sees_the_page(territory, client_for, role, status):
    assert client_for(member(territory, role)).get(PAGE).status_code == status


def test_the_page_and_the_export_name_no_one(client_for, coordinator, territory, placement):
    client = client_for(coordinator)
    year = timezone.localdate().year
    assert statistic_years(territory) == [year]
    page = client.get(PAGE, {"year": year}).content.decode()
    assert "<caption>Postes offerts et pourvus, par service municipal</caption>" in page
    assert "&lt; 5" in page
    refused = client.post(EXPORT, {"year": year})
    assert refused.status_code == 400
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()
    response = client.post(EXPORT, {"year": year, "reason": "Bilan TIG pour le CLSPD"})
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert coordinator.email in text.splitlines()[0]
    assert "Placements commencés;< 5" in text
    for name in (placement.person.first_name, placement.person.last_name, placement.case_number):
        assert name not in page and name not in text
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (entry.actor, entry.reason) == (coordinator, "Bilan TIG pour le CLSPD")


def test_garbage_years_fall_back(client_for, coordinator):
    client = client_for(coordinator)
    for value in ("abc", "99999999999", "-1", "2025\x00"):
        assert client.get(PAGE, {"year": value}).status_code == 200
