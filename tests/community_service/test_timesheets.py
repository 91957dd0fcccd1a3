"""Sessions, corrections, validation, absences and the probation notice."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.community_service.conftest import record
from tranquillite.community_service import services
from tranquillite.community_service.models import (
    InformedBy,
    Occurrence,
    OccurrenceKind,
    PlacementState,
    WorkSession,
)

pytestmark = pytest.mark.django_db


def test_a_resend_of_the_same_session_creates_nothing(supervisor, placement):
    token = uuid.uuid4()
    first, created = record(supervisor, placement, token=token)
    again, created_again = record(supervisor, placement, token=token)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert WorkSession.objects.count() == 1
    assert first.minutes == 180


def test_a_session_ending_before_it_starts_is_refused_in_french(supervisor, placement):
    with pytest.raises(ValidationError, match="se termine avant de commencer"):
        record(supervisor, placement, start=time(14), end=time(9))
    assert not WorkSession.objects.exists()


def test_a_night_session_is_counted_across_midnight(supervisor, placement):
    session, _created = record(
        supervisor, placement, start=time(22), end=time(2), overnight=True, break_minutes=30
    )
    assert session.minutes == 210


def test_overlapping_sessions_are_refused(supervisor, placement):
    record(supervisor, placement, start=time(9), end=time(12))
    with pytest.raises(ValidationError, match="chevauche"):
        record(supervisor, placement, start=time(11), end=time(13))
    assert WorkSession.objects.count() == 1


def test_a_session_after_the_deadline_is_refused(supervisor, placement):
    placement.deadline = timezone.localdate() - timedelta(days=5)
    placement.save()
    with pytest.raises(ValidationError, match="échéance"):
        record(supervisor, placement, day=timezone.localdate() - timedelta(days=1))


def test_a_session_on_a_closed_post_is_refused(coordinator, supervisor, placement):
    services.set_post_open(actor=coordinator, post=placement.post, is_open=False, reason="Fermé")
    with pytest.raises(ValidationError, match="fermé"):
        record(supervisor, placement)


def test_a_session_of_a_suspended_placement_is_refused(coordinator, supervisor, placement):
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.SUSPENDED,
        occurred_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        record(supervisor, placement)


def test_only_a_supervisor_of_the_post_records(other_supervisor, officer, placement):
    for user in (other_supervisor, officer):
        with pytest.raises(PermissionDenied):
            record(user, placement)


def test_a_correction_keeps_the_previous_value_and_who_changed_it(supervisor, placement):
    session, _created = record(supervisor, placement)
    services.validate_session(actor=supervisor, session=session)
    corrected = services.correct_session(
        actor=supervisor,
        session=session,
        times=services.SessionTimes(
            day=session.day, start=time(9), end=time(11), break_minutes=0, tasks="Tonte"
        ),
        reason="Départ à 11 h, pas 12 h",
    )
    assert corrected.minutes == 120
    assert corrected.validated_at is None  # to be validated again
    correction = corrected.corrections.get()
    assert correction.previous["minutes"] == 180
    assert correction.previous["validated_at"] is not None
    assert correction.corrected_by == supervisor


def test_an_open_session_is_closed_once(supervisor, placement):
    now = timezone.now()
    start = timezone.localtime(now - timedelta(hours=3))
    session, _ = services.record_session(
        actor=supervisor,
        placement=placement,
        token=uuid.uuid4(),
        times=services.SessionTimes(day=start.date(), start=start.time(), end=None),
    )
    closed = services.close_session(
        actor=supervisor, session=session, ends_at=now, break_minutes=15, tasks="Balayage"
    )
    assert 164 <= closed.minutes <= 165
    again = services.close_session(
        actor=supervisor,
        session=session,
        ends_at=now + timedelta(hours=1),
        break_minutes=0,
        tasks="",
    )
    assert again.minutes == closed.minutes


def test_an_absence_tells_the_probation_officer_naming_no_one(
    supervisor, officer, placement, django_capture_on_commit_callbacks
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_occurrence(
            actor=supervisor,
            placement=placement,
            token=token,
            kind=OccurrenceKind.ABSENCE,
            day=timezone.localdate(),
            note="Pas venu",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    text = message.subject + message.body
    assert placement.case_number in text
    assert f"/tig/placements/{placement.public_id}/" in message.body
    person = placement.person
    for name in (person.first_name, person.last_name, placement.post.title):
        assert name not in text
    occurrence = Occurrence.objects.get()
    assert occurrence.informed_by == InformedBy.PLATFORM_EMAIL
    assert occurrence.informed_at is not None
    # A resend of the same report creates nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.record_occurrence(
            actor=supervisor,
            placement=placement,
            token=token,
            kind=OccurrenceKind.ABSENCE,
            day=timezone.localdate(),
            note="Pas venu",
        )
    assert len(mail.outbox) == 1
    assert Occurrence.objects.count() == 1


def test_without_an_account_the_notice_goes_to_the_outside_contact(
    coordinator, supervisor, territory, post, spip, django_capture_on_commit_callbacks
):
    from tests.community_service.conftest import activate, open_placement

    placement = activate(coordinator, open_placement(coordinator, territory, post, spip))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_occurrence(
            actor=supervisor,
            placement=placement,
            token=uuid.uuid4(),
            kind=OccurrenceKind.LATENESS,
            day=timezone.localdate(),
            note="",
        )
    assert mail.outbox[0].to == ["cpip.exterieur@justice.test"]
