"""Activities of the action sheets: requested, planned, held with participants counted by age
band and sex (never named), cancelled; who may report on which sheet; the list's totals."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    OrganisationFactory,
    StrategyFactory,
    member,
)
from tranquillite.accounts.models import OrganisationKind
from tranquillite.accounts.roles import Role
from tranquillite.strategy import activities
from tranquillite.strategy.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ParticipantCount,
    SheetPartner,
)

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def on(month, day, year=LAST_YEAR):
    return date(year, month, day)


@pytest.fixture
def world(territory):
    strategy = StrategyFactory(territory=territory)
    axis = AxisFactory(strategy=strategy, number=1)
    police = OrganisationFactory(
        territory=territory, name="Commissariat de Pantin", kind=OrganisationKind.NATIONAL_POLICE
    )
    school = OrganisationFactory(territory=territory, name="Collège Jean-Lolive")
    youth = ActionSheetFactory(axis=axis, number="1.2", title="Projet jeunes–police", lead=police)
    classes = ActionSheetFactory(axis=axis, number="1.3", title="Policiers en classe", lead=police)
    SheetPartner.objects.create(
        territory=territory, sheet=classes, organisation=school, role="Demande les séances"
    )
    other = ActionSheetFactory(axis=axis, number="2.1", title="Médiation de soirée")
    return {
        "police": police,
        "school": school,
        "youth": youth,
        "classes": classes,
        "other": other,
        "officer": member(territory, Role.PARTNER_MEMBER, organisation=police),
        "head": member(territory, Role.PARTNER_MEMBER, organisation=school),
        "landlord": member(territory, Role.PARTNER_MEMBER),
    }


def plan_workshop(actor, sheet, planned_on, title="Atelier jeunes–police"):
    return activities.save_activity(
        actor=actor,
        sheet=sheet,
        data=activities.ActivityData(
            kind=ActivityKind.WORKSHOP, title=title, planned_on=planned_on
        ),
    )


def grid_post(held_on, summary="", **cells):
    data = {"held_on": held_on.isoformat(), "summary": summary}
    data |= {f"n_{key}": str(value) for key, value in cells.items()}
    return data


def test_the_lead_plans_a_workshop_then_records_it_held_with_counts(world, client_for):
    client = client_for(world["officer"])
    created = client.post(
        reverse("strategy:activity_create", args=[world["youth"].public_id]),
        {
            "kind": ActivityKind.WORKSHOP,
            "title": "Atelier n° 1 : se parler sans se juger",
            "status": ActivityStatus.PLANNED,
            "planned_on": on(3, 12).isoformat(),
            "place": "Maison de quartier des Courtillières",
            "facilitators": [world["police"].public_id],
        },
    )
    assert created.status_code == 302
    workshop = Activity.objects.get()
    assert (workshop.sheet, workshop.status, workshop.territory) == (
        world["youth"],
        ActivityStatus.PLANNED,
        world["youth"].territory,
    )
    assert list(workshop.facilitators.all()) == [world["police"]]

    held = client.post(
        reverse("strategy:activity_held", args=[workshop.public_id]),
        grid_post(
            on(3, 12), "Bon échange.", **{"14_17_female": 4, "14_17_male": 7, "over_25_male": 3}
        ),
    )
    assert held.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.held_on, workshop.summary) == (
        ActivityStatus.HELD,
        on(3, 12),
        "Bon échange.",
    )
    counts = {(c.age_band, c.sex): c.count for c in workshop.participant_counts.all()}
    assert counts == {("14_17", "female"): 4, ("14_17", "male"): 7, ("over_25", "male"): 3}

    page = client.get(reverse("strategy:activity", args=[workshop.public_id]))
    grid = page.context["grid"]
    assert grid.total == 14
    assert grid.column_totals == [4, 10, 0]
    assert [row.total for row in grid.rows] == [0, 0, 11, 0, 3]
    assert "<caption>Participants par tranche d’âge et par sexe</caption>" in (
        page.content.decode()
    )

    # Recorded again: the counts are corrected, a cell set to zero leaves no row.
    client.post(
        reverse("strategy:activity_held", args=[workshop.public_id]),
        grid_post(on(3, 12), **{"14_17_female": 5, "14_17_male": 0}),
    )
    assert list(ParticipantCount.objects.values_list("age_band", "sex", "count")) == [
        ("14_17", "female", 5)
    ]


def test_a_school_heads_request_becomes_a_classroom_session(world, client_for):
    client = client_for(world["head"])
    url = reverse("strategy:activity_create", args=[world["classes"].public_id])
    request = {
        "kind": ActivityKind.CLASSROOM_SESSION,
        "title": "Cyberharcèlement — 4e B",
        "status": ActivityStatus.REQUESTED,
        "requested_by": world["school"].public_id,
        "requested_on": on(1, 10).isoformat(),
        "class_name": "4e B",
        "planned_on": on(1, 5).isoformat(),
    }
    before = client.post(url, request)
    assert before.status_code == 400
    assert before.context["form"].errors["planned_on"] == [
        "L’activité ne peut pas être prévue avant d’avoir été demandée."
    ]
    assert client.post(url, request | {"planned_on": on(2, 3).isoformat()}).status_code == 302
    session = Activity.objects.get()
    assert (session.requested_by, session.class_name, session.status) == (
        world["school"],
        "4e B",
        ActivityStatus.REQUESTED,
    )
    edit_page = client.get(reverse("strategy:activity_edit", args=[session.public_id]))
    assert f'<option value="{world["school"].public_id}" selected>' in edit_page.content.decode()
    edited = client.post(
        reverse("strategy:activity_edit", args=[session.public_id]),
        request | {"planned_on": on(2, 3).isoformat(), "status": ActivityStatus.PLANNED},
    )
    assert edited.status_code == 302
    session.refresh_from_db()
    assert session.status == ActivityStatus.PLANNED


def test_held_needs_a_date_not_in_the_future_and_counts_that_are_not_negative(world, client_for):
    workshop = plan_workshop(world["officer"], world["youth"], TODAY + timedelta(days=20))
    client = client_for(world["officer"])
    url = reverse("strategy:activity_held", args=[workshop.public_id])
    future = client.post(url, grid_post(TODAY + timedelta(days=1), **{"11_13_female": 2}))
    assert future.status_code == 400
    assert "La date de réalisation ne peut pas être dans le futur." in future.content.decode()
    negative = client.post(url, grid_post(TODAY, **{"11_13_female": -2}))
    assert negative.status_code == 400
    missing = client.post(url, {"held_on": ""})
    assert missing.status_code == 400
    workshop.refresh_from_db()
    assert (workshop.status, workshop.held_on) == (ActivityStatus.PLANNED, None)
    assert not ParticipantCount.objects.exists()
    with pytest.raises(ValidationError):
        activities.record_held(
            actor=world["officer"],
            activity=workshop,
            held_on=TODAY + timedelta(days=1),
            counts={},
        )


def test_invalid_transitions_are_refused(world, client_for):
    officer = world["officer"]
    held = plan_workshop(officer, world["youth"], on(3, 1))
    activities.record_held(
        actor=officer, activity=held, held_on=on(3, 1), counts={("18_25", "male"): 2}
    )
    with pytest.raises(ValidationError):
        activities.cancel_activity(actor=officer, activity=held)
    cancelled = plan_workshop(officer, world["youth"], on(6, 1))
    activities.cancel_activity(actor=officer, activity=cancelled)
    with pytest.raises(ValidationError):
        activities.record_held(actor=officer, activity=cancelled, held_on=on(6, 1), counts={})
    with pytest.raises(ValidationError):
        activities.cancel_activity(actor=officer, activity=cancelled)
    # Neither creating nor editing may jump to "held" (which would skip the counts' rules).
    with pytest.raises(ValidationError):
        activities.save_activity(
            actor=officer,
            sheet=world["youth"],
            data=activities.ActivityData(
                kind=ActivityKind.WORKSHOP, title="Déjà fait", status=ActivityStatus.HELD
            ),
        )
    with pytest.raises(ValidationError):
        activities.save_activity(
            actor=officer,
            activity=cancelled,
            data=activities.ActivityData(
                kind=ActivityKind.WORKSHOP,
                title="Rouvert",
                status=ActivityStatus.PLANNED,
                planned_on=on(6, 1),
            ),
        )
    client = client_for(officer)
    response = client.post(reverse("strategy:activity_cancel", args=[held.public_id]))
    assert response.status_code == 302
    assert client.get(response["Location"]).context["activity"].status == ActivityStatus.HELD
    refused = client.get(reverse("strategy:activity_held", args=[cancelled.public_id]))
    assert refused.status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == ActivityStatus.CANCELLED
    assert cancelled.participant_counts.count() == 0


def test_who_may_report_on_which_sheet(world, territory, other_territory, client_for):
    workshop = plan_workshop(world["officer"], world["youth"], on(3, 1))
    create_youth = reverse("strategy:activity_create", args=[world["youth"].public_id])
    create_classes = reverse("strategy:activity_create", args=[world["classes"].public_id])
    writes = [
        reverse("strategy:activity_edit", args=[workshop.public_id]),
        reverse("strategy:activity_held", args=[workshop.public_id]),
        reverse("strategy:activity_cancel", args=[workshop.public_id]),
        create_youth,
    ]
    # A partner member whose organisation takes no part in the sheet: 403, always.
    landlord = client_for(world["landlord"])
    for url in writes:
        assert landlord.post(url, {}).status_code == 403, url
    assert landlord.get(create_youth).status_code == 403
    # The school is a partner of the classroom sessions only.
    head = client_for(world["head"])
    assert head.get(create_classes).status_code == 200
    assert head.get(create_youth).status_code == 403
    # The elected official reads, and holds no right to report.
    official = client_for(member(territory, Role.ELECTED_OFFICIAL))
    assert official.get(reverse("strategy:activity", args=[workshop.public_id])).status_code == 200
    assert official.get(create_youth).status_code == 403
    # Another territory: nothing exists.
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    assert stranger.get(reverse("strategy:activity", args=[workshop.public_id])).status_code == 404
    for url in writes:
        assert stranger.post(url, {}).status_code == 404, url
    # The coordinator may report on every sheet, the service checks the same rule.
    assert client_for(member(territory, Role.COORDINATOR)).get(create_youth).status_code == 200
    with pytest.raises(PermissionDenied):
        activities.cancel_activity(actor=world["landlord"], activity=workshop)
    workshop.refresh_from_db()
    assert workshop.status == ActivityStatus.PLANNED


def fill(world, year=LAST_YEAR):
    """The youth–police project: 4 workshops planned, 3 held, 1 cancelled; one session."""
    officer = world["officer"]
    for n, month in enumerate((2, 4, 6, 9), start=1):
        workshop = plan_workshop(officer, world["youth"], date(year, month, 10), f"Atelier {n}")
        if n < 4:
            activities.record_held(
                actor=officer,
                activity=workshop,
                held_on=date(year, month, 10),
                counts={("14_17", "female"): n, ("14_17", "male"): 2 * n, ("over_25", "male"): 1},
            )
    activities.cancel_activity(
        actor=officer, activity=plan_workshop(officer, world["youth"], date(year, 11, 5))
    )
    session = activities.save_activity(
        actor=officer,
        sheet=world["classes"],
        data=activities.ActivityData(
            kind=ActivityKind.CLASSROOM_SESSION,
            title="Cyberharcèlement — 3e A",
            status=ActivityStatus.REQUESTED,
            requested_by=world["school"],
            requested_on=date(year, 1, 8),
            class_name="3e A",
        ),
    )
    activities.record_held(
        actor=officer,
        activity=session,
        held_on=date(year, 1, 20),
        counts={("11_13", "female"): 12, ("11_13", "male"): 13},
    )


def test_the_list_shows_planned_against_held_and_participant_totals(world, territory, client_for):
    fill(world)
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    url = reverse("strategy:activities")
    page = client.get(url)
    rows = {
        (r.sheet_number, r.year): (r.planned, r.held, r.participants)
        for r in page.context["by_sheet"]
    }
    assert rows == {("1.2", LAST_YEAR): (4, 3, 21), ("1.3", LAST_YEAR): (1, 1, 25)}
    grid = page.context["grid"]
    assert grid.total == 46
    assert grid.column_totals == [6 + 12, 12 + 3 + 13, 0]
    assert [row.total for row in grid.rows] == [0, 25, 18, 0, 3]
    assert page.context["page"].paginator.count == 6

    workshops = client.get(url, {"kind": ActivityKind.WORKSHOP, "year": LAST_YEAR})
    assert workshops.context["grid"].total == 21
    assert workshops.context["page"].paginator.count == 5
    held = client.get(url, {"status": ActivityStatus.HELD, "sheet": world["classes"].public_id})
    assert held.context["page"].paginator.count == 1
    assert held.context["grid"].total == 25
    assert (
        client.get(url, {"year": LAST_YEAR - 5}).context["page"].paginator.count == 6
    )  # not a year of the list: ignored

    sheet_page = client.get(reverse("strategy:sheet", args=[world["youth"].public_id]))
    text = sheet_page.content.decode()
    assert f"{LAST_YEAR} —" in text and "4 prévues" in text and "3 réalisées" in text
    assert reverse("strategy:activity_create", args=[world["youth"].public_id]) not in text


def test_the_list_costs_the_same_queries_whatever_the_number_of_activities(
    world, territory, client_for
):
    client = client_for(member(territory, Role.COORDINATOR))
    url = reverse("strategy:activities")
    fill(world)
    client.get(url)  # the session's first request costs more

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    fill(world, year=LAST_YEAR - 1)
    fill(world)
    assert count() == few <= 16


def test_another_territorys_activities_are_not_listed(world, other_territory, client_for):
    fill(world)
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    page = stranger.get(reverse("strategy:activities"))
    assert page.context["page"].paginator.count == 0
    assert page.context["grid"].total == 0
    assert page.context["by_sheet"] == []
