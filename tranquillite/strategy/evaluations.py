"""The committees' evaluations of the action sheets: reads and writes.

A committee (steering or monitoring committee, CLSPD plenary or restricted session) evaluates a
sheet, usually in one of its meetings: status, progress, decision and a short comment. The
sheet keeps every evaluation; its own `status`, `progress` and `next_review_on` always follow
its **latest evaluation by date** (`evaluated_on`, then the latest recorded), so that typing
in an old evaluation afterwards never overwrites a newer one.

Rules (`evaluate_sheet`), each refused with a French message:
- the right `strategy.manage_strategy` in the sheet's territory;
- a meeting, when given, of the sheet's territory, of a body that evaluates the strategy (not
  a working group nor the family council, which handle cases), not cancelled; the evaluation
  is dated on the meeting's day;
- no evaluation dated in the future (a committee evaluates what it has seen);
- progress is a whole percent from 0 to 100;
- "done" means finished: progress must be 100 (refused rather than silently raised, so that a
  slip of the hand is corrected by whoever typed it);
- the decision "stop" and the status "stopped" go together, one never without the other;
- one evaluation per sheet and meeting: evaluating again in the same meeting corrects it
  (the change history, django-auditlog, keeps the previous values).

Next review (`next_review_after`): six months after the evaluation when on track; three months
when at risk, late, or when the committee decides to reorient the action; none once the action
is done or stopped.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Territory
from tranquillite.governance.models import Body, BodyKind, Meeting, MeetingStatus
from tranquillite.governance.selectors import bodies_for
from tranquillite.strategy.models import (
    ActionSheet,
    Evaluation,
    EvaluationDecision,
    EvaluationStatus,
    SheetStatus,
    Strategy,
)
from tranquillite.strategy.permissions import can_manage_strategy

# The bodies whose meetings evaluate the strategy. Working groups and the family council
# handle nominative cases, not the strategy's progress.
EVALUATING_KINDS = frozenset(
    {
        BodyKind.PLENARY,
        BodyKind.RESTRICTED,
        BodyKind.STEERING_COMMITTEE,
        BodyKind.MONITORING_COMMITTEE,
    }
)
REVIEW_MONTHS = 6
SOONER_REVIEW_MONTHS = 3
CLOSED_STATUSES = (SheetStatus.DONE, SheetStatus.STOPPED)


def evaluates_strategy(body: Body) -> bool:
    return body.kind in EVALUATING_KINDS


def meeting_day(meeting: Meeting) -> date:
    return timezone.localdate(meeting.starts_at)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_after(evaluated_on: date, status: str, decision: str = "") -> date | None:
    if status in CLOSED_STATUSES:
        return None
    sooner = status in (SheetStatus.AT_RISK, SheetStatus.LATE) or (
        decision == EvaluationDecision.REORIENT
    )
    return add_months(evaluated_on, SOONER_REVIEW_MONTHS if sooner else REVIEW_MONTHS)


# --- Writes ---------------------------------------------------------------------------------


def _check(
    *,
    sheet: ActionSheet,
    meeting: Meeting | None,
    evaluated_on: date,
    status: str,
    progress: Any,
    decision: str,
    comment: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if meeting is not None:
        if meeting.territory_id != sheet.territory_id:
            raise ValidationError(_("This meeting does not belong to the sheet's territory."))
        if not evaluates_strategy(meeting.body):
            raise ValidationError(
                _(
                    "Only a steering or monitoring committee, or the CLSPD in plenary or "
                    "restricted session, evaluates the action sheets."
                )
            )
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled."))
        if evaluated_on != meeting_day(meeting):
            raise ValidationError(_("An evaluation in a meeting is dated on the meeting's day."))
    if evaluated_on > timezone.localdate():
        raise ValidationError(
            _("An evaluation cannot be dated in the future: record it on the day of the meeting.")
        )
    if status not in EvaluationStatus.values:
        errors.setdefault("status", []).append(_("Choose a status."))
    if decision not in EvaluationDecision.values:
        errors.setdefault("decision", []).append(_("Choose a decision."))
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors.setdefault("progress", []).append(
            _("The progress is a whole percentage from 0 to 100.")
        )
    elif status == EvaluationStatus.DONE and progress != 100:
        errors.setdefault("progress", []).append(
            _("A done action is at 100%: correct the progress or choose another status.")
        )
    if (decision == EvaluationDecision.STOP) != (status == EvaluationStatus.STOPPED):
        errors.setdefault("decision", []).append(
            _("The decision “stop” goes with the status “stopped”, and only with it.")
        )
    if len(comment) > 2000:
        errors.setdefault("comment", []).append(_("The comment is at most 2,000 characters."))
    if errors:
        raise ValidationError(errors)


def refresh_sheet(sheet: ActionSheet) -> None:
    """Sets the sheet's status, progress and next review from its latest evaluation by date."""
    latest = sheet.evaluations.order_by("-evaluated_on", "-recorded_at", "-pk").first()
    if latest is None:
        return
    sheet.status = latest.status
    sheet.progress = latest.progress
    sheet.next_review_on = next_review_after(latest.evaluated_on, latest.status, latest.decision)
    sheet.save(update_fields=["status", "progress", "next_review_on"])


@transaction.atomic
def evaluate_sheet(
    *,
    actor: Any,
    sheet: ActionSheet,
    meeting: Meeting | None = None,
    evaluated_on: date | None = None,
    status: str,
    progress: int,
    decision: str,
    comment: str = "",
) -> Evaluation:
    """Records (or, in the same meeting, corrects) a committee's evaluation of `sheet`.
    Without `evaluated_on`, the meeting's day (or today, without a meeting)."""
    if not can_manage_strategy(actor, sheet):
        raise PermissionDenied("strategy.manage_strategy")
    if evaluated_on is None:
        evaluated_on = meeting_day(meeting) if meeting is not None else timezone.localdate()
    comment = (comment or "").strip()
    check_free_text(actor, sheet.territory, comment)
    _check(
        sheet=sheet,
        meeting=meeting,
        evaluated_on=evaluated_on,
        status=status,
        progress=progress,
        decision=decision,
        comment=comment,
    )
    evaluation = (
        Evaluation.objects.select_for_update().filter(sheet=sheet, meeting=meeting).first()
        if meeting is not None
        else None
    ) or Evaluation(territory=sheet.territory, sheet=sheet, meeting=meeting)
    evaluation.evaluated_on = evaluated_on
    evaluation.status = status
    evaluation.progress = progress
    evaluation.decision = decision
    evaluation.comment = comment
    evaluation.recorded_by = actor
    evaluation.save()
    refresh_sheet(sheet)
    return evaluation


# --- Reads ----------------------------------------------------------------------------------


def history_for_sheet(sheet: ActionSheet) -> list[Evaluation]:
    """Every evaluation of the sheet, newest first, with its meeting and body (one query)."""
    return list(
        sheet.evaluations.select_related("meeting__body").order_by(
            "-evaluated_on", "-recorded_at", "-pk"
        )
    )


def _in_order(number: str) -> tuple[tuple[int, int, str], ...]:
    """Sheet "1.2" before "1.10", as the committee reads them."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[.\s-]+", number)
    )


def _newest_first() -> QuerySet[Evaluation]:
    return Evaluation.objects.select_related("meeting__body").order_by(
        "-evaluated_on", "-recorded_at", "-pk"
    )


def due_condition(by: date) -> Q:
    """Due for review by `by`: its next review has come, or it has none and is neither done
    nor stopped (never evaluated: `evaluate_sheet` always sets one for an open action)."""
    return Q(next_review_on__lte=by) | (
        Q(next_review_on__isnull=True) & ~Q(status__in=CLOSED_STATUSES)
    )


def sheets_due_for_review(strategy: Strategy, by: date) -> list[ActionSheet]:
    """The strategy's sheets due for review by `by`, in the strategy's order (area, number),
    each with `last_evaluation` (or None). Two queries whatever their number."""
    sheets: list[ActionSheet] = list(
        ActionSheet.objects.filter(axis__strategy=strategy)
        .filter(due_condition(by))
        .select_related("axis", "lead")
        .prefetch_related(Prefetch("evaluations", queryset=_newest_first(), to_attr="history"))
        .order_by("axis__number", "number")
    )
    for sheet in sheets:
        sheet.last_evaluation = sheet.history[0] if sheet.history else None  # type: ignore[attr-defined]
    return sorted(sheets, key=lambda sheet: (sheet.axis.number, _in_order(sheet.number)))


def meeting_for(user: Any, territory: Territory, public_id: Any) -> Meeting | None:
    """A meeting of a body that evaluates the strategy, as governance shows it: to whoever
    sees its body (governance.selectors.bodies_for)."""
    meeting = (
        Meeting.objects.in_territory(territory)
        .filter(public_id=public_id, body__in=bodies_for(user, territory).values("pk"))
        .select_related("body")
        .first()
    )
    return meeting if meeting is not None and evaluates_strategy(meeting.body) else None


@dataclass
class MeetingSheet:
    """A sheet on a meeting's evaluation list: its evaluation in this meeting, if recorded,
    and the evaluation before it."""

    sheet: ActionSheet
    evaluation: Evaluation | None
    previous: Evaluation | None
    form: Any = None  # the view's form, when the user may evaluate


def meeting_sheet(sheet: ActionSheet, meeting: Meeting) -> MeetingSheet:
    history = history_for_sheet(sheet)
    return MeetingSheet(
        sheet,
        next((e for e in history if e.meeting_id == meeting.pk), None),
        next((e for e in history if e.meeting_id != meeting.pk), None),
    )


def sheets_for_meeting(
    strategy: Strategy, meeting: Meeting, *, every: bool = False
) -> list[MeetingSheet]:
    """The sheets a meeting evaluates: those due by its day, and those it has evaluated
    already (their next review has moved on since); with `every`, all the strategy's sheets
    (a committee may look at a sheet before its review date). Two queries whatever their
    number."""
    chosen = ActionSheet.objects.filter(axis__strategy=strategy)
    if not every:
        chosen = chosen.filter(
            due_condition(meeting_day(meeting))
            | Q(pk__in=Evaluation.objects.filter(meeting=meeting).values("sheet_id"))
        )
    sheets = (
        chosen.select_related("axis", "lead")
        .prefetch_related(Prefetch("evaluations", queryset=_newest_first(), to_attr="history"))
        .order_by("axis__number", "number")
    )
    rows = []
    for sheet in sheets:
        history: list[Evaluation] = sheet.history
        mine = next((e for e in history if e.meeting_id == meeting.pk), None)
        previous = next((e for e in history if e.meeting_id != meeting.pk), None)
        rows.append(MeetingSheet(sheet, mine, previous))
    return sorted(rows, key=lambda row: (row.sheet.axis.number, _in_order(row.sheet.number)))


# The fields of an evaluation the meeting page's list shows, read by subqueries.
_PREVIOUS_FIELDS = ("evaluated_on", "status", "progress")
_MINE_FIELDS = ("status", "progress", "decision", "comment")


def _evaluation_from(sheet: ActionSheet, prefix: str, fields: tuple[str, ...]) -> Evaluation | None:
    """An unsaved Evaluation holding the annotated fields `prefix_<field>`, or None."""
    values = {name: getattr(sheet, f"{prefix}_{name}") for name in fields}
    if values["status"] is None:
        return None
    return Evaluation(sheet=sheet, **values)


def meeting_summary(user: Any, territory: Territory, meeting: Meeting) -> list[MeetingSheet]:
    """The meeting page's list: the sheets of every strategy of the territory the meeting
    evaluates (due by its day, or evaluated in it), in the strategies' order then the
    strategy's (area, number), each with its evaluation in this meeting and the one before
    (unsaved Evaluations carrying only the fields shown), no form. One query whatever their
    number: the evaluations come through subqueries (the index (sheet, evaluated_on))."""
    strategies = Strategy.objects.visible_to(user).in_territory(territory).values("pk")
    newest = ("-evaluated_on", "-recorded_at", "-pk")
    previous = Evaluation.objects.filter(sheet=OuterRef("pk")).exclude(meeting=meeting)
    mine = Evaluation.objects.filter(sheet=OuterRef("pk"), meeting=meeting)
    annotations = {
        **{
            f"previous_{name}": Subquery(previous.order_by(*newest).values(name)[:1])
            for name in _PREVIOUS_FIELDS
        },
        **{
            f"mine_{name}": Subquery(mine.values(name)[:1])  # one per sheet and meeting
            for name in _MINE_FIELDS
        },
    }
    sheets = (
        ActionSheet.objects.filter(axis__strategy__in=strategies)
        .filter(
            due_condition(meeting_day(meeting))
            | Q(pk__in=Evaluation.objects.filter(meeting=meeting).values("sheet_id"))
        )
        .select_related("axis__strategy", "lead")
        .only(
            "public_id",
            "number",
            "title",
            "status",
            "progress",
            "next_review_on",
            "axis__number",
            "axis__strategy__public_id",
            "axis__strategy__title",
            "axis__strategy__is_current",
            "axis__strategy__starts_on",
            "lead__name",
        )
        .annotate(**annotations)
    )
    rows = [
        MeetingSheet(
            sheet,
            _evaluation_from(sheet, "mine", _MINE_FIELDS),
            _evaluation_from(sheet, "previous", _PREVIOUS_FIELDS),
        )
        for sheet in sheets
    ]

    def order(row: MeetingSheet) -> tuple[Any, ...]:
        strategy = row.sheet.axis.strategy
        return (
            not strategy.is_current,
            -(strategy.starts_on or date.min).toordinal(),
            strategy.pk,
            row.sheet.axis.number,
            _in_order(row.sheet.number),
        )

    return sorted(rows, key=order)
