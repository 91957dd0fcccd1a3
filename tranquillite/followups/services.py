"""Writes of follow-ups that are not a workflow step: the referral that opens a file, the
support plan's actions, links between files. Steps go through `engine.apply_step`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.followups import retention
from tranquillite.followups.engine import StepRefused, check_plausible, may_act, workflow_for
from tranquillite.followups.models import (
    CASE_PREFIXES,
    CaseStatistic,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    SupportAction,
)
from tranquillite.governance.access import may_access_cases
from tranquillite.governance.models import Body
from tranquillite.people.models import Person

# Age bands of the anonymous statistics (the domain's figures: by age band and sex).
AGE_BANDS = ((0, 10, "under_10"), (10, 13, "10_12"), (13, 16, "13_15"), (16, 18, "16_17"))


def age_band(age: int) -> str:
    for low, high, label in AGE_BANDS:
        if low <= age < high:
            return label
    return "18_24"


def _next_case_number(body: Body, kind: str, year: int) -> str:
    prefix = f"{CASE_PREFIXES[kind]}-{year}-"  # type: ignore[index]
    numbers = FollowUp.objects.filter(
        territory=body.territory, case_number__startswith=prefix
    ).values_list("case_number", flat=True)
    last = max((int(number.rsplit("-", 1)[1]) for number in numbers), default=0)
    return f"{prefix}{last + 1:04d}"


def check_age(workflow: Any, birth_date: date, on: date) -> None:
    if on >= retention.age_limit_day(birth_date):
        raise ValidationError(
            _("Nothing may be kept about a person aged 25 or more: no file can be opened.")
        )
    age = retention.age_on(birth_date, on)
    if not workflow.min_age <= age <= workflow.max_age:
        raise ValidationError(
            _(
                "This kind of follow-up is for people aged %(low)s to %(high)s; "
                "this person is %(age)s."
            )
            % {"low": workflow.min_age, "high": workflow.max_age, "age": age}
        )


@transaction.atomic
def open_follow_up(
    *,
    actor: Any,
    body: Body,
    kind: str,
    data: Mapping[str, Any],
    person: Person | None = None,
    new_person: Mapping[str, Any] | None = None,
) -> FollowUp:
    """A referral: opens a file of `kind` in `body`, about an existing person the actor sees
    or a new one (`new_person`: first_name, last_name, birth_date, sex...)."""
    workflow = workflow_for(kind)
    if not may_access_cases(actor, body):
        raise PermissionDenied("followups.follow_up")
    if body.kind not in workflow.body_kinds:
        raise ValidationError(_("This body cannot hold this kind of follow-up."))
    form = workflow.referral_form(data=data, workflow=workflow)
    if not form.is_valid():
        raise StepRefused(form)
    referral = form.cleaned_data
    if person is not None:
        if person.territory_id != body.territory_id or not (
            Person.objects.visible_to(actor).filter(pk=person.pk).exists()
        ):
            raise PermissionDenied("people.person")
    else:
        if not new_person:
            raise ValidationError(_("Say who the referral is about."))
        person = Person(territory=body.territory, created_by=actor, **new_person)
        person.full_clean(exclude=["territory", "created_by"])
    check_age(workflow, person.birth_date, referral["opened_on"])
    if person.pk is None:
        person.save()
    year = referral["opened_on"].year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                follow_up = FollowUp.objects.create(
                    territory=body.territory,
                    kind=kind,
                    case_number=_next_case_number(body, kind, year),
                    body=body,
                    person=person,
                    state=workflow.initial,
                    source=referral["source"],
                    facts=referral.get("facts", ""),
                    facts_place=referral.get("facts_place", ""),
                    summary=referral.get("summary", ""),
                    opened_on=referral["opened_on"],
                    created_by=actor,
                )
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("Could not number the file: try again.")
    FollowUpEvent.objects.create(
        territory=body.territory,
        follow_up=follow_up,
        step="refer",
        to_state=workflow.initial,
        occurred_on=referral["opened_on"],
        data={"source": referral["source"], "facts": referral.get("facts", "")},
        recorded_by=actor,
    )
    CaseStatistic.objects.create(
        territory=body.territory,
        follow_up=follow_up,
        kind=kind,
        year=year,
        referred_on=referral["opened_on"],
        source=referral["source"],
        facts=referral.get("facts", ""),
        age_band=age_band(retention.age_on(person.birth_date, referral["opened_on"])),
        sex=person.sex,
        neighbourhood=person.neighbourhood,
    )
    return follow_up


def _require_open(actor: Any, follow_up: FollowUp) -> None:
    if not may_act(actor, follow_up):
        raise PermissionDenied("followups.follow_up")
    if follow_up.is_archived:
        raise ValidationError(_("This file is closed and archived: it can no longer change."))
    if follow_up.is_restricted:
        raise ValidationError(
            _("The processing of this file is restricted (RGPD art. 18): it cannot change.")
        )


@transaction.atomic
def add_support_action(*, actor: Any, follow_up: FollowUp, **fields: Any) -> SupportAction:
    _require_open(actor, follow_up)
    action = SupportAction(territory=follow_up.territory, follow_up=follow_up, **fields)
    action.full_clean(exclude=["territory", "follow_up"])
    if action.partner is not None and action.partner.territory_id != follow_up.territory_id:
        raise ValidationError(_("This organisation does not belong to this territory."))
    _check_action_dates(action)
    action.save()
    return action


def _check_action_dates(action: SupportAction) -> None:
    """Every write path of an action's dates (the form, the demo, later the API)."""
    check_plausible(action.starts_on)
    if action.ends_on:
        check_plausible(action.ends_on)
    if action.ends_on and action.ends_on < action.starts_on:
        raise ValidationError(_("The action cannot end before it starts."))


@transaction.atomic
def update_support_action(*, actor: Any, action: SupportAction, **fields: Any) -> SupportAction:
    _require_open(actor, action.follow_up)
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean(exclude=["territory", "follow_up"])
    _check_action_dates(action)
    action.save()
    return action


@transaction.atomic
def link_follow_ups(*, actor: Any, first: FollowUp, second: FollowUp) -> FollowUpLink:
    """Link two files (e.g. a victim's and an offender's). Only someone who sees both may."""
    if first.pk == second.pk or first.territory_id != second.territory_id:
        raise ValidationError(_("These two files cannot be linked."))
    if not (may_act(actor, first) and may_act(actor, second)):
        raise PermissionDenied("followups.follow_up")
    link, _created = FollowUpLink.objects.get_or_create(
        territory=first.territory,
        from_follow_up=first,
        to_follow_up=second,
        defaults={"created_by": actor},
    )
    return link


@transaction.atomic
def restrict(*, actor: Any, follow_up: FollowUp, reason: str) -> FollowUp:
    """RGPD art. 18: the person contests the data or objects; the file is kept but frozen."""
    if not actor.has_perm("followups.administer_follow_ups", follow_up.territory):
        raise PermissionDenied("followups.administer_follow_ups")
    if not may_act(actor, follow_up):
        raise PermissionDenied("followups.follow_up")
    if not reason.strip():
        raise ValidationError(_("A restriction needs a reason."))
    follow_up.restricted_at = timezone.now()
    follow_up.restriction_reason = reason.strip()[:300]
    follow_up.save(update_fields=["restricted_at", "restriction_reason"])
    return follow_up


@transaction.atomic
def lift_restriction(*, actor: Any, follow_up: FollowUp) -> FollowUp:
    if not actor.has_perm("followups.administer_follow_ups", follow_up.territory):
        raise PermissionDenied("followups.administer_follow_ups")
    if not may_act(actor, follow_up):
        raise PermissionDenied("followups.follow_up")
    follow_up.restricted_at = None
    follow_up.restriction_reason = ""
    follow_up.save(update_fields=["restricted_at", "restriction_reason"])
    return follow_up
