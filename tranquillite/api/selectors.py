"""Reads of the API app, through `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tranquillite.api.models import ApiToken
from tranquillite.core.models import Territory


def own_tokens(user: Any, territory: Territory) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(user).in_territory(territory).filter(user=user)


def territory_tokens(user: Any, territory: Territory) -> QuerySet[ApiToken]:
    """Every token of the territory, for whoever manages them (visible_to decides)."""
    return (
        ApiToken.objects.visible_to(user)
        .in_territory(territory)
        .select_related("user", "revoked_by")
    )


def token_for(user: Any, territory: Territory, public_id: Any) -> ApiToken | None:
    return (
        ApiToken.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .first()
    )
