"""The life of a placement, in one readable place.

    proposed ──► active ◄──► suspended
       │           │            │
       │           ├──► completed
       └───────────┴────────────┴──► interrupted (reason from a closed list)

Each change is one `PlacementEvent` (who, when, from, to, note); services.change_state checks
the guard of the move it makes (`guard`), so a refused move leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tranquillite.community_service.models import PlacementState as S


@dataclass(frozen=True)
class Move:
    target: str
    sources: frozenset[str]
    label: str | Promise


MOVES: tuple[Move, ...] = (
    Move(S.ACTIVE, frozenset({S.PROPOSED, S.SUSPENDED}), _("Start or resume")),
    Move(S.SUSPENDED, frozenset({S.ACTIVE}), _("Suspend")),
    Move(S.COMPLETED, frozenset({S.ACTIVE}), _("Complete")),
    Move(S.INTERRUPTED, frozenset({S.PROPOSED, S.ACTIVE, S.SUSPENDED}), _("Interrupt")),
)


def move_to(target: str) -> Move | None:
    return next((move for move in MOVES if move.target == target), None)


def moves_from(state: str) -> list[Move]:
    return [move for move in MOVES if state in move.sources]
