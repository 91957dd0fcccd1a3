"""Activities of the action sheets (workshops, classroom sessions): reads and writes.

An activity is requested (a school head asks for a police classroom session), planned, then
held or cancelled. Once held, its participants are counted by age band and sex, never named.
Writes take the acting user and check `can_report_on(actor, sheet)`: the strategy's managers
on every sheet, a partner member on the sheets their organisation leads or is a partner of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    ActivityStatus,
    AgeBand,
    ParticipantCount,
    Sex,
)
from tranquillite.strategy.permissions import can_report_on

# An activity belongs to the year it was held, else planned, else requested.
ACTIVITY_DATE = Coalesce("held_on", "planned_on", "requested_on")
ACTIVITY_YEAR = ExtractYear(ACTIVITY_DATE)
OPEN_STATUSES = (ActivityStatus.REQUESTED, ActivityStatus.PLANNED)


# --- Reads ----------------------------------------------------------------------------------


@dataclass
class YearActivities:
    """A sheet's activities of one year: planned (every one not cancelled) against held."""

    year: int
    activities: list[Activity] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(1 for a in self.activities if a.status != ActivityStatus.CANCELLED)

    @property
    def held(self) -> int:
        return sum(1 for a in self.activities if a.status == ActivityStatus.HELD)

    @property
    def participants(self) -> int:
        return sum(getattr(a, "participants", 0) or 0 for a in self.activities)


def activities_for_sheet(sheet: ActionSheet) -> list[YearActivities]:
    """This year's and last year's activities of the sheet (one query)."""
    this_year = timezone.localdate().year
    years = {this_year: YearActivities(this_year), this_year - 1: YearActivities(this_year - 1)}
    rows = (
        Activity.objects.filter(sheet=sheet)
        .annotate(
            year=ACTIVITY_YEAR,
            on=ACTIVITY_DATE,
            participants=Sum("participant_counts__count"),
        )
        .filter(year__in=list(years))
        .order_by("on", "pk")
    )
    for activity in rows:
        years[activity.year].activities.append(activity)
    return list(years.values())


def activity_for(user: Any, territory: Territory, public_id: Any) -> Activity | None:
    return (
        Activity.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("sheet__axis__strategy", "sheet__lead", "requested_by", "neighbourhood")
        .prefetch_related("facilitators", "participant_counts")
        .first()
    )


@dataclass(frozen=True)
class ActivityFilter:
    year: int | None = None
    kind: str = ""
    status: str = ""
    sheet: ActionSheet | None = None


def activities_in(user: Any, territory: Territory, filters: ActivityFilter) -> QuerySet[Activity]:
    activities = (
        Activity.objects.visible_to(user)
        .in_territory(territory)
        .annotate(year=ACTIVITY_YEAR, on=ACTIVITY_DATE)
    )
    if filters.year:
        activities = activities.filter(year=filters.year)
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.status:
        activities = activities.filter(status=filters.status)
    if filters.sheet is not None:
        activities = activities.filter(sheet=filters.sheet)
    return activities


def activity_years(user: Any, territory: Territory) -> list[int]:
    return sorted(
        {
            year
            for year in Activity.objects.visible_to(user)
            .in_territory(territory)
            .annotate(year=ACTIVITY_YEAR)
            .values_list("year", flat=True)
            .distinct()
            if year
        },
        reverse=True,
    )


@dataclass(frozen=True)
class SheetYear:
    sheet_public_id: Any
    sheet_number: str
    sheet_title: str
    year: int
    planned: int
    held: int
    participants: int


def planned_against_held(activities: QuerySet[Activity]) -> list[SheetYear]:
    """Per sheet and year, the activities planned (not cancelled) and held: one query."""
    rows = (
        activities.order_by()
        .values("sheet__public_id", "sheet__number", "sheet__title", "year")  # type: ignore[misc]
        .annotate(
            planned=Count("pk", filter=~Q(status=ActivityStatus.CANCELLED), distinct=True),
            held=Count("pk", filter=Q(status=ActivityStatus.HELD), distinct=True),
        )
        .order_by("-year", "sheet__number")
    )
    participants = {
        (row["sheet__public_id"], row["year"]): row["total"]
        for row in activities.order_by()
        .values("sheet__public_id", "year")  # type: ignore[misc]
        .annotate(total=Sum("participant_counts__count"))
    }
    return [
        SheetYear(
            row["sheet__public_id"],
            row["sheet__number"],
            row["sheet__title"],
            row["year"],
            row["planned"],
            row["held"],
            participants.get((row["sheet__public_id"], row["year"])) or 0,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class GridRow:
    label: str
    cells: list[int]
    total: int


@dataclass(frozen=True)
class ParticipantGrid:
    """Counts by age band (rows) and sex (columns), with the totals of each."""

    sexes: list[str]
    rows: list[GridRow]
    column_totals: list[int]
    total: int


def participant_grid(counts: Iterable[tuple[str, str, int]]) -> ParticipantGrid:
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for age_band, sex, count in counts:
        cells[age_band, sex] += count
    rows = []
    for band in AgeBand:
        values = [cells[band.value, sex.value] for sex in Sex]
        rows.append(GridRow(str(band.label), values, sum(values)))
    column_totals = [sum(cells[band.value, sex.value] for band in AgeBand) for sex in Sex]
    return ParticipantGrid([str(sex.label) for sex in Sex], rows, column_totals, sum(column_totals))


def participants_of(activities: QuerySet[Activity]) -> ParticipantGrid:
    """The participant grid of every held activity in `activities`: one aggregate query."""
    totals = (
        ParticipantCount.objects.filter(
            activity__in=activities.order_by().values("pk"), activity__status=ActivityStatus.HELD
        )
        .values("age_band", "sex")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return participant_grid((row["age_band"], row["sex"], row["total"]) for row in totals)


def grid_of(activity: Activity) -> ParticipantGrid:
    return participant_grid((c.age_band, c.sex, c.count) for c in activity.participant_counts.all())


# --- Writes ---------------------------------------------------------------------------------


def _require_report(actor: Any, sheet: ActionSheet) -> None:
    if not can_report_on(actor, sheet):
        raise PermissionDenied("strategy.report_on_actions")


@dataclass(frozen=True)
class ActivityData:
    kind: str
    title: str
    status: str = ActivityStatus.PLANNED
    planned_on: date | None = None
    place: str = ""
    neighbourhood: Neighbourhood | None = None
    requested_by: Organisation | None = None
    requested_on: date | None = None
    class_name: str = ""
    facilitators: Sequence[Organisation] = ()
    summary: str = ""


def _check_dates(
    status: str, planned_on: date | None, requested_on: date | None, held_on: date | None
) -> None:
    if status == ActivityStatus.REQUESTED and requested_on is None:
        raise ValidationError({"requested_on": _("A requested activity needs its request date.")})
    if status == ActivityStatus.PLANNED and planned_on is None:
        raise ValidationError({"planned_on": _("A planned activity needs its planned date.")})
    if requested_on and planned_on and requested_on > planned_on:
        raise ValidationError(
            {"planned_on": _("The activity cannot be planned before it was requested.")}
        )
    if requested_on and requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("The request date cannot be in the future.")})
    if held_on and requested_on and held_on < requested_on:
        raise ValidationError(
            {"held_on": _("The activity cannot have been held before it was requested.")}
        )


@transaction.atomic
def save_activity(
    *,
    actor: Any,
    data: ActivityData,
    sheet: ActionSheet | None = None,
    activity: Activity | None = None,
) -> Activity:
    """Create an activity under `sheet`, or change `activity`. Only a requested or planned
    activity changes status here (held: `record_held`; cancelled: `cancel_activity`)."""
    if activity is None:
        if sheet is None:
            raise ValueError("save_activity needs a sheet or an activity")
        activity = Activity(territory=sheet.territory, sheet=sheet)
        current = None
    else:
        sheet = activity.sheet
        current = activity.status
    _require_report(actor, sheet)
    if current in (None, *OPEN_STATUSES):
        if data.status not in OPEN_STATUSES:
            raise ValidationError(
                _(
                    "A new or open activity is either requested or planned: record it as held, or "
                    "cancel it, with their own buttons."
                )
            )
    elif data.status != current:
        raise ValidationError(_("A held or cancelled activity keeps its status."))
    territory_ids = {
        o.territory_id
        for o in [data.neighbourhood, data.requested_by, *data.facilitators]
        if o is not None
    }
    if territory_ids - {sheet.territory_id}:
        raise ValidationError(_("Every organisation and neighbourhood must be of this territory."))
    _check_dates(data.status, data.planned_on, data.requested_on, activity.held_on)
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.status = data.status
    activity.planned_on = data.planned_on
    activity.place = data.place.strip()
    activity.neighbourhood = data.neighbourhood
    activity.requested_by = data.requested_by
    activity.requested_on = data.requested_on
    activity.class_name = data.class_name.strip()
    activity.summary = data.summary.strip()
    check_free_text(actor, sheet.territory, activity.title, activity.summary)
    activity.full_clean()
    activity.save()
    activity.facilitators.set(data.facilitators)
    return activity


@transaction.atomic
def record_held(
    *,
    actor: Any,
    activity: Activity,
    held_on: date | None,
    counts: Mapping[tuple[str, str], int],
    summary: str | None = None,
) -> Activity:
    """The activity took place on `held_on`: its status becomes held and its participants are
    counted (a cell left at zero is no row). Called again, it corrects the date and counts."""
    _require_report(actor, activity.sheet)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("A cancelled activity cannot be recorded as held."))
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date the activity was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date held cannot be in the future.")})
    _check_dates(ActivityStatus.HELD, activity.planned_on, activity.requested_on, held_on)
    bands, sexes = set(AgeBand.values), set(Sex.values)
    for (band, sex), count in counts.items():
        if band not in bands or sex not in sexes:
            raise ValidationError(_("Unknown age band or sex."))
        if count < 0:
            raise ValidationError(_("A count cannot be negative."))
    activity.status = ActivityStatus.HELD
    activity.held_on = held_on
    if summary is not None:
        activity.summary = summary.strip()
        check_free_text(actor, activity.territory, activity.summary)
    activity.full_clean()
    activity.save()
    _set_counts(activity, counts)
    return activity


def _set_counts(activity: Activity, counts: Mapping[tuple[str, str], int]) -> None:
    # Counts exist for held activities only (checked by the callers); one row per non-zero
    # cell, written one at a time so that the history records each change.
    assert activity.status == ActivityStatus.HELD
    saved = {(c.age_band, c.sex): c for c in ParticipantCount.objects.filter(activity=activity)}
    for key, row in saved.items():
        if not counts.get(key):
            row.delete()
        elif row.count != counts[key]:
            row.count = counts[key]
            row.save(update_fields=["count"])
    for (band, sex), count in counts.items():
        if count and (band, sex) not in saved:
            ParticipantCount.objects.create(
                territory=activity.territory, activity=activity, age_band=band, sex=sex, count=count
            )


@transaction.atomic
def cancel_activity(*, actor: Any, activity: Activity) -> Activity:
    _require_report(actor, activity.sheet)
    if activity.status == ActivityStatus.HELD:
        raise ValidationError(_("This activity was held: it cannot be cancelled."))
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("This activity is already cancelled."))
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status"])
    return activity
