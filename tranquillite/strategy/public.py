"""The public summary of a territory's strategy: for the city's website and its profile in the
European urban-security network. No sign-in, so no `visible_to(user)`: these reads are public
by design and copy **only** the fields listed below into plain dictionaries, so that nothing
else (an evaluation's comment, who recorded a value, a partner's role) can reach the page or
the JSON by accident.

Shown: the territory's name, the strategy (title, kind, dates, progress roll-up, counts by
status), each axis with its progress and its budget total per year (all funders together),
each sheet's number, title, status, progress, objectives, lead organisation, partner
organisations (their roles in the action are working notes: left out), neighbourhoods, public
indicators (`is_public`) with target and latest value, and the activities held per year.

Never shown: any person's name (not the coordinator's, nor the signatories', which the
`signatories` text may hold), evaluations (comment, decision, who recorded them), budget lines
by funder, diagnosis findings, calendars, documents, activities' places and summaries.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, F, Prefetch, Sum
from django.db.models.functions import Coalesce, ExtractYear

from tranquillite.core.models import Territory
from tranquillite.strategy.committee import indicators_with_latest, sheet_order
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    ActivityStatus,
    BudgetLine,
    Indicator,
    SheetPartner,
    SheetStatus,
    Strategy,
)
from tranquillite.strategy.rollup import rollup


def public_territory(slug: str) -> Territory | None:
    return Territory.objects.filter(slug=slug, is_active=True).first()


def public_strategy(territory: Territory, public_id: Any = None) -> Strategy | None:
    strategies = Strategy.objects.filter(territory=territory)
    if public_id:
        return strategies.filter(public_id=public_id).first()
    return strategies.order_by("-is_current", "-starts_on").first()


def _number(value: Decimal | None) -> int | float | None:
    """A JSON number: whole values as integers, others as floats (2 decimals at most)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def public_summary(territory: Territory, strategy: Strategy) -> dict[str, Any]:
    """The summary as plain data, dates as `date` (the JSON encoder writes them ISO 8601): the
    page and the JSON both render it. 7 queries whatever the number of sheets."""
    sheets = list(
        ActionSheet.objects.filter(
            territory=territory, axis__strategy=strategy, withdrawn_on__isnull=True
        )
        .select_related("axis", "lead")
        .prefetch_related(
            "neighbourhoods",
            Prefetch(
                "partner_links",
                queryset=SheetPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "indicators",
                queryset=indicators_with_latest().filter(is_public=True),
                to_attr="public_indicators",
            ),
        )
    )
    sheets.sort(key=lambda sheet: (sheet.axis.number, sheet_order(sheet.number)))
    held: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        Activity.objects.filter(sheet__in=[s.pk for s in sheets], status=ActivityStatus.HELD)
        .annotate(year=ExtractYear(Coalesce(F("held_on"), F("planned_on"))))
        .filter(year__isnull=False)
        .values("sheet_id", "year")
        .annotate(count=Count("pk"))
        .order_by("year")
    ):
        held[row["sheet_id"]][row["year"]] = row["count"]
    budgets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for total in (
        BudgetLine.objects.filter(sheet__in=[s.pk for s in sheets])
        .values("sheet__axis_id", "year")
        .annotate(total=Sum("amount"))
        .order_by("year")
    ):
        budgets[total["sheet__axis_id"]].append(
            {"year": total["year"], "total": _number(total["total"])}
        )

    axes: dict[int, dict[str, Any]] = {}
    for axis in strategy.axes.order_by("number"):
        axes[axis.pk] = {
            "number": axis.number,
            "title": axis.title,
            "budget_by_year": budgets.get(axis.pk, []),
            "sheets": [],
        }
    status_labels = dict(SheetStatus.choices)
    for sheet in sheets:
        axes[sheet.axis_id]["sheets"].append(
            {
                "number": sheet.number,
                "title": sheet.title,
                "status": sheet.status,
                "status_label": str(status_labels[sheet.status]),
                "progress": sheet.progress,
                "objectives": sheet.objectives,
                "lead": sheet.lead.name,
                "partners": [link.organisation.name for link in sheet.partner_links.all()],
                "neighbourhoods": [n.name for n in sheet.neighbourhoods.all()],
                "indicators": [
                    {
                        "name": indicator.name,
                        "kind": indicator.kind,
                        "kind_label": str(indicator.get_kind_display()),
                        "unit": indicator.unit,
                        "direction": indicator.direction,
                        "baseline": _number(indicator.baseline),
                        "target": _number(indicator.target),
                        "target_on": indicator.target_on,
                        "latest_value": _number(indicator.latest_value),  # type: ignore[attr-defined]
                        "latest_on": indicator.latest_on,  # type: ignore[attr-defined]
                    }
                    for indicator in cast("list[Indicator]", sheet.public_indicators)
                ],
                "activities_held_by_year": [
                    {"year": year, "count": count} for year, count in held[sheet.pk].items()
                ],
            }
        )
    for axis_data in axes.values():
        axis_rollup = rollup((s["status"], s["progress"]) for s in axis_data["sheets"])
        axis_data["progress"] = axis_rollup.progress
    whole = rollup((sheet.status, sheet.progress) for sheet in sheets)
    return {
        "territory": {"name": territory.name, "council": territory.council_name},
        "strategy": {
            "title": strategy.title,
            "kind": strategy.kind,
            "kind_label": str(strategy.get_kind_display()),
            "signed_on": strategy.signed_on,
            "starts_on": strategy.starts_on,
            "ends_on": strategy.ends_on,
            "progress": whole.progress,
            "sheet_count": whole.total,
            "evaluated_count": whole.evaluated,
            "by_status": [
                {"status": value, "label": str(label), "count": whole.by_status[value]}
                for value, label in SheetStatus.choices
                if whole.by_status.get(value)
            ],
        },
        "axes": list(axes.values()),
    }


def public_strategies(territory: Territory) -> list[Strategy]:
    """The territory's strategies, for the page's selector (titles only)."""
    return list(Strategy.objects.filter(territory=territory).order_by("-is_current", "-starts_on"))
