"""The follow-up engine: one way to run the four kinds of follow-up.

A kind's workflow (followups/workflows/<kind>.py) declares, in one readable place:
- its states, the one it starts in and those that close it;
- its closed lists (sources, facts, outcomes) and its age limits;
- its steps: from which states, to which state, with which form, and what else happens
  (deadlines set or met, letters, the anonymous statistics kept in step).

The engine does the rest, the same way for every kind: it checks that the acting user may
see the follow-up (the charter gate), that the file is neither archived nor restricted, that
the step may start from the current state; it validates the step's form, writes the event to
the timeline, moves the state, and runs the step's effects — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tranquillite.followups.models import FollowUp, FollowUpEvent


class StepRefused(ValidationError):
    """The step's form did not validate: `form` carries the errors, field by field."""

    def __init__(self, form: forms.Form) -> None:
        super().__init__(form.errors.as_data().get("__all__") or _("Please correct the errors."))
        self.form = form


@dataclass(frozen=True)
class StepContext:
    actor: Any
    follow_up: FollowUp
    data: dict[str, Any]
    event: FollowUpEvent


Effect = Callable[[StepContext], None]


# How far from today a date typed in a follow-up may be: a file lives a few years at most
# (3 years in the archive, never past the 25th birthday: retention.py), so a year 0001 or
# 9999 is a typing slip, refused with a message rather than stored (or crashing a page).
OLDEST_DAYS = 3 * 366
FURTHEST_DAYS = 366


def check_plausible(day: date) -> date:
    """A date of a follow-up, bounded to what makes sense (see OLDEST_DAYS)."""
    today = timezone.localdate()
    if day < today - timedelta(days=OLDEST_DAYS):
        raise forms.ValidationError(_("This date is more than three years ago: check the year."))
    if day > today + timedelta(days=FURTHEST_DAYS):
        raise forms.ValidationError(_("This date is more than a year ahead: check the year."))
    return day


class StepForm(forms.Form):
    """Base of every step's form: knows the follow-up (for choices that depend on it)."""

    # Each form says which of its fields is the step's date (shown on the timeline).
    date_field = "occurred_on"
    # Fields the form fills itself in `clean` (e.g. "this review came early"): declared so
    # that the history labels them, never shown nor typed.
    computed_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, follow_up: FollowUp, **kwargs: Any) -> None:
        self.follow_up = follow_up
        super().__init__(*args, **kwargs)
        for name in self.computed_fields:
            del self.fields[name]
        # Most steps are recorded the day they happen: the date starts at today (editable);
        # a form may propose a likelier day (the hearing: the day it was summoned for).
        date_field = self.fields.get(self.date_field)
        if isinstance(date_field, forms.DateField) and date_field.initial is None:
            self.initial.setdefault(self.date_field, self.likely_date())

    def likely_date(self) -> date:
        return timezone.localdate()


class ReferralForm(forms.Form):
    """What every referral records; a kind's workflow may add its own checks (RAO: no
    complaint, no proceedings). The closed lists come from the workflow."""

    # Most referrals are typed the day they arrive: today, editable.
    opened_on = forms.DateField(
        label=_lazy("Referral date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    source = forms.ChoiceField(label=_lazy("Source"))
    facts = forms.ChoiceField(label=_lazy("Facts"), required=False)
    facts_place = forms.CharField(
        label=_lazy("Place of the facts"),
        required=False,
        max_length=150,
        help_text=_lazy("A street or a place; no one's name."),
    )
    summary = forms.CharField(
        label=_lazy("Short summary"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy(
            "500 characters at most. No name of a third party, no extract of a police file."
        ),
    )

    def __init__(self, *args: Any, workflow: Workflow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.fields["source"].choices = [("", "—"), *workflow.sources]  # type: ignore[attr-defined]
        self.fields["facts"].choices = [("", "—"), *workflow.facts]  # type: ignore[attr-defined]
        self.fields["facts"].required = bool(workflow.facts)

    def clean_opened_on(self) -> date:
        day: date = self.cleaned_data["opened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return check_plausible(day)


@dataclass(frozen=True)
class Step:
    name: str
    label: str | Promise
    sources: frozenset[str]
    form: type[StepForm]
    # The next state, fixed or chosen from the form's answers.
    target: str | Callable[[dict[str, Any]], str]
    effects: tuple[Effect, ...] = ()
    # A right needed on top of access to the file (e.g. only the coordinator closes a file).
    right: str | None = None
    help_text: str | Promise = ""

    def target_for(self, data: dict[str, Any]) -> str:
        return self.target(data) if callable(self.target) else self.target


@dataclass(frozen=True)
class Workflow:
    kind: str
    states: Mapping[str, str | Promise]
    initial: str
    closed_states: frozenset[str]
    sources: tuple[tuple[str, str | Promise], ...]
    facts: tuple[tuple[str, str | Promise], ...]
    outcomes: tuple[tuple[str, str | Promise], ...]
    steps: tuple[Step, ...]
    min_age: int
    max_age: int
    # The kinds of body a file of this kind may belong to (a working group, the CDDF).
    body_kinds: frozenset[str]
    referral_form: type[ReferralForm] = ReferralForm

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def steps_from(self, state: str) -> list[Step]:
        return [step for step in self.steps if state in step.sources]

    def state_label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def label_of(self, choices: tuple[tuple[str, str | Promise], ...], value: str) -> str:
        return str(dict(choices).get(value, value))


_WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _check(workflow)
    _WORKFLOWS[workflow.kind] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    # The four kinds register themselves when the app starts (apps.FollowupsConfig.ready): the
    # engine never imports the workflows, which import it (imports flow one way).
    return _WORKFLOWS[kind]


def _check(workflow: Workflow) -> None:
    """A workflow that names a state it does not declare is a bug: fail at start-up."""
    known = set(workflow.states)
    assert workflow.initial in known, workflow.initial
    assert workflow.closed_states <= known, workflow.closed_states
    for step in workflow.steps:
        assert step.sources <= known, (step.name, step.sources - known)
        if not callable(step.target):
            assert step.target in known, (step.name, step.target)


def as_json(value: Any) -> Any:
    """A form's cleaned value as it is kept in the timeline (JSON)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, list | tuple | set | frozenset):
        return [as_json(item) for item in value]
    return value


def may_act(actor: Any, follow_up: FollowUp) -> bool:
    return FollowUp.objects.visible_to(actor).filter(pk=follow_up.pk).exists()


@transaction.atomic
def apply_step(
    *, actor: Any, follow_up: FollowUp, step_name: str, data: Mapping[str, Any]
) -> FollowUpEvent:
    """Take one step of `follow_up`'s workflow with the answers in `data` (a form's data)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not may_act(actor, follow_up):
        raise PermissionDenied("followups.follow_up")
    workflow = workflow_for(follow_up.kind)
    step = workflow.step(step_name)
    if step.right and not actor.has_perm(step.right, follow_up.territory):
        raise PermissionDenied(step.right)
    if follow_up.is_archived:
        raise ValidationError(_("This file is closed and archived: it can no longer change."))
    if follow_up.is_restricted:
        raise ValidationError(
            _("The processing of this file is restricted (RGPD art. 18): no step can be taken.")
        )
    if follow_up.state not in step.sources:
        raise ValidationError(
            _("“%(step)s” cannot be done now: the file is at “%(state)s”.")
            % {"step": step.label, "state": workflow.state_label(follow_up.state)}
        )
    form = step.form(data=data, follow_up=follow_up)
    if not form.is_valid():
        raise StepRefused(form)
    cleaned = dict(form.cleaned_data)
    target = step.target_for(cleaned)
    occurred_on = cleaned.get(form.date_field)
    event = FollowUpEvent.objects.create(
        territory=follow_up.territory,
        follow_up=follow_up,
        step=step.name,
        from_state=follow_up.state,
        to_state=target,
        occurred_on=occurred_on if isinstance(occurred_on, date) else timezone.localdate(),
        data={name: as_json(value) for name, value in cleaned.items()},
        recorded_by=actor,
    )
    follow_up.state = target
    follow_up.save(update_fields=["state"])
    context = StepContext(actor=actor, follow_up=follow_up, data=cleaned, event=event)
    for effect in step.effects:
        effect(context)
    return event
