from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from tranquillite.core.models import Neighbourhood, Territory


def neighbourhoods_for(user: Any, territory: Territory) -> list[Neighbourhood]:
    return list(Neighbourhood.objects.visible_to(user).in_territory(territory).order_by("name"))


def territory_summary(user: Any, territory: Territory) -> dict[str, Any]:
    """Figures for the home page; each module adds its own cards later (observatory)."""
    return (
        Neighbourhood.objects.visible_to(user)
        .in_territory(territory)
        .aggregate(
            neighbourhood_count=Count("pk"),
            priority_count=Count("pk", filter=Q(is_priority=True)),
        )
    )
