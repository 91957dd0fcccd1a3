"""Places of the issues and the routing areas: an area drawn on the map (GeoJSON) becomes the
h3 cells it covers, once, when the rule is saved; "nearby" is the same or a neighbouring cell."""

from __future__ import annotations

import json
from typing import Any

import h3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tranquillite.technical_issues.models import AREA_RESOLUTION

# A drawn area is a residence, a park, a street: never a whole département.
MAX_AREA_CELLS = 20_000


def parse_area(raw: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON Polygon or MultiPolygon (a Feature's geometry is taken), or None; a French
    refusal for anything else."""
    if raw in (None, "", {}):
        return None
    invalid = ValidationError({"area": _("The area must be a GeoJSON polygon drawn on the map.")})
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise invalid from error
    if not isinstance(raw, dict):
        raise invalid
    if raw.get("type") == "Feature":
        raw = raw.get("geometry") or {}
    if raw.get("type") not in {"Polygon", "MultiPolygon"}:
        raise invalid
    try:
        shape = h3.geo_to_h3shape(raw)
        h3.h3shape_to_cells_experimental(shape, 5, contain="overlap")
    except Exception as error:  # h3 raises several kinds for a malformed shape
        raise invalid from error
    return {"type": raw["type"], "coordinates": raw["coordinates"]}


def area_cells(area: dict[str, Any]) -> list[int]:
    """Every cell the area touches (partly covered cells included)."""
    shape = h3.geo_to_h3shape(area)
    too_big = ValidationError({"area": _("This area is too large for a routing rule.")})
    # A cheap bound first: cells at a coarser resolution, seven times fewer per step.
    if len(h3.h3shape_to_cells_experimental(shape, AREA_RESOLUTION - 3, contain="overlap")) > (
        MAX_AREA_CELLS // 300
    ):
        raise too_big
    cells = h3.h3shape_to_cells_experimental(shape, AREA_RESOLUTION, contain="overlap")
    if len(cells) > MAX_AREA_CELLS:
        raise too_big
    return sorted(h3.str_to_int(cell) for cell in cells)


def nearby_cells(cell: int) -> list[int]:
    """The cell and its six neighbours."""
    return [h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(cell), 1)]


def outline_of(area: dict[str, Any]) -> list[list[list[float]]]:
    """The area's rings as [lat, lon] lists, for Leaflet."""
    polygons = [area["coordinates"]] if area["type"] == "Polygon" else area["coordinates"]
    return [[[float(lat), float(lon)] for lon, lat in polygon[0]] for polygon in polygons]
