"""Where an entry happened: inside the territory, snapped to a neighbourhood, with its h3
cells computed once at write time for the map."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import h3
from django.conf import settings

from tranquillite.core.models import Neighbourhood

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_neighbourhood(
    neighbourhoods: list[Neighbourhood], latitude: float, longitude: float
) -> Neighbourhood | None:
    """The neighbourhood whose centre is nearest, if the point is within
    FIELD_MAX_DISTANCE_KM of it; otherwise None (the point is outside the territory).

    Territories carry no outline yet, so "inside the territory" means "near one of its
    neighbourhoods"; a point snaps to the nearest neighbourhood centre."""
    best, best_distance = None, math.inf
    for neighbourhood in neighbourhoods:
        distance = distance_km(
            latitude,
            longitude,
            float(neighbourhood.centre_latitude),
            float(neighbourhood.centre_longitude),
        )
        if distance < best_distance:
            best, best_distance = neighbourhood, distance
    if best is None or best_distance > settings.FIELD_MAX_DISTANCE_KM:
        return None
    return best


@dataclass(frozen=True)
class Cells:
    r6: int
    r8: int
    r10: int


def cells_of(latitude: float | Decimal, longitude: float | Decimal) -> Cells:
    lat, lon = float(latitude), float(longitude)
    return Cells(
        *(h3.str_to_int(h3.latlng_to_cell(lat, lon, resolution)) for resolution in (6, 8, 10))
    )


def cell_centre(cell: int) -> tuple[float, float]:
    lat, lon = h3.cell_to_latlng(h3.int_to_str(cell))
    return float(lat), float(lon)


def cell_outline(cell: int) -> list[list[float]]:
    """The hexagon's corners as [lat, lon] pairs, for the map."""
    return [[float(lat), float(lon)] for lat, lon in h3.cell_to_boundary(h3.int_to_str(cell))]


def h3_hex(cell: int) -> str:
    return str(h3.int_to_str(cell))
