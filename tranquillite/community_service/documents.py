"""The documents a placement produces, as PDFs on the territory's letterhead
(letters/rendering.py), each numbered in the outgoing-mail register and filed in the placement:

- the hours form ("fiche horaire", the probation service's layout): every session with its
  date, arrival, departure, break, hours and tasks, the totals, and the signatures;
- the final report to the probation service: dates, hours, the end, absences and incidents
  counted — never an offence or a judicial detail;
- the attestation of hours, for the person.

The register keeps the subject, the case number and the addressee's role, never a name.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tranquillite.community_service.models import (
    OccurrenceKind,
    Placement,
    PlacementDocument,
    PlacementDocumentKind,
)
from tranquillite.community_service.services import MANAGE, check_right, check_visible
from tranquillite.letters.rendering import letter_language, letterhead, render_pdf
from tranquillite.letters.services import register_mail

TEMPLATES = {
    PlacementDocumentKind.HOURS_FORM: "community_service/pdf/hours_form.html",
    PlacementDocumentKind.FINAL_REPORT: "community_service/pdf/final_report.html",
    PlacementDocumentKind.ATTESTATION: "community_service/pdf/attestation.html",
}


def _addressee(placement: Placement, kind: str) -> str:
    if kind == PlacementDocumentKind.ATTESTATION:
        return _("The person hosted")
    return str(placement.probation_service.get_kind_display())


def document_context(placement: Placement, kind: str) -> dict[str, Any]:
    sessions = list(
        placement.sessions.filter(ends_at__isnull=False)
        .select_related("validated_by")
        .order_by("starts_at")
    )
    validated = sum(s.minutes for s in sessions if s.validated_at is not None)
    counts = {
        kind: placement.occurrences.filter(kind=kind).count() for kind in OccurrenceKind.values
    }
    return {
        **letterhead(placement.territory),
        "language": letter_language(),
        "placement": placement,
        "person": placement.person,
        "post": placement.post,
        "sessions": sessions,
        "validated_hours": round(validated / 60, 2),
        "remaining_hours": round(max(placement.hours_ordered * 60 - validated, 0) / 60, 2),
        "absences": counts[OccurrenceKind.ABSENCE],
        "lateness": counts[OccurrenceKind.LATENESS],
        "incidents": counts[OccurrenceKind.INCIDENT],
        "supervisors": list(placement.post.supervisors.all()),
        "today": formats.date_format(timezone.localdate(), "j F Y"),
        "kind_label": PlacementDocumentKind(kind).label,
    }


@transaction.atomic
def produce_document(*, actor: Any, placement: Placement, kind: str) -> PlacementDocument:
    """Number, render and file one document. A failure leaves no number, row or file."""
    check_right(actor, MANAGE, placement.territory)
    check_visible(actor, placement)
    if kind not in TEMPLATES:
        raise ValidationError(_("Unknown document."))
    if (
        kind == PlacementDocumentKind.ATTESTATION
        and not placement.sessions.filter(validated_at__isnull=False).exists()
    ):
        raise ValidationError(_("No validated session yet: there are no hours to attest."))
    with translation.override(letter_language()):
        subject = str(PlacementDocumentKind(kind).label)
        mail = register_mail(
            actor=actor,
            territory=placement.territory,
            sent_on=timezone.localdate(),
            subject=_("Community service: %(document)s") % {"document": subject.lower()},
            reference=placement.case_number,
            addressee=_addressee(placement, kind),
        )
        pdf = render_pdf(
            TEMPLATES[kind],  # type: ignore[index]
            {**document_context(placement, kind), "mail": mail, "subject": subject},
        )
    document = PlacementDocument(
        territory=placement.territory,
        placement=placement,
        kind=kind,
        mail=mail,
        created_by=actor,
    )
    document.file.save(f"{document.public_id}.pdf", ContentFile(pdf), save=False)
    storage, name = document.file.storage, document.file.name
    try:
        document.save()
    except Exception:
        if name:
            storage.delete(name)
        raise
    return document
