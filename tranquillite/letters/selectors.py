"""Reads of the outgoing-mail register."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tranquillite.core.models import Territory
from tranquillite.letters.models import OutgoingMail


def register_years(user: Any, territory: Territory) -> list[int]:
    """The years the register has letters for, newest first."""
    years = (
        OutgoingMail.objects.visible_to(user)
        .in_territory(territory)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def register_of(user: Any, territory: Territory, year: int) -> QuerySet[OutgoingMail]:
    """One year of the register, in number order."""
    return (
        OutgoingMail.objects.visible_to(user)
        .in_territory(territory)
        .filter(year=year)
        .order_by("sequence")
    )
