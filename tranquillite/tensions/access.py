"""Who reads tension alerts and who writes their response log, in one territory.

Readers: the coordinator; the active members (with an account) of an active monitoring cell
(governance body of kind `monitoring_cell`); the supervisors of an active field team; the
members of the territory who work for a police force (national or municipal), read only.
Those who log responses: the coordinator, the cell's members and the field supervisors.
Everyone else gets a 404 on every alert address. The roles table (`tensions.view_alerts`,
`tensions.log_responses`, `tensions.manage_alerts`) is the first gate; this is the second.

This module imports no model of its own app (tensions.models calls it from `visible_to`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tranquillite.accounts.models import Membership, OrganisationKind
from tranquillite.accounts.permissions import has_right
from tranquillite.accounts.roles import RIGHTS
from tranquillite.core.models import Territory
from tranquillite.field.models import Team
from tranquillite.governance.models import BodyKind, BodyMember, MemberStatus

POLICE_KINDS = (OrganisationKind.NATIONAL_POLICE, OrganisationKind.MUNICIPAL_POLICE)


def _memberships(user: Any, right: str) -> Any:
    return Membership.objects.filter(
        user=user, is_active=True, territory__is_active=True, role__in=RIGHTS[right]
    )


def _cell_territories(user: Any) -> Any:
    return BodyMember.objects.filter(
        user=user,
        status=MemberStatus.ACTIVE,
        body__kind=BodyKind.MONITORING_CELL,
        body__is_active=True,
    ).values("territory_id")


def _supervised_territories(user: Any) -> Any:
    return Team.objects.filter(supervisor=user, is_active=True).values("territory_id")


def responder_territories(user: Any) -> Any:
    """Territories where `user` may log responses (and read alerts)."""
    allowed = _memberships(user, "tensions.log_responses")
    return Territory.objects.filter(
        Q(pk__in=_memberships(user, "tensions.manage_alerts").values("territory_id"))
        | (
            Q(pk__in=allowed.values("territory_id"))
            & (Q(pk__in=_cell_territories(user)) | Q(pk__in=_supervised_territories(user)))
        )
    ).values("pk")


def reader_territories(user: Any) -> Any:
    """Territories where `user` may read alerts: the responders', and the police's."""
    police = _memberships(user, "tensions.view_alerts").filter(organisation__kind__in=POLICE_KINDS)
    return Territory.objects.filter(
        Q(pk__in=responder_territories(user)) | Q(pk__in=police.values("territory_id"))
    ).values("pk")


def may_read(user: Any, territory: Territory) -> bool:
    if not has_right(user, "tensions.view_alerts", territory):
        return False
    return Territory.objects.filter(pk=territory.pk, pk__in=reader_territories(user)).exists()


def may_respond(user: Any, territory: Territory) -> bool:
    if has_right(user, "tensions.manage_alerts", territory):
        return True
    if not has_right(user, "tensions.log_responses", territory):
        return False
    return Territory.objects.filter(pk=territory.pk, pk__in=responder_territories(user)).exists()


def may_manage(user: Any, territory: Territory) -> bool:
    return has_right(user, "tensions.manage_alerts", territory)
