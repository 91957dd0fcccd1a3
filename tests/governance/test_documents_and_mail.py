"""Agenda and decision-record PDFs, invitations with .ics, task reminders: what leaves the
platform names case numbers, never a person followed."""

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.followups.models import FollowUp
from tranquillite.governance import services
from tranquillite.governance.documents import meeting_ics
from tranquillite.governance.models import Body, BodyKind, Presence
from tranquillite.people.models import Person

# The name of the person whose case is on the agenda: it must reach no document or e-mail.
PLANTED_NAME = "Kevin Planté-Témoin"


@pytest.fixture
def meeting(territory, coordinator):
    minors = Body.objects.create(
        territory=territory, name="Groupe Mineurs", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=minors, user=officer)
    services.add_member(
        actor=coordinator,
        body=minors,
        contact_name="Mme Durand, éducatrice PJJ",
        contact_email="durand@example.test",
    )
    # The case on the agenda is a real follow-up of the group, of a person with that name.
    first_name, last_name = PLANTED_NAME.split(" ", 1)
    person = Person.objects.create(
        territory=territory, first_name=first_name, last_name=last_name, birth_date=date(2011, 5, 2)
    )
    FollowUp.objects.create(
        territory=territory,
        kind="law_reminder",
        case_number="RAO-2026-0012",
        body=minors,
        person=person,
        state="referral",
        opened_on=date(2026, 11, 2),
    )
    meeting = services.plan_meeting(
        actor=coordinator,
        body=minors,
        starts_at=timezone.make_aware(datetime(2027, 1, 14, 14, 0)),
        place="Salle 3",
    )
    services.add_agenda_item(actor=coordinator, meeting=meeting, title="Bilan du trimestre")
    services.add_agenda_item(actor=coordinator, meeting=meeting, case_number="RAO-2026-0012")
    services.record_attendance(
        actor=coordinator,
        meeting=meeting,
        presences={minors.members.get(user=officer): Presence.PRESENT},
    )
    services.record_decision(
        actor=coordinator,
        meeting=meeting,
        text="La situation RAO-2026-0012 est orientée vers un rappel à l'ordre.",
        task_title="Consulter le parquet",
        task_owner=officer,
        task_due_on=date(2027, 1, 28),
    )
    meeting.officer = officer
    return meeting


def pdf_text(content: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required to read PDFs in tests (apt-get install poppler-utils)"
    result = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_decision_record_pdf_is_confidential_stamped_and_nameless(
    meeting, coordinator, client_for
):
    response = client_for(coordinator).get(
        reverse("governance:minutes_pdf", args=[meeting.public_id])
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Confidentiel — article L132-5" in text
    assert "Relevé de décisions — Groupe Mineurs" in text
    assert "Situation RAO-2026-0012" in text
    assert "Consulter le parquet" in text
    assert f"Imprimé par {coordinator.get_full_name()}" in text
    assert PLANTED_NAME not in text


def test_the_agenda_pdf_is_readable_by_members_only(meeting, territory, client_for):
    url = reverse("governance:agenda_pdf", args=[meeting.public_id])
    text = pdf_text(client_for(meeting.officer).get(url).content)
    assert "Ordre du jour — Groupe Mineurs" in text and "Bilan du trimestre" in text
    assert client_for(member(territory, Role.PARTNER_MEMBER)).get(url).status_code == 404


def test_the_ics_event_is_valid_and_stable(meeting):
    ics = meeting_ics(meeting)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert f"UID:{meeting.public_id}@" in ics
    assert "DTSTART:20270114T130000Z" in ics  # 14:00 in Paris, in UTC
    assert "SUMMARY:Groupe Mineurs" in ics
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", ics, re.MULTILINE)


def test_invitations_reach_every_active_member_with_the_event(
    meeting, coordinator, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(reverse("governance:meeting_invite", args=[meeting.public_id]))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [meeting.officer.email, "durand@example.test"]
    )
    message = mail.outbox[0]
    assert message.subject == "[Tranquillité] Invitation : Groupe Mineurs, 14/01/2027"
    assert "Situation RAO-2026-0012" in message.body
    assert "Confidentiel — article L132-5" in message.body
    assert PLANTED_NAME not in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "reunion.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content


def test_reminders_go_three_days_before_and_the_day_after(meeting, coordinator):
    task = meeting.decisions.get().tasks.get()
    for days_before, expected in [(3, 1), (2, 0), (-1, 1), (-2, 0)]:
        mail.outbox.clear()
        today = task.due_on - timedelta(days=days_before)
        assert services.send_task_reminders(today) == expected
        assert len(mail.outbox) == expected
    mail.outbox.clear()
    services.send_task_reminders(task.due_on - timedelta(days=3))
    body = mail.outbox[0].body
    assert "Consulter le parquet" in body and "Groupe Mineurs" in body
    assert PLANTED_NAME not in body


def test_finished_tasks_get_no_reminder(meeting, coordinator):
    task = meeting.decisions.get().tasks.get()
    services.set_task_status(actor=coordinator, task=task, status="done")
    assert services.send_task_reminders(task.due_on - timedelta(days=3)) == 0


def test_the_private_calendar_feed_lists_my_meetings_without_signing_in(
    meeting, territory, client_for
):
    from django.test import Client

    from tranquillite.governance.models import CalendarFeed

    page = client_for(meeting.officer).get(reverse("governance:calendar"))
    feed = CalendarFeed.objects.get(user=meeting.officer, territory=territory)
    assert feed.token in page.content.decode()
    response = Client().get(reverse("governance:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "SUMMARY:Groupe Mineurs" in body
    assert "RAO-2026" not in body  # dates and places only, never a case


def test_a_replaced_or_orphaned_feed_address_stops_working(meeting, territory, client_for):
    from django.test import Client

    from tranquillite.governance.models import CalendarFeed

    client = client_for(meeting.officer)
    client.get(reverse("governance:calendar"))
    old = CalendarFeed.objects.get(user=meeting.officer).token
    client.post(reverse("governance:calendar"))
    new = CalendarFeed.objects.get(user=meeting.officer).token
    assert new != old
    assert Client().get(reverse("governance:feed", args=[old])).status_code == 404
    assert Client().get(reverse("governance:feed", args=[new])).status_code == 200
    meeting.officer.memberships.update(is_active=False)
    assert Client().get(reverse("governance:feed", args=[new])).status_code == 404


def test_the_feed_shows_only_the_bodies_one_belongs_to(meeting, territory, coordinator, client_for):
    from django.test import Client

    from tranquillite.governance.models import CalendarFeed

    outsider = member(territory, Role.PARTNER_MEMBER)
    client_for(outsider).get(reverse("governance:calendar"))
    token = CalendarFeed.objects.get(user=outsider).token
    assert (
        "BEGIN:VEVENT"
        not in Client().get(reverse("governance:feed", args=[token])).content.decode()
    )


def test_a_bare_carriage_return_in_a_place_cannot_write_calendar_properties(meeting):
    meeting.place = "Salle 1\rATTENDEE:mailto:intrus@example.test"
    ics = meeting_ics(meeting)
    assert "LOCATION:Salle 1\\nATTENDEE:mailto:intrus@example.test\r\n" in ics
    assert "\rATTENDEE" not in ics and "\nATTENDEE" not in ics


def test_one_meeting_with_an_impossible_date_does_not_break_the_feed(
    meeting, territory, client_for
):
    from django.test import Client

    from tranquillite.governance.models import CalendarFeed, Meeting

    client_for(meeting.officer).get(reverse("governance:calendar"))
    feed = CalendarFeed.objects.get(user=meeting.officer, territory=territory)
    broken = Meeting.objects.create(
        territory=territory, body=meeting.body, starts_at=timezone.now(), place="Salle 2"
    )
    # As if kept from before the date bounds: written around every check.
    Meeting.objects.filter(pk=broken.pk).update(starts_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC))
    response = Client().get(reverse("governance:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response.content.decode().count("BEGIN:VEVENT") == 1  # the good one is still there


def test_a_meeting_cannot_be_dated_outside_the_sane_window(meeting):
    from django.core.exceptions import ValidationError

    meeting.starts_at = datetime(1, 1, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError):
        meeting.save()
