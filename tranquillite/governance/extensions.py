"""Panels other apps add to a meeting's page, without governance importing them.

Imports flow from the domain apps to governance, never back: an app that has something to
show or record in a meeting (the strategy: the committee's evaluations of action sheets)
registers a panel from its `AppConfig.ready()`:

```python
register_meeting_panel(
    MeetingPanel("strategy", "strategy/evaluations/meeting_panel.html", meeting_panel_context, 10)
)
```

`context(request, meeting)` returns the panel's template context, or None when the panel
does not concern this meeting (e.g. a working group's meeting evaluates no action sheet). It
must answer None without touching the database when it does not apply, and in a constant
number of queries when it does: the meeting page's query count is tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from tranquillite.governance.models import Meeting


@dataclass(frozen=True)
class MeetingPanel:
    key: str
    template: str
    context: Callable[[HttpRequest, Meeting], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]


_panels: dict[str, MeetingPanel] = {}


def register_meeting_panel(panel: MeetingPanel) -> None:
    """Registers (or replaces, by key: `ready()` may run twice in tests) a panel."""
    _panels[panel.key] = panel


def meeting_panels(request: HttpRequest, meeting: Meeting) -> list[ShownPanel]:
    """The panels that concern `meeting`, in their order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, meeting)
        if context is not None:
            shown.append(ShownPanel(panel.key, panel.template, context))
    return shown
