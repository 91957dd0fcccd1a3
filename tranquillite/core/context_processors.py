from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tranquillite.core.navigation import live_banners_for, navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the shell needs: current territory, switcher, navigation."""
    territory = getattr(request, "territory", None)
    return {
        "current_territory": territory,
        "my_territories": getattr(request, "territories", []),
        "navigation": SimpleLazyObject(lambda: navigation_for(request)),
        "live_banners": SimpleLazyObject(lambda: live_banners_for(request)),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
