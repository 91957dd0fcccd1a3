"""Writes of territory data. Each takes the acting user and checks the right first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tranquillite.core.forms import NeighbourhoodForm, TerritorySettingsForm
from tranquillite.core.models import Neighbourhood, Territory


def _require_manage(actor: Any, territory: Territory) -> None:
    if not actor.has_perm("core.manage_territory", territory):
        raise PermissionDenied("core.manage_territory")


@transaction.atomic
def update_territory(*, actor: Any, form: TerritorySettingsForm) -> Territory:
    _require_manage(actor, form.instance)
    return form.save()


@transaction.atomic
def save_neighbourhood(
    *, actor: Any, territory: Territory, form: NeighbourhoodForm
) -> Neighbourhood:
    _require_manage(actor, territory)
    neighbourhood = form.save(commit=False)
    neighbourhood.territory = territory
    neighbourhood.save()
    return neighbourhood
