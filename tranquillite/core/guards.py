"""Checks on free text before it is saved, filled by the apps that know what must not be
written there.

Minutes, agendas, task titles, committee comments and activity summaries are read far beyond
a working group: a person followed must be named nowhere in them, only their case number
(art. L132-5 CSI; CNIL AU-038). `core` cannot know who is followed — the `people` app can —
so it keeps a registry that `people` fills from its `AppConfig.ready()`; the council's and the
strategy's services call `check_free_text` and never import `people`.

A guard returns the problems it sees, as messages for the person typing; it is given the
author, so that it only ever speaks of what the author may already know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from tranquillite.core.models import Territory

TextGuard = Callable[[Any, Territory, str], list[str]]

_guards: dict[str, TextGuard] = {}


def register_text_guard(key: str, guard: TextGuard) -> None:
    _guards[key] = guard


def check_free_text(author: Any, territory: Territory, *texts: str) -> None:
    """Raise ValidationError when a guard finds something that must not be written."""
    problems: list[str] = []
    for text in texts:
        if not text or not text.strip():
            continue
        for guard in _guards.values():
            problems += [
                message for message in guard(author, territory, text) if message not in problems
            ]
    if problems:
        raise ValidationError(problems)
