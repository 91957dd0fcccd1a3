"""Object-level checks of the strategy, on top of the rights table (accounts/roles.py).

Action sheets hold no nominative data, so reading is open to every member of the territory;
writing is not: a partner reports only on the actions its organisation takes part in.
"""

from __future__ import annotations

from typing import Any

from tranquillite.accounts.models import Membership
from tranquillite.strategy.models import ActionSheet


def can_manage_strategy(user: Any, sheet: ActionSheet) -> bool:
    return bool(user.has_perm("strategy.manage_strategy", sheet.territory))


def can_report_on(user: Any, sheet: ActionSheet) -> bool:
    """Record activities and measurements of `sheet`: the strategy's managers on every sheet,
    a partner member when the organisation they act for leads the sheet or is its partner."""
    if can_manage_strategy(user, sheet):
        return True
    if not user.has_perm("strategy.report_on_actions", sheet.territory):
        return False
    organisations = (
        Membership.objects.active()
        .filter(user=user, territory_id=sheet.territory_id)
        .values("organisation_id")
    )
    return (
        sheet.lead_id in {row["organisation_id"] for row in organisations}
        or sheet.partner_links.filter(organisation_id__in=organisations).exists()
    )
