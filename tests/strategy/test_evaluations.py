"""The committees' evaluations of action sheets: who may record them, in which meetings, the
consistency rules, the sheet following its latest evaluation, the next review, the sheets due
for review, and the meeting's evaluation list (its own page and the governance panel)."""

from datetime import date, datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionSheetFactory, AxisFactory, StrategyFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, Meeting, MeetingStatus
from tranquillite.strategy.evaluations import (
    add_months,
    evaluate_sheet,
    history_for_sheet,
    next_review_after,
    sheets_due_for_review,
)
from tranquillite.strategy.models import Evaluation, SheetStatus


def at(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def body(territory, kind, name=None):
    return Body.objects.create(territory=territory, name=name or f"Instance {kind}", kind=kind)


def meeting_of(committee, day, **extra):
    return Meeting.objects.create(
        territory=committee.territory,
        body=committee,
        starts_at=at(day),
        **{"place": "Hôtel de ville", **extra},
    )


@pytest.fixture
def committee(territory):
    return body(territory, BodyKind.MONITORING_COMMITTEE, "Comité de suivi")


@pytest.fixture
def march(committee):
    return meeting_of(committee, date(2026, 3, 10))


@pytest.fixture
def axis(territory):
    strategy = StrategyFactory(territory=territory, title="Contrat local de sécurité")
    return AxisFactory(strategy=strategy, number=1, title="Éducation et citoyenneté")


@pytest.fixture
def sheet(axis):
    return ActionSheetFactory(axis=axis, number="1.1", title="Prévention des toxicomanies")


def evaluate(actor, sheet, meeting, **values):
    values = {"status": "on_track", "progress": 40, "decision": "continue", **values}
    return evaluate_sheet(
        actor=actor,
        sheet=sheet,
        meeting=meeting,
        evaluated_on=values.pop("evaluated_on", meeting.starts_at.date() if meeting else None),
        **values,
    )


# --- Rights and meetings --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ELECTED_OFFICIAL, Role.PARTNER_MEMBER, Role.MEDIATOR])
def test_only_the_strategys_managers_evaluate(territory, sheet, march, role):
    with pytest.raises(PermissionDenied):
        evaluate(member(territory, role), sheet, march)
    assert not Evaluation.objects.exists()


def test_the_director_evaluates_like_the_coordinator(territory, sheet, march):
    evaluate(member(territory, Role.DIRECTOR), sheet, march)
    assert Evaluation.objects.get().recorded_by.memberships.get().role == Role.DIRECTOR


@pytest.mark.parametrize(
    "kind",
    [
        BodyKind.PLENARY,
        BodyKind.RESTRICTED,
        BodyKind.STEERING_COMMITTEE,
        BodyKind.MONITORING_COMMITTEE,
    ],
)
def test_the_council_and_its_committees_evaluate(territory, coordinator, sheet, kind):
    evaluate(coordinator, sheet, meeting_of(body(territory, kind), date(2026, 3, 10)))
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("kind", [BodyKind.WORKING_GROUP, BodyKind.FAMILY_COUNCIL])
def test_a_working_group_or_the_cddf_does_not_evaluate_the_strategy(
    territory, coordinator, sheet, kind
):
    meeting = meeting_of(body(territory, kind), date(2026, 3, 10))
    with pytest.raises(ValidationError, match="évalue les fiches action"):
        evaluate(coordinator, sheet, meeting)
    assert not Evaluation.objects.exists()


def test_another_territorys_meeting_is_refused(other_territory, coordinator, sheet):
    elsewhere = meeting_of(body(other_territory, BodyKind.MONITORING_COMMITTEE), date(2026, 3, 10))
    with pytest.raises(ValidationError, match="territoire"):
        evaluate(coordinator, sheet, elsewhere)


def test_a_cancelled_meeting_or_another_day_is_refused(committee, coordinator, sheet):
    cancelled = meeting_of(committee, date(2026, 3, 12), status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError, match="annulée"):
        evaluate(coordinator, sheet, cancelled)
    held = meeting_of(committee, date(2026, 3, 19))
    with pytest.raises(ValidationError, match="jour de la réunion"):
        evaluate(coordinator, sheet, held, evaluated_on=date(2026, 3, 20))


def test_no_evaluation_in_the_future(committee, coordinator, sheet):
    coming = meeting_of(committee, timezone.localdate() + timedelta(days=7))
    with pytest.raises(ValidationError, match="futur"):
        evaluate(coordinator, sheet, coming)
    with pytest.raises(ValidationError, match="futur"):
        evaluate(coordinator, sheet, None, evaluated_on=timezone.localdate() + timedelta(days=1))


# --- Consistency ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"progress": 101}, "progress", "de 0 à 100"),
        ({"progress": -1}, "progress", "de 0 à 100"),
        ({"status": "done", "progress": 80}, "progress", "100\u00a0%"),
        ({"decision": "stop"}, "decision", "« Arrêter »"),
        ({"status": "stopped", "decision": "continue"}, "decision", "« Arrêter »"),
        ({"status": "planned"}, "status", "statut"),
    ],
)
def test_inconsistent_evaluations_are_refused_in_french(
    coordinator, sheet, march, values, field, message
):
    with pytest.raises(ValidationError) as refused:
        evaluate(coordinator, sheet, march, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Evaluation.objects.exists()


def test_done_at_100_and_stop_with_stopped_are_accepted(coordinator, axis, march):
    done = ActionSheetFactory(axis=axis, number="1.2")
    stopped = ActionSheetFactory(axis=axis, number="1.3")
    evaluate(coordinator, done, march, status="done", progress=100)
    evaluate(coordinator, stopped, march, status="stopped", progress=30, decision="stop")
    done.refresh_from_db()
    stopped.refresh_from_db()
    assert (done.status, done.progress, done.next_review_on) == ("done", 100, None)
    assert (stopped.status, stopped.progress, stopped.next_review_on) == ("stopped", 30, None)


# --- One per meeting, latest by date wins ---------------------------------------------------


def test_evaluating_again_in_the_same_meeting_corrects_it_and_keeps_the_history(
    coordinator, sheet, march
):
    first = evaluate(coordinator, sheet, march, progress=40, comment="Deux ateliers tenus.")
    again = evaluate(coordinator, sheet, march, status="at_risk", progress=35)
    assert Evaluation.objects.count() == 1 and again.pk == first.pk
    sheet.refresh_from_db()
    assert (sheet.status, sheet.progress) == ("at_risk", 35)
    changes = LogEntry.objects.get_for_object(first).order_by("timestamp")
    assert [entry.action for entry in changes] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert changes.last().changes_dict["progress"] == ["40", "35"]


def test_the_sheet_follows_its_latest_evaluation_by_date_not_by_entry(
    committee, coordinator, sheet, march
):
    evaluate(coordinator, sheet, march, status="on_track", progress=60)
    october = meeting_of(committee, date(2025, 10, 7))
    evaluate(coordinator, sheet, october, status="late", progress=20)  # typed in afterwards
    sheet.refresh_from_db()
    assert (sheet.status, sheet.progress, sheet.next_review_on) == (
        "on_track",
        60,
        date(2026, 9, 10),
    )
    # Correcting the latest one still moves the sheet; correcting the older one does not.
    evaluate(coordinator, sheet, march, status="at_risk", progress=55)
    evaluate(coordinator, sheet, october, status="late", progress=25)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.progress, sheet.next_review_on) == (
        "at_risk",
        55,
        date(2026, 6, 10),
    )
    assert [e.evaluated_on for e in history_for_sheet(sheet)] == [
        date(2026, 3, 10),
        date(2025, 10, 7),
    ]


def test_an_evaluation_outside_a_meeting_is_possible_and_not_merged(coordinator, sheet):
    evaluate(coordinator, sheet, None, evaluated_on=date(2026, 1, 5))
    evaluate(coordinator, sheet, None, evaluated_on=date(2026, 2, 5), progress=50)
    assert Evaluation.objects.filter(meeting=None).count() == 2
    sheet.refresh_from_db()
    assert sheet.progress == 50


# --- Next review ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "decision", "expected"),
    [
        ("on_track", "continue", date(2026, 9, 10)),
        ("at_risk", "continue", date(2026, 6, 10)),
        ("late", "continue", date(2026, 6, 10)),
        ("on_track", "reorient", date(2026, 6, 10)),
        ("done", "continue", None),
        ("stopped", "stop", None),
    ],
)
def test_the_next_review_rule(status, decision, expected):
    assert next_review_after(date(2026, 3, 10), status, decision) == expected


def test_months_are_added_as_a_calendar_does():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_an_evaluation_moves_the_sheets_next_review(coordinator, sheet, march):
    evaluate(coordinator, sheet, march, status="late", progress=10)
    sheet.refresh_from_db()
    assert sheet.next_review_on == date(2026, 6, 10)


# --- Sheets due for review ------------------------------------------------------------------


@pytest.fixture
def due_mix(axis, coordinator, march):
    """1.1 never evaluated; 1.2 reviewed in March (due in September); 1.10 due in June;
    1.3 done and 1.4 stopped without evaluation; 1.5 evaluated done."""
    never = ActionSheetFactory(axis=axis, number="1.1")
    september = ActionSheetFactory(axis=axis, number="1.2")
    june = ActionSheetFactory(axis=axis, number="1.10")
    ActionSheetFactory(axis=axis, number="1.3", status=SheetStatus.DONE)
    ActionSheetFactory(axis=axis, number="1.4", status=SheetStatus.STOPPED)
    finished = ActionSheetFactory(axis=axis, number="1.5")
    evaluate(coordinator, september, march, status="on_track")
    evaluate(coordinator, june, march, status="late", progress=10)
    evaluate(coordinator, finished, march, status="done", progress=100)
    return {"never": never, "september": september, "june": june}


def test_the_sheets_due_for_review_by_a_date(axis, due_mix):
    def due(day):
        return [s.number for s in sheets_due_for_review(axis.strategy, day)]

    assert due(date(2026, 4, 1)) == ["1.1"]
    assert due(date(2026, 6, 10)) == ["1.1", "1.10"]
    assert due(date(2026, 12, 1)) == ["1.1", "1.2", "1.10"]
    sheets = sheets_due_for_review(axis.strategy, date(2026, 12, 1))
    assert [s.last_evaluation and s.last_evaluation.status for s in sheets] == [
        None,
        "on_track",
        "late",
    ]


def test_the_review_page_lists_them_in_constant_queries(
    territory, axis, due_mix, coordinator, client_for
):
    client = client_for(member(territory, Role.ELECTED_OFFICIAL))
    url = reverse("strategy:review_list")
    query = {"strategie": axis.strategy.public_id, "au": "2026-12-01"}
    page = client.get(url, query)
    assert [s.number for s in page.context["sheets"]] == ["1.1", "1.2", "1.10"]
    assert "Comité de suivi" in page.content.decode()
    assert [s.number for s in client.get(url, {**query, "au": "2026-04-01"}).context["sheets"]] == [
        "1.1"
    ]

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured)

    few = count()
    march = Meeting.objects.get()
    for n in range(20, 35):
        extra = ActionSheetFactory(axis=axis, number=f"1.{n}")
        evaluate(coordinator, extra, march, status="late", progress=n)
    assert len(client.get(url, query).context["sheets"]) == 18
    assert count() == few <= 12


# --- The meeting's evaluation list ----------------------------------------------------------


@pytest.fixture
def today_meeting(committee):
    return meeting_of(committee, timezone.localdate(), place="Salle du conseil")


def form_data(sheet, **values):
    prefix = f"e{sheet.public_id.hex[:12]}"
    values = {"status": "on_track", "progress": "40", "decision": "continue", **values}
    return {f"{prefix}-{key}": value for key, value in values.items()}


def test_the_meeting_page_evaluates_each_due_sheet_without_javascript(
    axis, sheet, today_meeting, coordinator, client_for
):
    client = client_for(coordinator)
    page_url = reverse("strategy:meeting_evaluations", args=[today_meeting.public_id])
    page = client.get(page_url)
    assert [row.sheet.number for row in page.context["panel"]["rows"]] == ["1.1"]
    assert "Prévention des toxicomanies" in page.content.decode()

    post_url = reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
    answer = client.post(
        post_url,
        {**form_data(sheet, progress="45", comment="Atelier tenu"), "next": page_url},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{page_url}#fiche-{sheet.public_id}"
    sheet.refresh_from_db()
    assert (sheet.status, sheet.progress) == ("on_track", 45)

    # Saved: still listed (though no longer due), with its values in the form and above it.
    page = client.get(page_url)
    (row,) = page.context["panel"]["rows"]
    assert row.evaluation.progress == 45
    assert row.form.initial["comment"] == "Atelier tenu"
    assert "Évaluée dans cette réunion" in page.content.decode()


def test_a_refused_evaluation_comes_back_with_its_reason(
    sheet, today_meeting, coordinator, client_for
):
    post_url = reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
    answer = client_for(coordinator).post(post_url, form_data(sheet, status="done", progress="80"))
    assert answer.status_code == 400
    assert "Une action « Faite » est à 100\u00a0%" in answer.content.decode()
    assert not Evaluation.objects.exists()


def test_with_htmx_only_the_sheets_block_comes_back(sheet, today_meeting, coordinator, client_for):
    post_url = reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
    client = client_for(coordinator)
    saved = client.post(post_url, form_data(sheet), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    html = saved.content.decode()
    assert html.lstrip().startswith(f'<li id="fiche-{sheet.public_id}"')
    assert "Évaluation enregistrée." in html
    refused = client.post(post_url, form_data(sheet, decision="stop"), HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "« Arrêter »" in refused.content.decode()


def test_the_return_address_stays_on_the_meeting(sheet, today_meeting, coordinator, client_for):
    post_url = reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
    answer = client_for(coordinator).post(
        post_url, {**form_data(sheet), "next": "https://example.org/"}
    )
    assert answer["Location"].startswith(
        reverse("strategy:meeting_evaluations", args=[today_meeting.public_id])
    )


def test_who_may_see_and_record_in_the_meeting(
    territory, other_territory, sheet, today_meeting, client_for
):
    page_url = reverse("strategy:meeting_evaluations", args=[today_meeting.public_id])
    post_url = reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
    elected = client_for(member(territory, Role.ELECTED_OFFICIAL))
    page = elected.get(page_url)
    assert page.status_code == 200 and page.context["panel"]["rows"][0].form is None
    assert elected.post(post_url, form_data(sheet)).status_code == 403
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    assert stranger.get(page_url).status_code == 404
    assert not Evaluation.objects.exists()


def test_a_working_groups_meeting_has_no_evaluation_page(territory, sheet, coordinator, client_for):
    group = body(territory, BodyKind.WORKING_GROUP, "Groupe Mineurs")
    meeting = meeting_of(group, timezone.localdate())
    client = client_for(coordinator)
    assert (
        client.get(reverse("strategy:meeting_evaluations", args=[meeting.public_id])).status_code
        == 404
    )
    answer = client.get(reverse("governance:meeting", args=[meeting.public_id]))
    assert "Évaluation des fiches action" not in answer.content.decode()


def test_a_coming_meeting_lists_its_sheets_without_forms(committee, sheet, coordinator, client_for):
    coming = meeting_of(committee, timezone.localdate() + timedelta(days=10))
    page = client_for(coordinator).get(
        reverse("strategy:meeting_evaluations", args=[coming.public_id])
    )
    (row,) = page.context["panel"]["rows"]
    assert row.form is None
    assert "à partir du jour de la réunion" in page.content.decode()


def test_the_governance_meeting_page_lists_the_sheets_read_only_in_constant_queries(
    axis, sheet, today_meeting, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("governance:meeting", args=[today_meeting.public_id])
    page = client.get(url)
    html = page.content.decode()
    assert "Évaluation des fiches action" in html and "Prévention des toxicomanies" in html
    # No form: one link to the meeting's evaluation page.
    assert (
        reverse("strategy:meeting_evaluate", args=[today_meeting.public_id, sheet.public_id])
        not in html
    )
    evaluation_page = reverse("strategy:meeting_evaluations", args=[today_meeting.public_id])
    assert f'<a class="btn btn-primary" href="{evaluation_page}">Évaluer les fiches</a>' in html

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(2, 12):
        extra = ActionSheetFactory(axis=axis, number=f"1.{n}")
        if n % 2:
            evaluate(coordinator, extra, today_meeting, progress=n)
    page = client.get(url)
    assert len(page.context["panels"][0].context["rows"]) == 11
    assert page.context["panels"][0].context["evaluated"] == 5
    assert "11\u00a0% réalisés" in page.content.decode()  # the new values, read only
    assert count() == few


def test_the_sheet_page_shows_its_history_newest_first(
    territory, committee, coordinator, sheet, march, client_for
):
    october = meeting_of(committee, date(2025, 10, 7))
    evaluate(coordinator, sheet, october, status="late", progress=20, comment="Retard du bailleur")
    evaluate(coordinator, sheet, march, status="on_track", progress=60, decision="reorient")
    page = client_for(member(territory, Role.PARTNER_MEMBER)).get(
        reverse("strategy:sheet", args=[sheet.public_id])
    )
    html = page.content.decode()
    assert [e.evaluated_on for e in page.context["evaluations"]] == [
        date(2026, 3, 10),
        date(2025, 10, 7),
    ]
    assert html.index("10 mars 2026") < html.index("7 octobre 2025")
    assert "Retard du bailleur" in html and "Réorienter" in html and "Comité de suivi" in html


def test_the_sheet_page_links_a_meeting_only_for_who_may_open_it(
    territory, committee, coordinator, sheet, march, client_for
):
    # Issue 12: a school head or a probation officer must not see links that answer 404.
    evaluate(coordinator, sheet, march, status="on_track", progress=60)
    meeting_url = reverse("governance:meeting", args=[march.public_id])
    outsider = client_for(member(territory, Role.PARTNER_MEMBER))
    html = outsider.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert "Comité de suivi" in html and meeting_url not in html
    assert outsider.get(meeting_url).status_code == 404
    manager = client_for(coordinator)
    html = manager.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert meeting_url in html and manager.get(meeting_url).status_code == 200
