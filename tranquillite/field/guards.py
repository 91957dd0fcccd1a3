"""What looks like a name or a phone number in a daily-log note: a warning, never a refusal.

The daily log names no one (CNIL AU-038: minimisation, the public in aggregate only). The
shared free-text guard (`core.guards`) finds the names of people followed that the author may
see — for a mediator, none — so two patterns of the street are added here: a civility or
"called ..." followed by a capitalised word, and a French phone number. The mediator is told,
the entry is kept (losing a note typed in the street would be worse), the warning is stored
with it for the supervisor's day.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Territory

_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_NAMED = re.compile(
    r"\b(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|s'appelle|s’appelle|nommée?|prénommée?)"
    r"\s+[A-ZÀ-Ý][a-zà-ÿ'’-]+",
)


def note_warnings(author: Any, territory: Territory, note: str) -> list[str]:
    if not note.strip():
        return []
    warnings: list[str] = []
    try:
        check_free_text(author, territory, note)
    except ValidationError as error:
        warnings += error.messages
    if _NAMED.search(note):
        warnings.append(_("The note seems to name someone: the daily log names no one."))
    if _PHONE.search(note):
        warnings.append(_("The note seems to hold a phone number: the daily log holds none."))
    return warnings
