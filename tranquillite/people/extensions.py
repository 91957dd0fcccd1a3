"""Panels other apps add to a person's page, without the people pages importing them.

A person's page (followups/people_views.py) lists the follow-ups; other modules that hold
records about the same person (community service: the placements) would otherwise have to be
imported by `followups` or `people`, against the one-way import rule (docs/architecture.md).
So an app registers a panel from its `AppConfig.ready()`:

```python
register_person_panel(
    PersonPanel("community_service", "community_service/person_panel.html", context, 20)
)
```

`context(request, person)` returns the panel's template context, or None when the user may
see nothing of it: then nothing at all is shown — no heading, no "none", no hint that such a
record exists (need to know, art. L132-5 CSI). It reads only through the owning app's
`visible_to(user)` rule, logs what it shows (`record_access`), and answers in a constant
number of queries: the person page's query count is tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from tranquillite.people.models import Person


@dataclass(frozen=True)
class PersonPanel:
    key: str
    template: str
    context: Callable[[HttpRequest, Person], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]


_panels: dict[str, PersonPanel] = {}


def register_person_panel(panel: PersonPanel) -> None:
    """Registers (or replaces, by key: `ready()` may run twice in tests) a panel."""
    _panels[panel.key] = panel


def person_panels(request: HttpRequest, person: Person) -> list[ShownPanel]:
    """The panels the user may see on `person`'s page, in their order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, person)
        if context is not None:
            shown.append(ShownPanel(panel.key, panel.template, context))
    return shown
