"""Reads of follow-ups for the pages. Every one starts from `FollowUp.objects.visible_to(user)`
(the charter gate); the views write each read, list and search to the access log.

`timeline` turns the answers kept with each step (FollowUpEvent.data, as the step's form
cleaned them) back into readable lines: the form's labels, closed-list labels instead of
codes, dates as dates, people by name — with a fixed number of queries whatever the length
of the timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tranquillite.core.models import Territory
from tranquillite.followups.engine import Step, StepForm, Workflow, workflow_for
from tranquillite.followups.models import (
    CaseDocument,
    Deadline,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    SupportAction,
)

# How the referral (not a workflow step: services.open_follow_up) appears on the timeline.
REFERRAL_STEP = "refer"


def follow_ups_for(
    user: Any,
    territory: Territory,
    *,
    archived: bool = False,
    kind: str = "",
    state: str = "",
    body: Any = None,
    mine: bool = False,
) -> QuerySet[FollowUp]:
    """The work list: the files the user may see, with their next open deadline."""
    files = (
        FollowUp.objects.visible_to(user)
        .in_territory(territory)
        .select_related("body", "person", "case_worker")
        .annotate(next_due_on=Min("deadlines__due_on", filter=Q(deadlines__done_on__isnull=True)))
    )
    files = files.archived() if archived else files.active()
    if kind:
        files = files.filter(kind=kind)
    if state:
        files = files.filter(state=state)
    if body is not None:
        files = files.filter(body=body)
    if mine:
        files = files.filter(case_worker=user)
    if archived:
        return files.order_by("destroy_on", "case_number")
    return files.order_by("case_number")


def follow_up_for(user: Any, territory: Territory, public_id: Any) -> FollowUp | None:
    return (
        FollowUp.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related(
            "body", "person", "person__neighbourhood", "case_worker", "presiding_official"
        )
        .prefetch_related("person__guardians")
        .first()
    )


def open_deadlines(follow_up: FollowUp) -> list[Deadline]:
    return list(follow_up.deadlines.filter(done_on__isnull=True).select_related("owner"))


def support_actions(follow_up: FollowUp) -> list[SupportAction]:
    return list(follow_up.actions.select_related("partner"))


def documents(follow_up: FollowUp) -> list[CaseDocument]:
    return list(follow_up.documents.select_related("guardian", "mail"))


def linked_files(user: Any, follow_up: FollowUp) -> list[FollowUp]:
    """The files linked to this one that the user also sees (a link never reveals a file)."""
    links = FollowUpLink.visible_between(user).filter(
        Q(from_follow_up=follow_up) | Q(to_follow_up=follow_up)
    )
    others = {
        link.to_follow_up_id if link.from_follow_up_id == follow_up.pk else link.from_follow_up_id
        for link in links
    }
    return list(FollowUp.objects.filter(pk__in=others).order_by("case_number"))


def follow_ups_of_people(user: Any, people: list[Any]) -> None:
    """Prefetch, on each person, the follow-ups the user sees (`visible_follow_ups`)."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        people,
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.visible_to(user).order_by("-opened_on"),
            to_attr="visible_follow_ups",
        ),
    )


# --- The timeline ---------------------------------------------------------------------------


@dataclass
class Answer:
    label: str
    value: str


@dataclass
class TimelineEntry:
    event: FollowUpEvent
    label: str
    answers: list[Answer] = field(default_factory=list)


@dataclass
class _Fields:
    """A step form's declared fields and date field, read from its class: instantiating the
    form would query its choices (case workers, officials), once per event."""

    fields: dict[str, forms.Field]
    date_field: str


def _step_form(workflow: Workflow, step_name: str) -> _Fields | None:
    if step_name == REFERRAL_STEP:
        referral = workflow.referral_form(workflow=workflow)
        return _Fields(dict(referral.fields), "opened_on")
    try:
        step: Step = workflow.step(step_name)
    except KeyError:
        return None
    form_class: type[StepForm] = step.form
    return _Fields(dict(form_class.base_fields), form_class.date_field)


def _model_of(field: forms.ModelChoiceField[Any]) -> Any:
    queryset: Any = field.queryset
    return queryset.model


def _choice_label(field: forms.ChoiceField, value: Any) -> str:
    choices: Any = field.choices
    for key, label in choices:
        if key == value or str(key) == str(value):
            return str(label)
    return str(value)


def _as_text(field: forms.Field | None, value: Any, people: dict[tuple[Any, str], str]) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(value, bool) or isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ModelChoiceField):
        return people.get((_model_of(field), str(value)), "—")
    if isinstance(field, forms.MultipleChoiceField):
        return ", ".join(_choice_label(field, item) for item in value)
    if isinstance(field, forms.ChoiceField):
        return _choice_label(field, value)
    if isinstance(field, forms.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return str(formats.date_format(moment, "DATETIME_FORMAT"))
    if isinstance(field, forms.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return str(formats.date_format(day, "DATE_FORMAT"))
    if isinstance(value, datetime | date):
        return str(formats.date_format(value, "DATE_FORMAT"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _model_values(
    forms_by_event: list[tuple[FollowUpEvent, _Fields | None]],
    known: dict[tuple[Any, str], str] | None = None,
) -> dict[tuple[Any, str], str]:
    """Everyone and everything the answers name (users, organisations), one query per model
    for those not `known` already (the file's case worker and presiding official, the
    authors of its steps — most of the people a timeline names)."""
    found: dict[tuple[Any, str], str] = dict(known or {})
    wanted: dict[Any, set[str]] = defaultdict(set)
    for event, form in forms_by_event:
        if form is None:
            continue
        for name, value in event.data.items():
            field_ = form.fields.get(name)
            if isinstance(field_, forms.ModelChoiceField) and value:
                model = _model_of(field_)
                if (model, str(value)) not in found:
                    wanted[model].add(str(value))
    for model, keys in wanted.items():
        by_public_id = hasattr(model, "public_id")
        lookup = "public_id__in" if by_public_id else "pk__in"
        for row in model._default_manager.filter(**{lookup: keys}):
            key = str(row.public_id if by_public_id else row.pk)
            name = row.get_full_name() if hasattr(row, "get_full_name") else str(row)
            found[(model, key)] = name or str(row)
    return found


def timeline(follow_up: FollowUp) -> list[TimelineEntry]:
    workflow = workflow_for(follow_up.kind)
    # In the order the steps were taken (older summonses were dated by their hearing).
    events = list(follow_up.events.select_related("recorded_by").order_by("recorded_at", "pk"))
    forms_by_event = [(event, _step_form(workflow, event.step)) for event in events]
    loaded = [follow_up.case_worker, follow_up.presiding_official]
    loaded += [event.recorded_by for event in events]
    known = {
        (type(user), str(user.public_id)): user.get_full_name() or str(user)
        for user in loaded
        if user is not None
    }
    names = _model_values(forms_by_event, known)
    entries = []
    for event, form in forms_by_event:
        if event.step == REFERRAL_STEP:
            label = _("Referral")
        else:
            try:
                label = str(workflow.step(event.step).label)
            except KeyError:
                label = event.step
        answers = []
        date_field = form.date_field if form is not None else "occurred_on"
        for name, value in event.data.items():
            field_ = form.fields.get(name) if form is not None else None
            if form is not None and field_ is None:
                continue  # an answer for the step's effects only (e.g. each action's ending)
            if name in (date_field, "occurred_on", "opened_on") and not isinstance(
                field_, forms.DateTimeField
            ):
                continue  # the step's date is the entry's date
            text = _as_text(field_, value, names)
            if text:
                answers.append(Answer(str(field_.label) if field_ else name, text))
        entries.append(TimelineEntry(event=event, label=label, answers=answers))
    return entries


def state_label(follow_up: FollowUp) -> str:
    return workflow_for(follow_up.kind).state_label(follow_up.state)
