"""Routing: which organisation fixes an issue. Exactly one, always: the matching rule of
highest priority, else the territory's default. One query over indexed columns, whatever the
number of rules: the issue's category (or any), its neighbourhood, its r10 cell among the
cells of the drawn areas, or a rule with no place."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Territory
from tranquillite.technical_issues.models import RoutingDefault, RoutingRule, RuleCell


@dataclass(frozen=True)
class Route:
    organisation: Organisation
    rule: RoutingRule | None  # None: the territory's default

    @property
    def by_default(self) -> bool:
        return self.rule is None


def matching_rules(territory: Territory, *, category: str, neighbourhood_id: int, cell: int):  # type: ignore[no-untyped-def]
    """The active rules that match, best first."""
    in_area = RuleCell.objects.filter(territory=territory, cell=cell).values("rule_id")
    return (
        RoutingRule.objects.filter(territory=territory, is_active=True)
        .filter(Q(category=category) | Q(category=""))
        .filter(
            Q(neighbourhood_id=neighbourhood_id)
            | Q(pk__in=in_area)
            | Q(neighbourhood__isnull=True, area__isnull=True)
        )
        .annotate(
            specificity=Case(
                When(area__isnull=False, then=Value(2)),
                When(neighbourhood__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .select_related("organisation")
        .order_by("-priority", "-specificity", "pk")
    )


def route(territory: Territory, *, category: str, neighbourhood_id: int, cell: int) -> Route:
    rule = matching_rules(
        territory, category=category, neighbourhood_id=neighbourhood_id, cell=cell
    ).first()
    if rule is not None:
        return Route(rule.organisation, rule)
    default = (
        RoutingDefault.objects.filter(territory=territory).select_related("organisation").first()
    )
    if default is None:
        raise ValidationError(
            _(
                "No organisation receives this issue: the coordination must first choose the "
                "territory's default organisation."
            )
        )
    return Route(default.organisation, None)
