"""Indicator sources of community service (TIG) for the action sheets (strategy/sources.py):
placements started, completed and interrupted in a period, hours done, completion rate.

Whole-territory totals over a period, never a breakdown, and under the small-count rule
(suppression.py): a count of 1 to 4 placements is withheld, and so are hours done or a rate
resting on fewer than 5 placements (hours worked by one or two people point at them).
The statistics page by service, age band and sex (`figures_for`, below) reads only the
anonymous shadows (`community_service.PlacementStatistic`), which outlive the purge.

The indicator sources read the placements as they stand (an indicator's period is any
month, finer than the shadows' hours per year): a placement destroyed by the purge (3 years
after its end) no longer counts, but the measurement computed earlier stays on the indicator.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.community_service.models import (
    Placement,
    PlacementHoursStatistic,
    PlacementState,
    PlacementStatistic,
    Post,
    PostStatusChange,
    WorkSession,
)
from tranquillite.core.models import Territory
from tranquillite.observatory.followups import Label, Row, SmallCount, Table, _publishable
from tranquillite.observatory.suppression import (
    THRESHOLD,
    WITHHELD,
    Cell,
    is_small,
    primary,
    protect_columns,
)
from tranquillite.people.models import Sex


def placements_started(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(
        Placement.objects.filter(territory=territory, started_on__range=(start, end)).count()
    )


def _ended(territory: Territory, start: date, end: date, state: str) -> int:
    return Placement.objects.filter(
        territory=territory, state=state, ended_on__range=(start, end)
    ).count()


def placements_completed(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_ended(territory, start, end, PlacementState.COMPLETED))


def placements_interrupted(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_ended(territory, start, end, PlacementState.INTERRUPTED))


def hours_done(territory: Territory, start: date, end: date) -> Decimal:
    """Hours of the sessions held in the period, when at least 5 placements share them."""
    sessions = WorkSession.objects.filter(
        territory=territory, day__range=(start, end), ends_at__isnull=False
    )
    people = sessions.values("placement").distinct().count()
    if is_small(people):
        raise SmallCount(people)
    minutes = sessions.aggregate(total=Sum("minutes"))["total"] or 0
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def completion_rate(territory: Territory, start: date, end: date) -> Decimal:
    """Completed among the placements ended in the period (%), over 5 ended or more."""
    completed = _ended(territory, start, end, PlacementState.COMPLETED)
    ended = completed + _ended(territory, start, end, PlacementState.INTERRUPTED)
    if ended == 0 or is_small(ended):
        raise SmallCount(ended)
    return (Decimal(100 * completed) / ended).quantize(Decimal("0.1"))


# --- The statistics page (anonymous shadows only) -------------------------------------------

AGE_BANDS: tuple[tuple[str, Label], ...] = (
    ("16_17", _("16 and 17")),
    ("18_24", _("18 to 24")),
    ("25_34", _("25 to 34")),
    ("35_49", _("35 to 49")),
    ("50_plus", _("50 and over")),
)

# Each count of the tables: placements started in the year, and ended in it as completed or
# interrupted (a placement counts in the year of its start, and in the year of its end).
COUNTS: tuple[tuple[str, Label], ...] = (
    ("started", _("Placements started")),
    ("completed", _("Placements completed")),
    ("interrupted", _("Placements interrupted")),
)


@dataclass(frozen=True)
class Derived:
    """A figure computed from counts (a rate, a median, hours): shown only when the counts
    it rests on are themselves published, else withheld ("×")."""

    value: Decimal | None

    @property
    def shown(self) -> str:
        if self.value is None:
            return WITHHELD
        return format(self.value, "f").replace(".", ",")

    @property
    def is_suppressed(self) -> bool:
        return self.value is None


@dataclass
class CommunityServiceFigures:
    year: int
    key_figures: list[tuple[str, Cell | Derived]]
    tables: list[Table]
    hours_by_year: list[tuple[int, Derived]]


def statistic_years(territory: Territory) -> list[int]:
    """The years with a placement proposed, started, ended or hours done, newest first."""
    shadows = PlacementStatistic.objects.filter(territory=territory)
    years: set[int] = set()
    for dates in shadows.values_list("proposed_on", "started_on", "ended_on"):
        years.update(day.year for day in dates if day is not None)
    years.update(
        PlacementHoursStatistic.objects.filter(territory=territory).values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def _count_expressions(year: int) -> dict[str, Count]:
    return {
        "started": Count("pk", filter=Q(started_on__year=year)),
        "completed": Count("pk", filter=Q(ended_on__year=year, state=PlacementState.COMPLETED)),
        "interrupted": Count("pk", filter=Q(ended_on__year=year, state=PlacementState.INTERRUPTED)),
    }


def _rate(completed: Cell, interrupted: Cell) -> Derived:
    """Completion rate (%) of the placements ended: only when both counts are published (a
    rate over published counts tells nothing they do not)."""
    ended = completed.value + interrupted.value
    if completed.is_suppressed or interrupted.is_suppressed or ended == 0:
        return Derived(None)
    return Derived((Decimal(100 * completed.value) / ended).quantize(Decimal("0.1")))


def _median(days: list[int]) -> Derived:
    """Median time to complete (days from start to end): over 5 completed placements or
    more, never fewer (the median of two is one person's time)."""
    if len(days) < THRESHOLD:
        return Derived(None)
    return Derived(Decimal(str(statistics.median(days))).quantize(Decimal("0.1")))


def _hours(minutes: int, placements: int) -> Derived:
    """Hours done, when at least 5 placements share them (zero is zero)."""
    if placements == 0:
        return Derived(Decimal(0))
    if is_small(placements):
        return Derived(None)
    return Derived((Decimal(minutes) / 60).quantize(Decimal("1")))


def _dimension_table(
    key: str,
    caption: Label,
    dimension: Label,
    categories: Sequence[tuple[Any, Label]],
    counts: dict[Any, dict[str, int]],
    durations: dict[Any, list[int]],
) -> Table:
    """Counts by category (each column protected as a group adding up to its total), then
    the completion rate and the median time to complete of each row."""
    known = [value for value, _label in categories]
    ordered = [(value, str(label)) for value, label in categories] + [
        (value, str(_("Not stated")) if value in (None, "") else str(value))
        for value in counts
        if value not in known
    ]
    values = [[counts.get(value, {}).get(name, 0) for name, _l in COUNTS] for value, _l in ordered]
    cells, totals = protect_columns(values)
    everyone = [day for days in durations.values() for day in days]
    # A row's cells: its protected counts, then two derived figures (duck-typed `shown`).
    rows = [
        Row(label, [*row, _rate(row[1], row[2]), _median(durations.get(value, []))])  # type: ignore[list-item]
        for (value, label), row in zip(ordered, cells, strict=True)
    ]
    total = Row(
        str(_("Total")),
        [*totals, _rate(totals[1], totals[2]), _median(everyone)],  # type: ignore[list-item]
    )
    return Table(
        key=key,
        caption=str(caption),
        dimension=str(dimension),
        figures=[(name, str(label)) for name, label in COUNTS]
        + [
            ("rate", str(_("Completion rate (%)"))),
            ("median", str(_("Median days to complete"))),
        ],
        rows=rows,
        total=total,
    )


def _grouped(
    year: int, shadows: QuerySet[PlacementStatistic], field: str
) -> dict[Any, dict[str, int]]:
    return {
        row[field]: row
        for row in shadows.values(field).annotate(**_count_expressions(year)).order_by()
    }


def _posts_table(territory: Territory, year: int, shadows: QuerySet[PlacementStatistic]) -> Table:
    """Posts offered during the year (open at some time of it, from their history of
    openings and closings) and places, per municipal service — the catalogue, which names no
    one, is published as it is; posts filled (hosting a placement some time in the year)
    and placements started go through the small-count rule."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    posts = list(
        Post.objects.filter(territory=territory, created_at__date__lte=end)
        .select_related("service")
        .order_by("service__name", "pk")
    )
    history: dict[int, list[tuple[date, bool]]] = {}
    for post_id, changed_at, is_open in PostStatusChange.objects.filter(
        territory=territory, post__in=[post.pk for post in posts]
    ).values_list("post_id", "changed_at", "is_open"):
        history.setdefault(post_id, []).append((timezone.localdate(changed_at), is_open))

    def offered(post: Post) -> bool:
        changes = sorted(history.get(post.pk, []))
        if not changes:
            return post.is_open
        before = [is_open for day, is_open in changes if day < start]
        during = [is_open for day, is_open in changes if start <= day <= end]
        return bool((before and before[-1]) or any(during))

    services: dict[int, list[Any]] = {}
    names: dict[int, str] = {}
    for post in posts:
        if offered(post):
            entry = services.setdefault(post.service_id, [0, 0])
            entry[0] += 1
            entry[1] += post.capacity
            names[post.service_id] = post.service.name
    running = shadows.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    filled = {
        row["service"]: row["posts"]
        for row in running.values("service").annotate(posts=Count("post", distinct=True)).order_by()
    }
    started = {
        row["service"]: row["n"]
        for row in shadows.filter(started_on__year=year)
        .values("service")
        .annotate(n=Count("pk"))
        .order_by()
    }
    missing = (set(filled) | set(started)) - set(names)
    if missing:
        names.update(
            Organisation.objects.filter(pk__in=[pk for pk in missing if pk]).values_list(
                "pk", "name"
            )
        )
    order = sorted(names, key=lambda pk: names[pk])
    if None in filled or None in started:
        order.append(None)  # type: ignore[arg-type]
        names[None] = str(_("Not stated"))  # type: ignore[index]
    protected, protected_totals = protect_columns(
        [[filled.get(pk, 0), started.get(pk, 0)] for pk in order]
    )
    rows = []
    for pk, counted in zip(order, protected, strict=True):
        offered_posts, places = services.get(pk, [0, 0])
        rows.append(Row(names[pk], [Cell(offered_posts), Cell(places), *counted]))
    offered_total = sum(entry[0] for entry in services.values())
    places_total = sum(entry[1] for entry in services.values())
    return Table(
        key="posts",
        caption=str(_("Posts offered and filled, by municipal service")),
        dimension=str(_("Municipal service")),
        figures=[
            ("offered", str(_("Posts offered"))),
            ("places", str(_("Places offered"))),
            ("filled", str(_("Posts filled"))),
            ("started", str(_("Placements started"))),
        ],
        rows=rows,
        total=Row(str(_("Total")), [Cell(offered_total), Cell(places_total), *protected_totals]),
    )


def figures_for(territory: Territory, year: int) -> CommunityServiceFigures:
    """The page's figures for one calendar year, from the shadows only, suppressed. A
    bounded number of queries, whatever the number of placements."""
    shadows = PlacementStatistic.objects.filter(territory=territory)
    totals = shadows.aggregate(**_count_expressions(year))
    started, completed, interrupted = (primary(totals[name]) for name, _l in COUNTS)
    completions = list(
        shadows.filter(
            ended_on__year=year, state=PlacementState.COMPLETED, started_on__isnull=False
        ).values_list("age_band", "sex", "started_on", "ended_on")
    )
    by_band: dict[Any, list[int]] = {}
    by_sex: dict[Any, list[int]] = {}
    for band, sex, began, ended in completions:
        assert began is not None and ended is not None  # filtered above
        by_band.setdefault(band, []).append((ended - began).days)
        by_sex.setdefault(sex, []).append((ended - began).days)
    hours_rows = (
        PlacementHoursStatistic.objects.filter(territory=territory)
        .values("year")
        .annotate(minutes=Sum("minutes"), placements=Count("statistic", distinct=True))
        .order_by("-year")
    )
    hours_by_year = [
        (row["year"], _hours(row["minutes"] or 0, row["placements"])) for row in hours_rows
    ]
    this_year = dict(hours_by_year).get(year, Derived(Decimal(0)))
    key_figures: list[tuple[str, Cell | Derived]] = [
        (str(_("Placements started")), started),
        (str(_("Placements completed")), completed),
        (str(_("Placements interrupted")), interrupted),
        (str(_("Hours done")), this_year),
        (str(_("Completion rate (%)")), _rate(completed, interrupted)),
        (
            str(_("Median days to complete")),
            _median([day for days in by_band.values() for day in days]),
        ),
    ]
    tables = [
        _posts_table(territory, year, shadows),
        _dimension_table(
            "age_band",
            _("By age band at the proposal"),
            _("Age band"),
            AGE_BANDS,
            _grouped(year, shadows, "age_band"),
            by_band,
        ),
        _dimension_table(
            "sex", _("By sex"), _("Sex"), list(Sex.choices), _grouped(year, shadows, "sex"), by_sex
        ),
    ]
    return CommunityServiceFigures(
        year=year, key_figures=key_figures, tables=tables, hours_by_year=hours_by_year
    )
