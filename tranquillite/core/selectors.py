from __future__ import annotations

from typing import Any

from tranquillite.core.models import Neighbourhood, Territory


def neighbourhoods_for(user: Any, territory: Territory) -> list[Neighbourhood]:
    return list(Neighbourhood.objects.visible_to(user).in_territory(territory).order_by("name"))


def territory_summary(user: Any, territory: Territory) -> dict[str, Any]:
    """Figures for the home page; each module adds its own cards later (observatory)."""
    neighbourhoods = Neighbourhood.objects.visible_to(user).in_territory(territory)
    return {
        "neighbourhood_count": neighbourhoods.count(),
        "priority_count": neighbourhoods.filter(is_priority=True).count(),
    }
