"""The registry of indicator sources: figures the platform computes from its own data.

An indicator whose `source_key` names a source here takes its values from it, one measurement
per month (`compute_indicators`, strategy/indicators.py), never by hand. A source answers one
question: how much over a period, in a territory.

This module registers the sources built on what exists today (activities of the action sheets,
meetings of the council's bodies). Later modules add theirs from their `AppConfig.ready()`:

    from tranquillite.strategy import sources

    sources.register(
        sources.IndicatorSource(
            "followups.law_reminders_held", _("Reminders of the law held"), _("hearings"),
            compute=law_reminders_held,  # (territory, start, end) -> Decimal
        )
    )

Rules for a source: it counts or sums aggregates only (never a list of people), over `start`
to `end` both included, in `territory` only; it returns a `Decimal`; it may raise, in which
case the indicator keeps its previous values and the run reports the failure. A source that
has no figure it may give for a period (a share of no file; a count of people too small to
publish, observatory/suppression.py) raises `Withheld`: that month gets no value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from tranquillite.core.models import Territory
    from tranquillite.strategy.models import ActionSheet

type Label = str | Promise


class Withheld(Exception):
    """No figure may be given for this period: the month gets no measurement, and a value
    computed for it earlier goes (strategy/indicators.py `compute_month`). Not a failure."""


@dataclass(frozen=True)
class IndicatorSource:
    """`compute(territory, start, end)` gives the figure over the territory. A source about
    an action sheet's own records (its activities) also gives `compute_for_sheet(sheet, start,
    end)`: an indicator of that sheet then counts that sheet's records only."""

    key: str
    label: Label
    unit: Label
    compute: Callable[[Territory, date, date], Decimal]
    compute_for_sheet: Callable[[ActionSheet, date, date], Decimal] | None = None

    def value(self, sheet: ActionSheet, start: date, end: date) -> Decimal:
        """The figure for an indicator of `sheet` over `start`–`end`."""
        if self.compute_for_sheet is not None:
            return Decimal(self.compute_for_sheet(sheet, start, end))
        return Decimal(self.compute(sheet.territory, start, end))


_registry: dict[str, IndicatorSource] = {}


def register(source: IndicatorSource) -> IndicatorSource:
    """Adds `source`; a key is registered once (the same source again is a no-op)."""
    existing = _registry.get(source.key)
    if existing is not None and existing != source:
        raise ValueError(f"An indicator source {source.key!r} is already registered.")
    _registry[source.key] = source
    return source


def unregister(key: str) -> None:
    """For tests, and for a module that withdraws a source."""
    _registry.pop(key, None)


def get(key: str) -> IndicatorSource | None:
    return _registry.get(key)


def all_sources() -> list[IndicatorSource]:
    return sorted(_registry.values(), key=lambda source: str(source.label))


def choices() -> list[tuple[str, str]]:
    """(key, "label (unit)") pairs for a form's select, by label."""
    return [(source.key, f"{source.label} ({source.unit})") for source in all_sources()]


# --- Built-in sources -----------------------------------------------------------------------


def _held_activities(start: date, end: date, kind: str | None = None) -> QuerySet[Any]:
    from tranquillite.strategy.models import Activity, ActivityStatus

    held = Activity.objects.filter(status=ActivityStatus.HELD, held_on__range=(start, end))
    return held.filter(kind=kind) if kind else held


def _activity_count(kind: str) -> tuple[Callable[..., Decimal], Callable[..., Decimal]]:
    def in_territory(territory: Territory, start: date, end: date) -> Decimal:
        return Decimal(_held_activities(start, end, kind).filter(territory=territory).count())

    def of_sheet(sheet: ActionSheet, start: date, end: date) -> Decimal:
        return Decimal(_held_activities(start, end, kind).filter(sheet=sheet).count())

    return in_territory, of_sheet


def _participants(activities: QuerySet[Any]) -> Decimal:
    from tranquillite.strategy.models import ParticipantCount

    total = ParticipantCount.objects.filter(activity__in=activities.values("pk")).aggregate(
        total=Sum("count")
    )["total"]
    return Decimal(total or 0)


def participants_in_territory(territory: Territory, start: date, end: date) -> Decimal:
    return _participants(_held_activities(start, end).filter(territory=territory))


def participants_of_sheet(sheet: ActionSheet, start: date, end: date) -> Decimal:
    return _participants(_held_activities(start, end).filter(sheet=sheet))


def council_meetings_held(territory: Territory, start: date, end: date) -> Decimal:
    from tranquillite.governance.models import Meeting, MeetingStatus

    return Decimal(
        Meeting.objects.filter(
            territory=territory,
            status=MeetingStatus.HELD,
            starts_at__date__range=(start, end),
        ).count()
    )


def _register_built_ins() -> None:
    from tranquillite.strategy.models import ActivityKind

    workshops, sheet_workshops = _activity_count(ActivityKind.WORKSHOP)
    sessions, sheet_sessions = _activity_count(ActivityKind.CLASSROOM_SESSION)
    register(
        IndicatorSource(
            "strategy.workshops_held",
            _("Workshops held (this action sheet)"),
            _("workshops"),
            compute=workshops,
            compute_for_sheet=sheet_workshops,
        )
    )
    register(
        IndicatorSource(
            "strategy.classroom_sessions_held",
            _("Classroom sessions held (this action sheet)"),
            _("sessions"),
            compute=sessions,
            compute_for_sheet=sheet_sessions,
        )
    )
    register(
        IndicatorSource(
            "strategy.participants",
            _("Participants in the activities held (this action sheet)"),
            _("participants"),
            compute=participants_in_territory,
            compute_for_sheet=participants_of_sheet,
        )
    )
    register(
        IndicatorSource(
            "governance.meetings_held",
            _("Meetings held by the council's bodies (whole territory)"),
            _("meetings"),
            compute=council_meetings_held,
        )
    )


_register_built_ins()
