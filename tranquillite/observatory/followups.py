"""The figures of the individual follow-ups, from their anonymous shadows only.

Everything here reads `followups.CaseStatistic` — never a follow-up, a person or a step: the
shadow holds no name, no birth date, no case number (an age band at referral, the sex, the
neighbourhood, closed-list values, yes/no facts) and survives the file's destruction, so the
figures of past years stay whole after the purge.

Figures are by **referral cohort**: a year is the year files were referred, and a file's
hearing, support or review counts in the year it was referred, even if held the next year.
That is how the city reports them (what became of the year's referrals); a cohort's figures
still grow while its files run (reviews at 12 months come a year after the hearing).

Every table goes through `suppression.py` before it is shown or exported: counts of 1 to 4
read "< 5", and a column that adds up to a published total withholds another cell ("×") so
that no small count can be recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.followups.engine import workflow_for
from tranquillite.followups.models import CaseStatistic, FollowUpKind
from tranquillite.observatory.suppression import (
    Cell,
    is_small,
    primary,
    protect_columns,
    protect_group,
)
from tranquillite.people.models import Sex
from tranquillite.strategy import sources

type Label = str | Promise

# The shadow's answer of each review and whether it came before its window. An early review
# (held before its window, with a reason: followups/workflows/common.py) says nothing of
# reoffending at 6 or 12 months: it is counted apart, never in the figure nor in the share.
REVIEWS = {
    6: ("reoffended_6_months", "review_6_months_early"),
    12: ("reoffended_12_months", "review_12_months_early"),
}


def _review_figures(
    months: int, reviewed: Label, reoffended: Label, early: Label
) -> dict[str, tuple[Label, Q]]:
    answer, early_field = REVIEWS[months]
    return {
        f"reviewed_{months}": (reviewed, Q(**{f"{answer}__isnull": False, early_field: False})),
        f"reoffended_{months}": (reoffended, Q(**{answer: True, early_field: False})),
        f"reviewed_{months}_early": (early, Q(**{f"{answer}__isnull": False, early_field: True})),
    }


# Each figure: a count over the shadows of a cohort.
FIGURES: dict[str, tuple[Label, Q]] = {
    "referrals": (_("Referrals"), Q()),
    "summoned": (_("Summoned to a hearing"), Q(summoned=True)),
    "heard": (_("Heard (hearing or session held)"), Q(heard=True)),
    "no_show": (_("No-shows"), Q(no_show=True)),
    "parents_present": (_("Parents present"), Q(parents_present=True)),
    "support_started": (_("Support opened"), Q(support_started=True)),
    "support_completed": (_("Support completed"), Q(support_completed=True)),
    **_review_figures(
        6,
        _("Reviewed at 6 months"),
        _("Reoffended at 6 months"),
        _("Reviewed early (before 6 months)"),
    ),
    **_review_figures(
        12,
        _("Reviewed at 12 months"),
        _("Reoffended at 12 months"),
        _("Reviewed early (before 12 months)"),
    ),
}

# The figures that mean something for each kind (the others are always zero).
FIGURES_BY_KIND: dict[str, tuple[str, ...]] = {
    FollowUpKind.LAW_REMINDER: tuple(FIGURES),
    FollowUpKind.FAMILY_COUNCIL: (
        "referrals",
        "heard",
        "parents_present",
        "support_started",
        "support_completed",
    ),
    FollowUpKind.INDIVIDUAL_SUPPORT: (
        "referrals",
        "support_started",
        "support_completed",
        "reviewed_6",
        "reoffended_6",
        "reviewed_6_early",
    ),
    FollowUpKind.VICTIM_SUPPORT: ("referrals", "support_started", "support_completed"),
}

AGE_BANDS: tuple[tuple[str, Label], ...] = (
    ("under_10", _("Under 10")),
    ("10_12", _("10 to 12")),
    ("13_15", _("13 to 15")),
    ("16_17", _("16 and 17")),
    ("18_24", _("18 to 24")),
)

UNKNOWN = "__unknown__"


def shadows(territory: Territory, kind: str, year: int) -> QuerySet[CaseStatistic]:
    return CaseStatistic.objects.filter(territory=territory, kind=kind, year=year)


def years_of(territory: Territory) -> list[int]:
    """The referral years with figures, newest first."""
    return sorted(
        set(CaseStatistic.objects.filter(territory=territory).values_list("year", flat=True)),
        reverse=True,
    )


def _counts(names: Sequence[str]) -> dict[str, Count]:
    return {name: Count("pk", filter=FIGURES[name][1]) for name in names}


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    caption: str
    dimension: str
    figures: list[tuple[str, str]]
    rows: list[Row]
    total: Row | None

    def csv_rows(self) -> list[list[str]]:
        rows = [[self.dimension, *[label for _key, label in self.figures]]]
        for row in [*self.rows, *([self.total] if self.total else [])]:
            rows.append([row.label, *[cell.shown for cell in row.cells]])
        return rows


@dataclass
class FollowUpFigures:
    kind: str
    year: int
    key_figures: list[tuple[str, Cell]]
    tables: list[Table]


def _figure_labels(names: Sequence[str]) -> list[tuple[str, str]]:
    return [(name, str(FIGURES[name][0])) for name in names]


def _breakdown(
    queryset: QuerySet[CaseStatistic],
    field: str,
    categories: Sequence[tuple[Any, Label]],
    names: Sequence[str],
    *,
    key: str,
    caption: Label,
    dimension: Label,
) -> Table:
    """One row per category (every category of the closed list, zeros included), one column
    per figure; each column adds up to the total row and is protected as one group."""
    found = {row[field]: row for row in queryset.values(field).annotate(**_counts(names))}
    known = [value for value, _label in categories]
    extra = [value for value in found if value not in known]  # e.g. a value no longer listed
    ordered: list[tuple[Any, str]] = [(value, str(label)) for value, label in categories]
    ordered += [
        (value, str(_("Not stated")) if value in (None, "") else str(value)) for value in extra
    ]
    values = [[found.get(value, {}).get(name, 0) for name in names] for value, _label in ordered]
    cells, totals = protect_columns(values)
    return Table(
        key=key,
        caption=str(caption),
        dimension=str(dimension),
        figures=_figure_labels(names),
        rows=[Row(label, row) for (_value, label), row in zip(ordered, cells, strict=True)],
        total=Row(str(_("Total")), totals),
    )


def figures_for(territory: Territory, kind: str, year: int) -> FollowUpFigures:
    """The page's figures for one kind and one referral year, suppressed."""
    names = FIGURES_BY_KIND.get(kind, ("referrals",))
    cohort = shadows(territory, kind, year)
    workflow = workflow_for(kind)
    totals = cohort.aggregate(**_counts(names))
    key_figures = [(str(FIGURES[name][0]), primary(totals[name])) for name in names]

    by_source = {row["source"]: row["n"] for row in cohort.values("source").annotate(n=Count("pk"))}
    sources = list(workflow.sources) + [
        (value, value) for value in by_source if value not in dict(workflow.sources)
    ]
    source_cells, source_total = protect_group([by_source.get(value, 0) for value, _l in sources])
    source_table = Table(
        key="source",
        caption=str(_("Referrals by source")),
        dimension=str(_("Referred by")),
        figures=_figure_labels(["referrals"]),
        rows=[
            Row(str(label), [cell])
            for (_value, label), cell in zip(sources, source_cells, strict=True)
        ],
        total=Row(str(_("Total")), [source_total]),
    )

    neighbourhoods: list[tuple[Any, Label]] = [
        (pk, name)
        for pk, name in Neighbourhood.objects.filter(territory=territory)
        .order_by("name")
        .values_list("pk", "name")
    ]
    neighbourhoods.append((None, _("Not known")))
    tables = [source_table]
    dimensions: list[tuple[str, str, Sequence[tuple[Any, Label]], Label, Label]] = [
        ("age_band", "age_band", AGE_BANDS, _("By age band at referral"), _("Age band")),
        ("sex", "sex", list(Sex.choices), _("By sex"), _("Sex")),
        ("facts", "facts", list(workflow.facts), _("By facts"), _("Facts")),
        (
            "neighbourhood",
            "neighbourhood",
            neighbourhoods,
            _("By neighbourhood of residence"),
            _("Neighbourhood"),
        ),
    ]
    for key, field, categories, caption, dimension in dimensions:
        if not categories:  # a kind without a closed list of facts
            continue
        tables.append(
            _breakdown(
                cohort,
                field,
                categories,
                names,
                key=key,
                caption=caption,
                dimension=dimension,
            )
        )
    return FollowUpFigures(kind=kind, year=year, key_figures=key_figures, tables=tables)


# --- Indicator sources (registered from ObservatoryConfig.ready) ---------------------------


def _referred_between(territory: Territory, start: date, end: date, kind: str) -> Any:
    return CaseStatistic.objects.filter(
        territory=territory, kind=kind, referred_on__range=(start, end)
    )


class SmallCount(sources.Withheld):
    """A count of 1 to 4 files: never published (suppression.py), not even as an indicator,
    which everyone in the territory reads (and anyone, when it is public)."""


def _publishable(count: int) -> Decimal:
    if is_small(count):
        raise SmallCount(count)
    return Decimal(count)


def law_reminder_referrals(territory: Territory, start: date, end: date) -> Decimal:
    return _publishable(_referred_between(territory, start, end, FollowUpKind.LAW_REMINDER).count())


def law_reminder_hearings(territory: Territory, start: date, end: date) -> Decimal:
    """Reminders of the law pronounced: hearings held, for the files referred in the period."""
    cohort = _referred_between(territory, start, end, FollowUpKind.LAW_REMINDER)
    return _publishable(cohort.filter(heard=True).count())


def law_reminder_support_completed(territory: Territory, start: date, end: date) -> Decimal:
    cohort = _referred_between(territory, start, end, FollowUpKind.LAW_REMINDER)
    return _publishable(cohort.filter(support_completed=True).count())


class NoFileReviewed(sources.Withheld):
    """No file of the period has had this review yet: there is no share to give (a share of
    nothing is not 0 %); the month gets no value."""


def _share_without_reoffending(
    field: str, early: str
) -> Callable[[Territory, date, date], Decimal]:
    def compute(territory: Territory, start: date, end: date) -> Decimal:
        cohort = _referred_between(territory, start, end, FollowUpKind.LAW_REMINDER)
        # Early reviews (before their window) are not a figure at 6 or 12 months.
        cohort = cohort.exclude(**{early: True})
        counts = cohort.aggregate(
            reviewed=Count("pk", filter=Q(**{f"{field}__isnull": False})),
            clean=Count("pk", filter=Q(**{field: False})),
        )
        if not counts["reviewed"]:
            raise NoFileReviewed(field)
        # The share gives both counts back (reviewed × share): each must be publishable.
        _publishable(counts["reviewed"])
        _publishable(counts["clean"])
        _publishable(counts["reviewed"] - counts["clean"])
        share = Decimal(100) * Decimal(counts["clean"]) / Decimal(counts["reviewed"])
        return share.quantize(Decimal("0.01"))

    return compute


share_without_reoffending_6_months = _share_without_reoffending(*REVIEWS[6])
share_without_reoffending_12_months = _share_without_reoffending(*REVIEWS[12])
