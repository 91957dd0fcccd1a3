"""What a step does besides moving the state: the building blocks the workflows combine.

Each function returns an `Effect` (a function of the step's context), so a workflow reads as a
list: `effects=(set_deadline(DeadlineKind.REVIEW_3_MONTHS, months=3), statistic(heard=True))`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from tranquillite.followups import retention
from tranquillite.followups.engine import Effect, StepContext
from tranquillite.followups.models import CaseStatistic, Deadline, FollowUp


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return timezone.localdate()


def set_deadline(
    kind: str, *, months: int = 0, days: int = 0, from_field: str | None = None
) -> Effect:
    """Something becomes due: `months`/`days` after the step's date (or after the date in the
    form's `from_field`), owned by the file's case worker."""

    def effect(context: StepContext) -> None:
        start = _as_date(context.data.get(from_field) if from_field else context.event.occurred_on)
        Deadline.objects.create(
            territory=context.follow_up.territory,
            follow_up=context.follow_up,
            kind=kind,
            due_on=add_months(start, months) + timedelta(days=days),
            owner=context.follow_up.case_worker or context.actor,
        )

    return effect


def meet_deadlines(*kinds: str) -> Effect:
    """The open deadlines of these kinds are met on the step's date."""

    def effect(context: StepContext) -> None:
        context.follow_up.deadlines.filter(kind__in=kinds, done_on__isnull=True).update(
            done_on=context.event.occurred_on
        )

    return effect


def meet_deadlines_from(field: str) -> Effect:
    """The open deadline whose kind the form chose (e.g. which review) is met."""

    def effect(context: StepContext) -> None:
        meet_deadlines(context.data[field])(context)

    return effect


def when(
    condition: Callable[[dict[str, Any]], bool], *effects: Effect, otherwise: Effect | None = None
) -> Effect:
    """Run `effects` only when the step's answers meet `condition` (else `otherwise`)."""

    def effect(context: StepContext) -> None:
        if condition(context.data):
            for each in effects:
                each(context)
        elif otherwise is not None:
            otherwise(context)

    return effect


def close_with(outcome: str) -> Effect:
    """Close the file with a fixed outcome (e.g. the prosecutor objected)."""

    def effect(context: StepContext) -> None:
        close_file(replace(context, data={**context.data, "outcome": outcome}))

    return effect


def assign(field: str, *, to: str) -> Effect:
    """Copy a person chosen in the form (a user) onto the follow-up, e.g. the case worker."""

    def effect(context: StepContext) -> None:
        value = context.data.get(field)
        if value is not None:
            setattr(context.follow_up, to, value)
            context.follow_up.save(update_fields=[to])
            if to == "case_worker":
                context.follow_up.deadlines.filter(done_on__isnull=True).update(owner=value)

    return effect


def statistic(**facts: Any) -> Effect:
    """Keep the anonymous statistics in step: each value is fixed or a function of the
    step's answers."""

    def effect(context: StepContext) -> None:
        values = {
            name: value(context.data) if callable(value) else value for name, value in facts.items()
        }
        CaseStatistic.objects.filter(follow_up=context.follow_up).update(**values)

    return effect


def close_file(context: StepContext) -> None:
    """Closure: the file goes to the archive; its destruction date is set (retention.py);
    what was still due is dropped."""
    follow_up: FollowUp = context.follow_up
    follow_up.closed_on = context.event.occurred_on
    follow_up.outcome = context.data.get("outcome", "") or follow_up.outcome
    follow_up.destroy_on = retention.destroy_on(
        birth_date=follow_up.person.birth_date, closed_on=follow_up.closed_on
    )
    follow_up.save(update_fields=["closed_on", "outcome", "destroy_on"])
    follow_up.deadlines.filter(done_on__isnull=True).delete()
    CaseStatistic.objects.filter(follow_up=follow_up).update(closed=True, outcome=follow_up.outcome)
