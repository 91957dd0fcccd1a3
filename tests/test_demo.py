"""The demo territories: loadable twice, and telling the story the README tells."""

from collections import Counter
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tranquillite.accounts.models import User
from tranquillite.core.models import Territory
from tranquillite.demo import data
from tranquillite.followups.engine import workflow_for
from tranquillite.followups.models import (
    CaseDocument,
    CaseStatistic,
    Deadline,
    DocumentKind,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    SupportAction,
)
from tranquillite.governance.access import CaseAccess, case_access
from tranquillite.governance.models import AgendaItem, Body, BodyMember, Meeting, MeetingStatus
from tranquillite.letters.models import OutgoingMail
from tranquillite.people.models import LegalGuardian, Person


@pytest.fixture
def demo(demo_loaded):
    # Loaded once for this module; each test runs in a savepoint rolled back to it.
    return demo_loaded


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Territory,
            User,
            BodyMember,
            Meeting,
            AgendaItem,
            FollowUp,
            FollowUpEvent,
            Deadline,
            SupportAction,
            CaseDocument,
            OutgoingMail,
            Person,
            LegalGuardian,
        )
    }


def test_loading_twice_changes_nothing(demo):
    counts = _counts()
    data.load()
    assert _counts() == counts


def test_every_documented_login_signs_in(demo):
    for _territory, _role, email, needs_totp in data.demo_logins():
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": email, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        if needs_totp:
            assert response["Location"] == reverse("mfa_authenticate"), email
            code = pyotp.TOTP(data.DEMO_TOTP_SECRET).now()
            assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert client.get(reverse("core:home")).status_code == 200, email


def test_the_charter_gate_story_of_the_demo(demo):
    minors = Body.objects.get(name="Groupe Mineurs")
    police = User.objects.get(email="police@pantin.test")
    school_head = User.objects.get(email="principale@pantin.test")
    probation = User.objects.get(email="cpip@pantin.test")
    assert case_access(police, minors) == CaseAccess.GRANTED
    assert case_access(probation, minors) == CaseAccess.UNSIGNED
    assert case_access(school_head, minors) == CaseAccess.NOT_A_MEMBER


def test_the_strategy_has_the_committees_story(demo):
    from django.utils import timezone

    from tranquillite.governance.models import Meeting, MeetingStatus
    from tranquillite.strategy.models import (
        ActionSheet,
        Activity,
        ActivityKind,
        ActivityStatus,
        Evaluation,
        Measurement,
    )
    from tranquillite.strategy.rollup import rollup

    pantin, _second = demo
    counts = (Evaluation.objects.count(), Measurement.objects.count(), Activity.objects.count())
    data.load()
    assert (
        Evaluation.objects.count(),
        Measurement.objects.count(),
        Activity.objects.count(),
    ) == counts

    # The youth–police project: four workshops a year, every past year's all decided.
    workshops = Activity.objects.filter(territory=pantin, kind=ActivityKind.WORKSHOP)
    for year in (2024, 2025):
        of_year = workshops.filter(planned_on__year=year)
        assert of_year.count() == 4
        assert of_year.filter(status=ActivityStatus.PLANNED).count() == 0
    assert workshops.filter(status=ActivityStatus.CANCELLED).count() == 1

    # Every sheet was evaluated by two committees; the last one set its status and progress.
    sheets = ActionSheet.objects.filter(territory=pantin)
    for sheet in sheets:
        last = sheet.evaluations.order_by("-evaluated_on").first()
        assert sheet.evaluations.count() == 2
        assert (sheet.status, sheet.progress) == (last.status, last.progress)

    # The next monitoring committee has sheets of the 2000 contract to review, not all.
    upcoming = Meeting.objects.get(
        territory=pantin, body__kind="monitoring_committee", status=MeetingStatus.PLANNED
    )
    contract = sheets.filter(axis__strategy__kind="safety_contract")
    due = contract.filter(next_review_on__lte=timezone.localdate(upcoming.starts_at))
    assert 0 < due.count() < contract.count() == 45
    assert rollup(contract.values_list("status", "progress")).progress is not None


RAO_OUTCOMES = {
    "support_completed",
    "no_support_needed",
    "escalated_family_council",
    "parenting_support",
    "child_welfare_concern",
    "note_to_prosecutor",
    "prosecutor_objection",
    "no_show",
    "withdrawn",
}


def test_a_year_of_follow_ups_in_every_state(demo):
    pantin, second = demo
    files = FollowUp.objects.filter(territory=pantin)
    assert 30 <= files.count() <= 40
    assert not FollowUp.objects.filter(territory=second).exists()
    kinds = Counter(files.values_list("kind", flat=True))
    assert set(kinds) == {"law_reminder", "family_council", "individual_support", "victim_support"}

    rao = files.filter(kind="law_reminder")
    assert set(rao.values_list("state", flat=True)) == set(workflow_for("law_reminder").states)
    assert set(rao.filter(state="closed").values_list("outcome", flat=True)) == RAO_OUTCOMES
    # Six months of support with actions (for the young person and the parents) and the
    # 3-month review done.
    assert rao.filter(
        state="support",
        actions__beneficiary="parents",
        deadlines__kind="review_3_months",
        deadlines__done_on__isnull=False,
    ).exists()
    # A minor is summoned with the parents: every minor followed has a legal guardian.
    minors = [f for f in files.select_related("person") if _age(f.person) < 18]
    assert minors and all(f.person.guardians.exists() for f in minors)

    # Each file is a path of its workflow, taken by the engine: every step starts where the
    # previous one ended, and the file is where the last one left it.
    for follow_up in files.prefetch_related("events"):
        state = ""
        for event in sorted(follow_up.events.all(), key=lambda event: event.pk):
            assert event.from_state == state, follow_up.case_number
            state = event.to_state
        assert state == follow_up.state, follow_up.case_number
        assert (follow_up.closed_on is not None) == (follow_up.state == "closed")

    # The story happened in the past, and each step is dated the day it happened: a summons
    # or a convocation the day its letters were sent, never by the hearing or session to come.
    now = timezone.now()
    assert not FollowUpEvent.objects.filter(recorded_at__gt=now).exists()
    assert not FollowUpEvent.objects.filter(occurred_on__gt=timezone.localdate()).exists()

    # One restricted file (RGPD art. 18), frozen; one closed long ago, waiting in the archive.
    restricted = files.get(restricted_at__isnull=False)
    assert restricted.restriction_reason and restricted.closed_on is None
    long_ago = timezone.localdate() - timedelta(days=365)
    archived = files.filter(closed_on__lt=long_ago)
    assert archived.exists() and all(f.destroy_on > timezone.localdate() for f in archived)
    assert not files.filter(closed_on__isnull=False, destroy_on__isnull=True).exists()
    # And one whose 25th birthday comes within a month: its destruction too.
    assert files.filter(destroy_on__lte=timezone.localdate() + timedelta(days=30)).exists()

    # The anonymous statistics have cells to publish (5 or more) and cells to suppress.
    shadows = CaseStatistic.objects.filter(territory=pantin, kind="law_reminder")
    by_sex = Counter(shadows.values_list("sex", flat=True))
    by_place = Counter(shadows.values_list("neighbourhood__name", flat=True))
    by_age = Counter(shadows.values_list("age_band", flat=True))
    for counts in (by_sex, by_place, by_age):
        assert max(counts.values()) >= 5
    assert any(0 < count < 5 for count in by_place.values())
    assert any(0 < count < 5 for count in by_age.values())
    assert shadows.filter(summoned=True, heard=True, support_started=True).exists()
    assert shadows.filter(reoffended_6_months=True).exists()
    assert shadows.filter(reoffended_12_months=False).exists()


def _age(person):
    today = timezone.localdate()
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_the_letters_are_filed_and_numbered_in_the_register(demo):
    pantin, _second = demo
    documents = CaseDocument.objects.filter(territory=pantin).select_related("follow_up", "mail")
    # A handful of letters, for the files summoned or convened for the coming days.
    assert 6 <= documents.count() <= 10
    # (The community-service documents are numbered in the same register: TIG-… references.)
    letters = OutgoingMail.objects.filter(territory=pantin).exclude(reference__startswith="TIG-")
    assert letters.count() == documents.count()
    with_letters = {document.follow_up for document in documents}
    assert {f.state for f in with_letters} == {"summoned", "session_planned"}
    assert with_letters == set(
        FollowUp.objects.filter(territory=pantin, state__in=("summoned", "session_planned"))
    )
    for follow_up in with_letters:
        letters = [document for document in documents if document.follow_up == follow_up]
        guardians = follow_up.person.guardians.filter(has_parental_authority=True).count()
        # The young person and each parent for a summons; each parent for the family council.
        expected = guardians if follow_up.kind == "family_council" else guardians + 1
        assert len(letters) == expected
        second = follow_up.events.filter(step="record_no_show").exists()
        kind = DocumentKind.SECOND_SUMMONS if second else DocumentKind.SUMMONS
        assert {document.kind for document in letters} == {kind}
    assert {d.kind for d in documents} == {DocumentKind.SUMMONS, DocumentKind.SECOND_SUMMONS}
    for document in documents:
        assert document.mail.reference == document.follow_up.case_number
        assert document.mail.sent_on < timezone.localdate()
        with document.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    numbers = sorted(OutgoingMail.objects.filter(territory=pantin).values_list("year", "sequence"))
    assert [sequence for _year, sequence in numbers] == list(range(1, len(numbers) + 1))


def test_who_sees_which_follow_up_in_the_demo(demo):
    pantin, _second = demo
    coordinator = User.objects.get(email="coordination@pantin.test")
    police = User.objects.get(email="police@pantin.test")
    school_head = User.objects.get(email="principale@pantin.test")
    minors = Body.objects.get(territory=pantin, name="Groupe Mineurs")
    files = FollowUp.objects.filter(territory=pantin)

    # The coordinator signed every nominative body's charter: she sees every file.
    assert FollowUp.objects.visible_to(coordinator).count() == files.count()
    # The police officer signed the groupe Mineurs' charter only: its files and no other.
    seen = FollowUp.objects.visible_to(police)
    assert set(seen) == set(files.filter(body=minors))
    assert not seen.filter(kind="victim_support").exists()
    # The victim's file is linked to a reminder of the law he sees; the link stays hidden.
    link = FollowUpLink.objects.get(territory=pantin)
    ends = {link.from_follow_up, link.to_follow_up}
    assert {f.kind for f in ends} == {"victim_support", "law_reminder"}
    assert next(f for f in ends if f.kind == "law_reminder") in seen
    assert FollowUpLink.visible_between(coordinator).count() == 1
    assert not FollowUpLink.visible_between(police).exists()
    # The school head is in no group: no file, no person.
    assert not FollowUp.objects.visible_to(school_head).exists()
    assert not Person.objects.visible_to(school_head).exists()

    # The police officer is the case worker of a few files: his work list has content, one
    # of them late.
    today = timezone.localdate()
    due = Deadline.objects.visible_to(police).filter(
        owner=police, done_on__isnull=True, due_on__lte=today + timedelta(days=30)
    )
    assert due.count() >= 3
    assert due.filter(due_on__lt=today).exists()


def test_the_meeting_of_the_groupe_mineurs_names_real_files(demo):
    pantin, _second = demo
    minors = Body.objects.get(territory=pantin, name="Groupe Mineurs")
    meeting = Meeting.objects.get(body=minors, status=MeetingStatus.HELD)
    numbers = [item.case_number for item in meeting.agenda_items.exclude(case_number="")]
    assert len(numbers) == 2
    files = FollowUp.objects.filter(body=minors, case_number__in=numbers)
    assert files.count() == 2
    # The first was just referred by the group (the prosecutor is to be consulted); the
    # second is followed by the police officer, who meets the school.
    first, second = (files.get(case_number=number) for number in numbers)
    assert (first.state, first.source) == ("referred", "minors_group")
    assert second.case_worker.email == "police@pantin.test"
    texts = " ".join(meeting.decisions.values_list("text", flat=True))
    assert all(number in texts for number in numbers)


def test_two_tension_episodes_with_their_responses(demo):
    from tranquillite.tensions.mail import cell_recipients
    from tranquillite.tensions.models import AlertFigure, TensionAlert

    pantin, second = demo
    alerts = list(TensionAlert.objects.filter(territory=pantin).order_by("raised_at"))
    assert [(a.highest_level, a.outcome) for a in alerts] == [
        ("tension", "no_violence"),
        ("imminent_risk", "moved"),
    ]
    assert all(a.responses.count() >= 4 for a in alerts)
    assert AlertFigure.objects.filter(territory=pantin).count() == 2
    assert "astreinte-prevention@pantin.test" in cell_recipients(pantin)
    assert not TensionAlert.objects.filter(territory=second).exists()
    coordinator = User.objects.get(email="coordination@pantin.test")
    police = User.objects.get(email="police@pantin.test")
    cpip = User.objects.get(email="cpip@pantin.test")
    assert TensionAlert.objects.visible_to(police).count() == 2
    assert TensionAlert.objects.visible_to(coordinator).count() == 2
    assert not TensionAlert.objects.visible_to(cpip).exists()
