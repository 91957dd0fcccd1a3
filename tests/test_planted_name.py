"""A name planted in a follow-up reaches none of the council's or the strategy's pages,
documents, exports or e-mails: they know a case by its number only (art. L132-5 CSI; CNIL
AU-038). The follow-up is real — a reminder of the law in the groupe Mineurs whose case is on
the agenda of the group's meeting and in its decision record — and every page, PDF,
spreadsheet, calendar and e-mail of the council and the strategy is read as the coordinator,
who may see the file itself."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tranquillite.accounts.models import User
from tranquillite.followups import services as followups
from tranquillite.followups.models import FollowUp
from tranquillite.governance import services as council
from tranquillite.governance.models import Body, CalendarFeed, Meeting, MeetingStatus
from tranquillite.strategy.models import ActionSheet, Indicator, Strategy

FIRST_NAME, LAST_NAME = "Zéphyrin", "Quatrefages-Plantier"


def pdf_text(content: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required (apt-get install poppler-utils)"
    return subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        return " ".join(
            workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml")
        )


def assert_nameless(where: str, text: str) -> None:
    for part in (FIRST_NAME, LAST_NAME, "Quatrefages", "Zephyrin"):
        assert part not in text, f"{part!r} found in {where}"


@pytest.fixture
def planted(demo_loaded, client_for, django_capture_on_commit_callbacks):
    pantin, _second = demo_loaded
    coordinator = User.objects.get(email="coordination@pantin.test")
    minors = Body.objects.get(territory=pantin, name="Groupe Mineurs")
    today = timezone.localdate()
    file = followups.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data={
            "opened_on": (today - timedelta(days=10)).isoformat(),
            "source": "school",
            "facts": "incivilities",
            "facts_place": "Abords du collège",
            "summary": "Incivilités répétées.",
            "no_complaint": "on",
            "no_proceedings": "on",
        },
        new_person={
            "first_name": FIRST_NAME,
            "last_name": LAST_NAME,
            "birth_date": date(today.year - 14, 3, 1),
            "sex": "male",
        },
    )
    meeting = council.plan_meeting(
        actor=coordinator,
        body=minors,
        starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=5), time(14))),
        place="Centre administratif, salle 3",
    )
    council.add_agenda_item(actor=coordinator, meeting=meeting, case_number=file.case_number)
    council.record_decision(
        actor=coordinator,
        meeting=meeting,
        text=f"La situation {file.case_number} est orientée vers un rappel à l'ordre.",
        task_title=f"Consulter le parquet pour {file.case_number}",
        task_owner=coordinator,
        task_due_on=today + timedelta(days=3),
    )
    client = client_for(coordinator)
    # The coordinator sees the file: the name is in the database, reachable, and still must
    # not leave it through the council or the strategy.
    assert FollowUp.objects.visible_to(coordinator).filter(pk=file.pk).exists()
    return {
        "territory": pantin,
        "coordinator": coordinator,
        "client": client,
        "file": file,
        "meeting": Meeting.objects.get(pk=meeting.pk),
    }


def test_no_council_page_document_or_e_mail_names_the_person(
    planted, django_capture_on_commit_callbacks
):
    client, meeting, file = planted["client"], planted["meeting"], planted["file"]
    pages = [
        reverse("core:home"),
        reverse("governance:bodies"),
        reverse("governance:body", args=[meeting.body.public_id]),
        reverse("governance:meeting", args=[meeting.public_id]),
        reverse("governance:my_tasks"),
        reverse("governance:calendar"),
    ]
    for meeting_ in Meeting.objects.filter(territory=planted["territory"]):
        pages.append(reverse("governance:meeting", args=[meeting_.public_id]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nameless(url, response.content.decode())

    meeting_page = client.get(reverse("governance:meeting", args=[meeting.public_id]))
    assert file.case_number in meeting_page.content.decode()
    for name in ("agenda_pdf", "minutes_pdf"):
        response = client.get(reverse(f"governance:{name}", args=[meeting.public_id]))
        text = pdf_text(response.content)
        assert file.case_number in text
        assert_nameless(name, text)

    feed = CalendarFeed.objects.get(user=planted["coordinator"])
    assert_nameless(
        "calendar feed", client.get(reverse("governance:feed", args=[feed.token])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("governance:meeting_invite", args=[meeting.public_id]))
    council.send_task_reminders(timezone.localdate())
    assert mail.outbox, "the invitation and the reminder were sent"
    for message in mail.outbox:
        assert_nameless(f"e-mail {message.subject}", message.subject + message.body)
        for _filename, content, _mimetype in message.attachments:
            assert_nameless("e-mail attachment", str(content))


def test_no_strategy_page_pack_export_or_public_summary_names_the_person(planted):
    client, territory = planted["client"], planted["territory"]
    strategy = Strategy.objects.filter(territory=territory, is_current=True).get()
    monitoring = Meeting.objects.filter(
        territory=territory, body__kind="monitoring_committee", status=MeetingStatus.PLANNED
    ).first()
    assert monitoring is not None
    query = f"?strategie={strategy.public_id}"
    pages = [
        reverse("strategy:overview") + query,
        reverse("strategy:review_list") + query,
        reverse("strategy:activities"),
        reverse("strategy:reports") + query,
        reverse("strategy:meeting_evaluations", args=[monitoring.public_id]),
        reverse("public:strategy", args=[territory.slug]),
        reverse("public:strategy_json", args=[territory.slug]),
    ]
    pages += [
        reverse("strategy:sheet", args=[sheet.public_id])
        for sheet in ActionSheet.objects.filter(territory=territory)
    ]
    pages += [
        reverse("strategy:indicator", args=[indicator.public_id])
        for indicator in Indicator.objects.filter(territory=territory)[:5]
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nameless(url, response.content.decode())

    pack = client.get(reverse("strategy:committee_pack") + f"?reunion={monitoring.public_id}")
    assert pack.status_code == 200
    assert_nameless("committee pack", pdf_text(pack.content))
    export = client.get(reverse("strategy:export") + query)
    assert export.status_code == 200
    assert_nameless("spreadsheet export", xlsx_text(export.content))
