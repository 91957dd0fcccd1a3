"""Object-level checks of the field pages, on top of the roles table (accounts/roles.py)."""

from __future__ import annotations

from typing import Any

from tranquillite.accounts.permissions import has_right
from tranquillite.field.models import Team, TeamMembership


def oversees(user: Any, team: Team) -> bool:
    return has_right(user, "field.oversee_field", team.territory)


def works_in(user: Any, team: Team) -> bool:
    """An active member (or the supervisor) of the team, holding a field role there."""
    if not has_right(user, "field.log_presence", team.territory):
        return False
    return team.supervisor_id == user.pk or (
        TeamMembership.objects.filter(team=team, user=user, is_active=True).exists()
    )


def may_validate(user: Any, team: Team) -> bool:
    """The team's supervisor validates its shifts; whoever oversees the field may too."""
    if oversees(user, team):
        return True
    return team.supervisor_id == user.pk and has_right(user, "field.log_presence", team.territory)
