"""Reads of the strategy. Action sheets hold no nominative data: every member of the
territory may read them (the public summary, later, shows even less)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, StringAgg, Subquery, Value

from tranquillite.core.models import Territory
from tranquillite.strategy.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    SheetDocument,
    SheetPartner,
    Strategy,
)
from tranquillite.strategy.rollup import Rollup, rollup


@dataclass(frozen=True)
class SheetFilter:
    status: str = ""
    lead: Any = None
    neighbourhood: Any = None
    funder: str = ""


def current_strategy(user: Any, territory: Territory, public_id: Any = None) -> Strategy | None:
    strategies = Strategy.objects.visible_to(user).in_territory(territory)
    if public_id:
        return strategies.filter(public_id=public_id).first()
    return strategies.order_by("-is_current", "-starts_on").first()


def strategies_for(user: Any, territory: Territory) -> QuerySet[Strategy]:
    return Strategy.objects.visible_to(user).in_territory(territory)


def axes_with_sheets(strategy: Strategy, sheet_filter: SheetFilter) -> list[Axis]:
    sheets = ActionSheet.objects.filter(axis__strategy=strategy).select_related("lead")
    if sheet_filter.status:
        sheets = sheets.filter(status=sheet_filter.status)
    if sheet_filter.lead is not None:
        sheets = sheets.filter(lead=sheet_filter.lead)
    if sheet_filter.neighbourhood is not None:
        sheets = sheets.filter(neighbourhoods=sheet_filter.neighbourhood)
    if sheet_filter.funder:
        sheets = sheets.filter(budget_lines__funder=sheet_filter.funder)
    return list(
        strategy.axes.prefetch_related(
            Prefetch("sheets", queryset=sheets.distinct().order_by("number"), to_attr="shown")
        ).order_by("number")
    )


@dataclass(frozen=True)
class StrategyProgress:
    """Where a strategy stands: its roll-up and each axis's (strategy/rollup.py), over all its
    sheets whatever the overview's filters."""

    overall: Rollup
    by_axis: dict[int, Rollup]


def progress_of(strategy: Strategy) -> StrategyProgress:
    """One query whatever the number of sheets."""
    rows = list(
        ActionSheet.objects.filter(axis__strategy=strategy).values_list(
            "axis_id", "status", "progress"
        )
    )
    axis_ids = {axis_id for axis_id, _status, _progress in rows}
    return StrategyProgress(
        overall=rollup((status, progress) for _axis, status, progress in rows),
        by_axis={
            axis_id: rollup((status, progress) for a, status, progress in rows if a == axis_id)
            for axis_id in axis_ids
        },
    )


# Separates the neighbourhoods' names aggregated in the sheet's query (never in a name).
_NAMES_SEPARATOR = "\x1f"


def _place_order(name: str) -> tuple[str, str]:
    """Names in alphabetical order, accents aside ("Église" among the E)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.casefold(), name


def sheet_for(
    user: Any, territory: Territory, public_id: Any, *, for_page: bool = False
) -> ActionSheet | None:
    """The sheet, with its strategy, lead, partners, budget lines and documents; its territory
    is `territory` (not read again). `for_page`: the sheet page's read, where the
    neighbourhoods are only names: `neighbourhood_names` (sorted) comes with the sheet's own
    query instead of one query more."""
    sheets = (
        ActionSheet.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("axis__strategy", "lead")
        .prefetch_related(
            Prefetch("partner_links", queryset=SheetPartner.objects.select_related("organisation"))
        )
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("year", "funder"))
        )
        .prefetch_related(
            Prefetch("documents", queryset=SheetDocument.objects.order_by("-uploaded_at"))
        )
    )
    if for_page:
        places = ActionSheet.neighbourhoods.through.objects
        # django-stubs does not see the annotation "names".
        names = (
            places.filter(actionsheet_id=OuterRef("pk"))  # type: ignore[misc]
            .order_by()
            .values("actionsheet_id")
            .annotate(names=StringAgg("neighbourhood__name", Value(_NAMES_SEPARATOR)))
            .values("names")
        )
        sheet: ActionSheet | None = sheets.annotate(neighbourhood_list=Subquery(names)).first()
    else:
        sheet = sheets.prefetch_related("neighbourhoods").first()
    if sheet is None:
        return None
    sheet.territory = territory
    if for_page:
        listed = sheet.neighbourhood_list  # type: ignore[attr-defined]
        sheet.neighbourhood_names = sorted(  # type: ignore[attr-defined]
            listed.split(_NAMES_SEPARATOR) if listed else [], key=_place_order
        )
    return sheet
