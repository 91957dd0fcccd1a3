"""Meetings: agenda with open and confidential items, attendance and quorum, the decision
record and its follow-up tasks, and everyone's "my tasks"."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.governance import services
from tranquillite.governance.models import (
    Body,
    BodyKind,
    FollowUpTask,
    MeetingStatus,
    Presence,
    TaskStatus,
)


@pytest.fixture
def minors(territory):
    return Body.objects.create(
        territory=territory, name="Groupe Mineurs", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )


@pytest.fixture
def meeting(minors, coordinator):
    return services.plan_meeting(
        actor=coordinator,
        body=minors,
        starts_at=timezone.make_aware(datetime(2026, 12, 3, 14, 0)),
        place="Centre administratif, salle 3",
    )


@pytest.fixture
def police(territory, minors, coordinator):
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=minors, user=officer)
    return officer


def test_a_confidential_item_is_a_case_number_and_nothing_else(meeting, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("governance:agenda_add", args=[meeting.public_id])
    client.post(url, {"title": "Bilan des rappels à l'ordre"})
    client.post(url, {"case_number": "RAO-2026-0012"})
    refused = client.post(url, {"case_number": "Kevin Martin"})
    assert refused.status_code == 400
    both = client.post(url, {"title": "Situation de Kevin", "case_number": "RAO-2026-0013"})
    assert both.status_code == 400
    items = [(i.label, i.is_confidential, i.position) for i in meeting.agenda_items.all()]
    assert items == [
        ("Bilan des rappels à l'ordre", False, 1),
        ("Situation RAO-2026-0012", True, 2),
    ]


def test_a_body_without_cases_cannot_put_a_case_on_its_agenda(territory, coordinator):
    plenary = Body.objects.create(territory=territory, name="Plénière", kind=BodyKind.PLENARY)
    meeting = services.plan_meeting(
        actor=coordinator, body=plenary, starts_at=timezone.now(), place="Salle des fêtes"
    )
    with pytest.raises(ValidationError):
        services.add_agenda_item(actor=coordinator, meeting=meeting, case_number="RAO-2026-0001")


def test_attendance_and_quorum(minors, meeting, coordinator, police, territory):
    third = member(territory, Role.PARTNER_MEMBER)
    fourth = member(territory, Role.PARTNER_MEMBER)
    for user in (third, fourth):
        services.add_member(actor=coordinator, body=minors, user=user)
    members = {m.user_id: m for m in minors.members.all()}
    services.record_attendance(
        actor=coordinator,
        meeting=meeting,
        presences={members[police.pk]: Presence.PRESENT, members[third.pk]: Presence.EXCUSED},
    )
    assert services.quorum(meeting) == {"counted": 1, "expected": 3, "reached": False}
    services.record_attendance(
        actor=coordinator, meeting=meeting, presences={members[fourth.pk]: Presence.REPRESENTED}
    )
    assert services.quorum(meeting) == {"counted": 2, "expected": 3, "reached": True}


def test_a_decision_with_a_task_marks_the_meeting_held_and_reaches_my_tasks(
    meeting, coordinator, police, client_for
):
    client_for(coordinator).post(
        reverse("governance:decision_add", args=[meeting.public_id]),
        {
            "text": "Orienter la situation RAO-2026-0012 vers un rappel à l'ordre.",
            "task_title": "Consulter le parquet",
            "task_owner": police.public_id,
            "task_due_on": "2026-12-17",
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    task = FollowUpTask.objects.get()
    assert (task.owner_id, task.due_on) == (police.pk, date(2026, 12, 17))
    page = client_for(police).get(reverse("governance:my_tasks"))
    assert [t.pk for t in page.context["tasks"]] == [task.pk]
    client_for(police).post(
        reverse("governance:task_status", args=[task.public_id]), {"status": "done"}
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    assert list(client_for(police).get(reverse("governance:my_tasks")).context["tasks"]) == []


def test_a_half_filled_task_is_refused_and_the_decision_kept_in_the_form(
    meeting, coordinator, client_for
):
    response = client_for(coordinator).post(
        reverse("governance:decision_add", args=[meeting.public_id]),
        {"text": "Décision sans suite complète", "task_title": "Relancer le bailleur"},
    )
    assert response.status_code == 400
    assert "Décision sans suite complète" in response.content.decode()
    assert not meeting.decisions.exists()


def test_only_the_owner_or_the_coordinator_moves_a_task(meeting, coordinator, police, territory):
    decision = services.record_decision(
        actor=coordinator,
        meeting=meeting,
        text="Suivi",
        task_title="Rappeler la famille",
        task_owner=police,
        task_due_on=date(2026, 12, 10),
    )
    task = decision.tasks.get()
    other = member(territory, Role.PARTNER_MEMBER)
    with pytest.raises(PermissionDenied):
        services.set_task_status(actor=other, task=task, status=TaskStatus.DONE)
    services.set_task_status(actor=coordinator, task=task, status=TaskStatus.IN_PROGRESS)


def test_someone_elses_task_cannot_be_reached(meeting, coordinator, police, territory, client_for):
    decision = services.record_decision(
        actor=coordinator,
        meeting=meeting,
        text="Suivi",
        task_title="Rappeler la famille",
        task_owner=police,
        task_due_on=date(2026, 12, 10),
    )
    task = decision.tasks.get()
    other = member(territory, Role.PARTNER_MEMBER)
    response = client_for(other).post(
        reverse("governance:task_status", args=[task.public_id]), {"status": "done"}
    )
    assert response.status_code == 404


def test_a_meeting_is_seen_by_whoever_sees_its_body(meeting, territory, police, client_for):
    url = reverse("governance:meeting", args=[meeting.public_id])
    assert client_for(police).get(url).status_code == 200
    outsider = member(territory, Role.PARTNER_MEMBER)
    assert client_for(outsider).get(url).status_code == 404


def test_the_meeting_page_costs_the_same_queries_whatever_its_size(
    meeting, coordinator, police, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(coordinator)
    url = reverse("governance:meeting", args=[meeting.public_id])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.add_agenda_item(actor=coordinator, meeting=meeting, title="Point 1")
    services.record_decision(
        actor=coordinator,
        meeting=meeting,
        text="D1",
        task_title="T1",
        task_owner=police,
        task_due_on=date(2026, 12, 10),
    )
    few = count()
    for n in range(6):
        services.add_agenda_item(actor=coordinator, meeting=meeting, title=f"Point {n + 2}")
        services.record_decision(
            actor=coordinator,
            meeting=meeting,
            text=f"D{n}",
            task_title="T",
            task_owner=police,
            task_due_on=date(2026, 12, 10),
        )
    assert count() == few
    assert few <= 12  # 15 with the once-a-minute session write


def test_a_monitoring_committees_meeting_with_evaluations_costs_twelve_queries_at_most(
    territory, coordinator, client_for
):
    """The strategy's panel (read only: the forms are on the meeting's evaluation page) adds
    one query to the meeting page, whatever the number of sheets and evaluations."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ActionSheetFactory, AxisFactory, StrategyFactory
    from tranquillite.strategy.evaluations import evaluate_sheet

    committee = Body.objects.create(
        territory=territory, name="Comité de suivi", kind=BodyKind.MONITORING_COMMITTEE
    )
    day = timezone.localdate() - timedelta(days=30)
    held = services.plan_meeting(
        actor=coordinator,
        body=committee,
        starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time())).replace(hour=9),
        place="Hôtel de ville",
    )
    contract = AxisFactory(
        strategy=StrategyFactory(territory=territory, is_current=False), number=1
    )
    stspd = AxisFactory(strategy=StrategyFactory(territory=territory, is_current=True), number=1)

    def add(n):
        officer = member(territory, Role.PARTNER_MEMBER)
        services.add_member(actor=coordinator, body=committee, user=officer)
        services.add_agenda_item(actor=coordinator, meeting=held, title=f"Point {n}")
        services.record_decision(
            actor=coordinator,
            meeting=held,
            text=f"D{n}",
            task_title="T",
            task_owner=officer,
            task_due_on=day + timedelta(days=60),
        )
        for axis in (contract, stspd):
            for i in range(2):
                sheet = ActionSheetFactory(axis=axis, number=f"1.{n}{i}")
                evaluate_sheet(
                    actor=coordinator,
                    sheet=sheet,
                    meeting=held,
                    evaluated_on=day,
                    status="at_risk",
                    progress=10 * n + i,
                    decision="reorient",
                )
            ActionSheetFactory(axis=axis, number=f"1.{n}9")  # due, never evaluated

    client = client_for(coordinator)
    url = reverse("governance:meeting", args=[held.public_id])

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
            assert page.status_code == 200
        return len(captured), page

    add(1)
    client.get(url)
    few, _page = count()
    for n in range(2, 6):
        add(n)
    many, page = count()
    assert many == few <= 12  # 15 with the once-a-minute session write
    panel = page.context["panels"][0].context
    assert (len(panel["rows"]), panel["evaluated"]) == (30, 20)
    assert [group.strategy for group in panel["groups"]] == [stspd.strategy, contract.strategy]
    assert "<form" not in page.content.decode().split('id="evaluations"')[1].split("</section>")[0]


def test_a_meeting_is_cancelled_with_its_reason_kept_and_shown(
    meeting, coordinator, police, territory, client_for
):
    from auditlog.models import LogEntry

    from tranquillite.governance.documents import meeting_ics

    client = client_for(coordinator)
    url = reverse("governance:meeting_cancel", args=[meeting.public_id])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Salle indisponible"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancellation_reason == "Salle indisponible"
    page = client_for(police).get(reverse("governance:meeting", args=[meeting.public_id]))
    assert "Salle indisponible" in page.content.decode()
    assert "STATUS:CANCELLED" in meeting_ics(meeting)
    entry = LogEntry.objects.get_for_object(meeting).order_by("-timestamp").first()
    assert "Salle indisponible" in str(entry.changes)
    # Once cancelled, it cannot be cancelled again; a member without the right cannot.
    with pytest.raises(ValidationError):
        services.cancel_meeting(actor=coordinator, meeting=meeting, reason="encore")
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(actor=police, meeting=meeting, reason="moi")
