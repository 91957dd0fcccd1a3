"""Reads of the strategy. Action sheets hold no nominative data: every member of the
territory may read them (the public summary, later, shows even less)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from tranquillite.core.models import Territory
from tranquillite.strategy.models import ActionSheet, Axis, BudgetLine, SheetPartner, Strategy


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


def sheet_for(user: Any, territory: Territory, public_id: Any) -> ActionSheet | None:
    return (
        ActionSheet.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("axis__strategy", "lead")
        .prefetch_related("neighbourhoods")
        .prefetch_related(
            Prefetch("partner_links", queryset=SheetPartner.objects.select_related("organisation"))
        )
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("year", "funder"))
        )
        .first()
    )
