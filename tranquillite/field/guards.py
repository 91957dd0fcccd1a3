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
    return notes_warnings(author, territory, [note])[0]


def notes_warnings(author: Any, territory: Territory, notes: list[str]) -> list[list[str]]:
    """The warnings of each note of a batch (a phone's queue sent at once). The shared guard
    looks for what a text contains (the words of a followed person's name): when all the
    notes together contain nothing, none of them does, and one check answers for all;
    otherwise each note is checked on its own, so a warning is only ever given to the note
    that deserves it."""
    written = [note for note in notes if note.strip()]
    together_clean = True
    if len(written) > 1:
        try:
            check_free_text(author, territory, "\n".join(written))
        except ValidationError:
            together_clean = False
    return [
        _warnings(author, territory, note, guard=len(written) == 1 or not together_clean)
        for note in notes
    ]


def _warnings(author: Any, territory: Territory, note: str, *, guard: bool) -> list[str]:
    if not note.strip():
        return []
    warnings: list[str] = []
    if guard:
        try:
            check_free_text(author, territory, note)
        except ValidationError as error:
            warnings += error.messages
    if _NAMED.search(note):
        warnings.append(_("The note seems to name someone: the daily log names no one."))
    if _PHONE.search(note):
        warnings.append(_("The note seems to hold a phone number: the daily log holds none."))
    return warnings
