"""Recording that the probation officer was told by phone, letter or e-mail (date and
means), next to the platform's automatic e-mail."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tranquillite.community_service import services
from tranquillite.community_service.models import (
    InformedBy,
    Occurrence,
    OccurrenceKind,
    OccurrenceNotice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def absence(supervisor, placement):
    """An absence of yesterday whose e-mail could not leave (no worker ran it)."""
    occurrence, _ = services.record_occurrence(
        actor=supervisor,
        placement=placement,
        token=uuid.uuid4(),
        kind=OccurrenceKind.ABSENCE,
        day=timezone.localdate() - timedelta(days=1),
        note="",
    )
    return occurrence


def notice_url(occurrence):
    return reverse("community_service:occurrence_notice", args=[occurrence.public_id])


def page(placement):
    return reverse("community_service:placement", args=[placement.public_id])


def test_a_phone_call_marks_the_occurrence_informed_and_is_listed(
    client_for, coordinator, placement, absence
):
    client = client_for(coordinator)
    html = client.get(page(placement)).content.decode()
    assert "conseiller pénitentiaire pas encore informé" in html
    today = timezone.localdate()
    response = client.post(
        notice_url(absence), {"informed_on": today.isoformat(), "means": InformedBy.PHONE}
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.informed_by == InformedBy.PHONE
    assert timezone.localdate(absence.informed_at) == today
    notice = OccurrenceNotice.objects.get()
    assert (notice.means, notice.informed_on, notice.recorded_by) == (
        InformedBy.PHONE,
        today,
        coordinator,
    )
    html = client.get(page(placement)).content.decode()
    assert f"le {today:%d/%m/%Y} par téléphone" in html
    assert coordinator.get_full_name() in html


def test_a_letter_after_the_platforms_email_is_shown_next_to_it(
    client_for, supervisor, placement, absence
):
    mailed = timezone.now() - timedelta(hours=3)
    Occurrence.objects.filter(pk=absence.pk).update(
        informed_at=mailed, informed_by=InformedBy.PLATFORM_EMAIL
    )
    services.record_notice(
        actor=supervisor, occurrence=absence, means=InformedBy.LETTER, informed_on=absence.day
    )
    absence.refresh_from_db()
    # The first way the officer was told stays the occurrence's; the letter is listed too.
    assert (absence.informed_by, absence.informed_at) == (InformedBy.PLATFORM_EMAIL, mailed)
    html = client_for(supervisor).get(page(placement)).content.decode()
    assert "Courriel envoyé par la plateforme au conseiller pénitentiaire le" in html
    assert "par courrier" in html


@pytest.mark.parametrize(
    ("means", "days", "message"),
    [
        (InformedBy.PLATFORM_EMAIL, 0, "Choisissez"),  # only the task records the platform's
        (InformedBy.PHONE, 1, "futur"),
        (InformedBy.PHONE, -5, "avant"),
    ],
)
def test_refusals_in_french(supervisor, absence, means, days, message):
    with pytest.raises(ValidationError, match=message):
        services.record_notice(
            actor=supervisor,
            occurrence=absence,
            means=means,
            informed_on=timezone.localdate() + timedelta(days=days),
        )
    assert not OccurrenceNotice.objects.exists()


def test_a_bad_date_on_the_form_keeps_the_page_and_says_why(client_for, supervisor, absence):
    response = client_for(supervisor).post(
        notice_url(absence),
        {
            "informed_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "means": InformedBy.PHONE,
        },
    )
    assert response.status_code == 400
    assert "futur" in response.content.decode()
    assert not OccurrenceNotice.objects.exists()


def test_only_who_sees_the_placement_and_records_may_record(
    client_for, other_supervisor, officer, absence
):
    with pytest.raises(PermissionDenied):
        services.record_notice(
            actor=other_supervisor,
            occurrence=absence,
            means=InformedBy.PHONE,
            informed_on=timezone.localdate(),
        )
    body = {"informed_on": timezone.localdate().isoformat(), "means": InformedBy.PHONE}
    for user in (other_supervisor, officer):
        assert client_for(user).post(notice_url(absence), body).status_code == 404
    assert not OccurrenceNotice.objects.exists()


def test_the_placement_page_reads_notices_without_one_query_each(
    client_for, coordinator, supervisor, placement
):
    for n in range(6):
        occurrence, _ = services.record_occurrence(
            actor=supervisor,
            placement=placement,
            token=uuid.uuid4(),
            kind=OccurrenceKind.LATENESS,
            day=timezone.localdate() - timedelta(days=n),
            note="",
        )
        services.record_notice(
            actor=supervisor,
            occurrence=occurrence,
            means=InformedBy.PHONE,
            informed_on=timezone.localdate(),
        )
    client = client_for(coordinator)
    client.get(page(placement))
    with CaptureQueriesContext(connection) as six:
        client.get(page(placement))
    occurrence, _ = services.record_occurrence(
        actor=supervisor,
        placement=placement,
        token=uuid.uuid4(),
        kind=OccurrenceKind.INCIDENT,
        day=timezone.localdate(),
        note="",
    )
    services.record_notice(
        actor=supervisor,
        occurrence=occurrence,
        means=InformedBy.LETTER,
        informed_on=timezone.localdate(),
    )
    with CaptureQueriesContext(connection) as seven:
        client.get(page(placement))
    assert len(seven) == len(six)
