"""A person's community-service placements, for their access request (RGPD art. 15): the
DPO's export (retention/views.py) adds them to what followups/access_request.py gathers.
Everything the host keeps: the post, the probation service and its reference, the hours, the
dates, every session, every absence or incident and when the officer was told, the documents
— there is no offence to give: none is stored."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.community_service.models import Placement, PlacementDocument
from tranquillite.people.models import Person


def _placements(person: Person) -> list[Placement]:
    return list(
        Placement.objects.filter(person=person)
        .select_related("post__service", "probation_service", "probation_officer")
        .prefetch_related("sessions", "occurrences__notices", "events", "documents__mail")
        .order_by("created_at", "pk")
    )


def records_of(person: Person) -> list[Any]:
    """The records the export shows (what it is logged on)."""
    placements = _placements(person)
    return [*placements, *PlacementDocument.objects.filter(placement__in=placements)]


def reader_labels(person: Person) -> dict[tuple[str, str], str]:
    """What each record is, in the export's "who read" list."""
    labels = {}
    for placement in _placements(person):
        labels[("community_service.placement", str(placement.public_id))] = _(
            "Community service %(number)s"
        ) % {"number": placement.case_number}
        for document in placement.documents.all():
            labels[("community_service.placementdocument", str(document.public_id))] = (
                f"{placement.case_number} — {document.get_kind_display()}"
            )
    return labels


def placements_of(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "public_id": str(placement.public_id),
            "case_number": placement.case_number,
            "post": placement.post.title,
            "service": placement.post.service.name,
            "probation_service": placement.probation_service.name,
            "probation_reference": placement.probation_reference,
            "hours_ordered": placement.hours_ordered,
            "sentence_date": placement.sentence_date,
            "deadline": placement.deadline,
            "state": placement.get_state_display(),
            "interruption_reason": placement.get_interruption_reason_display()
            if placement.interruption_reason
            else "",
            "agreement_on": placement.agreement_on,
            "first_interview_on": placement.first_interview_on,
            "started_on": placement.started_on,
            "ended_on": placement.ended_on,
            "destroy_on": placement.destroy_on,
            "sessions": [
                {
                    "day": session.day,
                    "start": timezone.localtime(session.starts_at),
                    "end": timezone.localtime(session.ends_at) if session.ends_at else None,
                    "break_minutes": session.break_minutes,
                    "minutes": session.minutes,
                    "tasks": session.tasks,
                    "validated": session.validated_at is not None,
                }
                for session in placement.sessions.all()
            ],
            "occurrences": [
                {
                    "day": occurrence.day,
                    "kind": occurrence.get_kind_display(),
                    "note": occurrence.note,
                    "informed_at": timezone.localtime(occurrence.informed_at)
                    if occurrence.informed_at
                    else None,
                    "informed_by": occurrence.get_informed_by_display(),
                    "notices": [
                        {"informed_on": notice.informed_on, "means": notice.get_means_display()}
                        for notice in occurrence.notices.all()
                    ],
                }
                for occurrence in placement.occurrences.all()
            ],
            "documents": [
                {
                    "kind": document.get_kind_display(),
                    "mail_number": document.mail.number if document.mail else "",
                    "created_at": timezone.localtime(document.created_at),
                }
                for document in placement.documents.all()
            ],
        }
        for placement in _placements(person)
    ]
