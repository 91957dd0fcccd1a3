"""Numbering in the outgoing-mail register."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from tranquillite.core.models import Territory
from tranquillite.letters.models import OutgoingMail

ATTEMPTS = 5


def register_mail(
    *,
    actor: Any,
    territory: Territory,
    sent_on: date,
    subject: str,
    reference: str,
    addressee: str,
) -> OutgoingMail:
    """The next number of the year. Two letters registered at the same instant cannot get the
    same number (unique constraint); the loser retries with the following one."""
    for _attempt in range(ATTEMPTS):
        last = OutgoingMail.objects.filter(territory=territory, year=sent_on.year).aggregate(
            last=Max("sequence")
        )["last"]
        try:
            with transaction.atomic():
                return OutgoingMail.objects.create(
                    territory=territory,
                    year=sent_on.year,
                    sequence=(last or 0) + 1,
                    sent_on=sent_on,
                    subject=subject,
                    reference=reference,
                    addressee=addressee,
                    recorded_by=actor,
                )
        except IntegrityError:
            continue
    raise RuntimeError("The outgoing-mail register is too busy: try again.")
