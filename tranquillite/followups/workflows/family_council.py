"""The family council — conseil pour les droits et devoirs des familles (CDDF), art. L141-1
of the Code de l'action sociale et des familles (mandatory above 50,000 inhabitants). It hears
parents in difficulty with their parental authority and proposes measures, such as parenting
support; it is consultative. The whole workflow is in this file.

The person of the file is the child; the parents are the child's legal guardians.

    referred ──plan_session──► session_planned ──record_session──► support ──record_review──┐
        │                           │                  └─(nothing accepted)──► closed      │
        └───────────────────────────┴──────────────────────close──► closed ◄───────────────┘
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import User
from tranquillite.followups.effects import (
    assign,
    close_with,
    meet_deadlines,
    meet_deadlines_from,
    set_deadline,
    statistic,
    when,
)
from tranquillite.followups.engine import Step, Workflow, check_plausible, register
from tranquillite.followups.letters import convene_parents
from tranquillite.followups.models import DeadlineKind, FollowUpKind
from tranquillite.followups.workflows.common import (
    DATETIME,
    DatedStepForm,
    appointment_day,
    case_workers,
    choose_from,
    close_step,
    date_field,
    last_event,
    likely_day,
    note_field,
    review_form,
)
from tranquillite.governance.models import BodyKind

REFERRED = "referred"
SESSION_PLANNED = "session_planned"
SUPPORT = "support"
CLOSED = "closed"
STATES = {
    REFERRED: _("Parents referred"),
    SESSION_PLANNED: _("Council session planned"),
    SUPPORT: _("Measures under way"),
    CLOSED: _("Closed"),
}

SOURCES = (
    ("law_reminder", _("After a reminder of the law")),
    ("school", _("School")),
    ("social_services", _("Social services")),
    ("national_police", _("National police")),
    ("prosecutor", _("Prosecutor")),
    ("mayor", _("Mayor")),
    ("other", _("Other partner")),
)
FACTS = (
    ("absenteeism", _("School absenteeism")),
    ("public_order", _("Repeated breaches of public order")),
    ("parental_authority", _("Difficulties with parental authority")),
    ("other", _("Other")),
)
MEASURES = (
    ("parenting_support", _("Parenting support")),
    ("recommendations", _("Recommendations to the parents")),
    ("social_services", _("Referral to social services")),
    ("school_meeting", _("Meeting with the school")),
)
OUTCOMES = (
    ("measures_completed", _("Measures carried out")),
    ("measures_refused", _("Measures refused by the parents")),
    ("no_measure", _("Heard; no measure")),
    ("parents_absent", _("Parents did not come")),
    ("withdrawn", _("Withdrawn")),
)
REVIEWS = (
    (DeadlineKind.REVIEW_3_MONTHS, _("Review at 3 months")),
    (DeadlineKind.REVIEW_6_MONTHS, _("Review at 6 months")),
)


class PlanSessionForm(DatedStepForm):
    """The step is the sending of the convocation (its date); the session is an answer."""

    occurred_on = date_field(_("Convocation sent on"))
    session_at = forms.DateTimeField(label=_("Session date and time"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=150)

    def clean_session_at(self) -> Any:
        session_at = self.cleaned_data["session_at"]
        if session_at <= timezone.now():
            raise forms.ValidationError(_("The session must be in the future."))
        check_plausible(timezone.localtime(session_at).date())
        return session_at


class SessionForm(DatedStepForm):
    occurred_on = date_field(_("Session held on"))
    parents_present = forms.BooleanField(label=_("The parents came"), required=False)
    measures_proposed = forms.MultipleChoiceField(
        label=_("Measures proposed"),
        choices=MEASURES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures_accepted = forms.BooleanField(label=_("The parents accepted"), required=False)
    case_worker = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "case_worker", case_workers(self.follow_up))

    def likely_date(self) -> date:
        # A session is most often held the day it was planned for (once that day came).
        return likely_day(appointment_day(last_event(self.follow_up, "plan_session"), "session_at"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("measures_accepted") and not data.get("measures_proposed"):
            self.add_error("measures_proposed", _("Say which measures were accepted."))
        if data.get("measures_accepted") and not data.get("case_worker"):
            self.add_error("case_worker", _("Measures need a case worker."))
        return data


ReviewForm = review_form(REVIEWS)


def _accepted(data: dict[str, Any]) -> bool:
    return bool(data["measures_accepted"])


def _after_session(data: dict[str, Any]) -> str:
    return SUPPORT if data["measures_accepted"] else CLOSED


def _no_measure_outcome(data: dict[str, Any]) -> str:
    if not data["parents_present"]:
        return "parents_absent"
    return "measures_refused" if data["measures_proposed"] else "no_measure"


def _close_without_measures(context: Any) -> None:
    close_with(_no_measure_outcome(context.data))(context)


WORKFLOW = register(
    Workflow(
        kind=FollowUpKind.FAMILY_COUNCIL,
        states=STATES,
        initial=REFERRED,
        closed_states=frozenset({CLOSED}),
        sources=SOURCES,
        facts=FACTS,
        outcomes=OUTCOMES,
        min_age=0,
        max_age=17,
        body_kinds=frozenset({BodyKind.FAMILY_COUNCIL}),
        steps=(
            Step(
                name="plan_session",
                label=_("Plan the council session"),
                sources=frozenset({REFERRED}),
                form=PlanSessionForm,
                target=SESSION_PLANNED,
                effects=(
                    set_deadline(DeadlineKind.SESSION, from_field="session_at"),
                    convene_parents,
                ),
            ),
            Step(
                name="record_session",
                label=_("Record the session"),
                sources=frozenset({SESSION_PLANNED}),
                form=SessionForm,
                target=_after_session,
                effects=(
                    meet_deadlines(DeadlineKind.SESSION),
                    statistic(
                        heard=True, parents_present=lambda data: bool(data["parents_present"])
                    ),
                    when(
                        _accepted,
                        assign("case_worker", to="case_worker"),
                        set_deadline(DeadlineKind.REVIEW_3_MONTHS, months=3),
                        set_deadline(DeadlineKind.REVIEW_6_MONTHS, months=6),
                        set_deadline(DeadlineKind.SUPPORT_END, months=6),
                        statistic(support_started=True),
                        otherwise=_close_without_measures,
                    ),
                ),
            ),
            Step(
                name="record_review",
                label=_("Record a review"),
                sources=frozenset({SUPPORT}),
                form=ReviewForm,
                target=SUPPORT,
                effects=(meet_deadlines_from("review"),),
            ),
            close_step(
                sources=frozenset({REFERRED, SESSION_PLANNED, SUPPORT}),
                target=CLOSED,
                outcomes=OUTCOMES,
                completed=frozenset({"measures_completed"}),
            ),
        ),
    )
)
