"""The agenda and the decision record of a meeting, as PDF (WeasyPrint) and as .ics.

Documents of a nominative body carry "Confidentiel — article L132-5 CSI" on every page; none
holds a person's name (confidential items are case numbers). Each PDF is stamped with who
printed it and when (CNIL: exports and prints carry who/when).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from tranquillite.core.validation import normalise_text
from tranquillite.governance.models import Meeting

logger = logging.getLogger(__name__)
MEETING_LENGTH = timedelta(hours=2)


def meeting_pdf(meeting: Meeting, *, kind: str, printed_by: Any) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "governance/pdf/meeting.html",
        {
            "meeting": meeting,
            "territory": meeting.territory,
            "kind": kind,
            "confidential": meeting.body.handles_cases,
            "printed_by": printed_by,
            "printed_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def _ics_text(value: str) -> str:
    # Every line end (a bare carriage return too) becomes the escaped "\n" of RFC 5545: a
    # raw one would end the property and let the text write properties of its own.
    value = normalise_text(value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(moment: Any) -> str:
    return str(moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))


def calendar_ics(meetings: Iterable[Meeting]) -> str:
    """A VCALENDAR (RFC 5545) of meetings; each UID is stable, so a calendar updates an
    event in place when the meeting moves."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "tranquillite"
    stamp = _ics_time(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tranquillite//Conseil//FR"]
    lines.append("METHOD:PUBLISH")
    for meeting in meetings:
        try:
            start, end = _ics_time(meeting.starts_at), _ics_time(meeting.starts_at + MEETING_LENGTH)
        except (OverflowError, ValueError):
            # One meeting dated beyond what a calendar can hold (kept from before the date
            # bounds) must not take everybody's feed down with it: it is left out.
            logger.warning("Meeting %s left out of a calendar feed: bad date", meeting.public_id)
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:{meeting.public_id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{_ics_text(meeting.body.name)}",
            f"LOCATION:{_ics_text(meeting.place)}",
            *(["STATUS:CANCELLED"] if meeting.status == "cancelled" else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def meeting_ics(meeting: Meeting) -> str:
    return calendar_ics([meeting])
