"""Individual support — accompagnement individuel: a young person followed by a case worker
with actions by partners, reviewed at 3 and 6 months. The whole workflow is in this file.

    referred ──start_support──► support ──record_review (3, 6 months)──► support
        └──────────────────────────┴──close──► closed
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import User
from tranquillite.followups.effects import (
    assign,
    meet_deadlines_from,
    set_deadline,
    statistic,
    when,
)
from tranquillite.followups.engine import Step, Workflow, register
from tranquillite.followups.models import DeadlineKind, FollowUpKind
from tranquillite.followups.workflows.common import (
    DatedStepForm,
    case_workers,
    choose_from,
    close_step,
    date_field,
    early,
    note_field,
    review_form,
)
from tranquillite.governance.models import BodyKind

REFERRED = "referred"
SUPPORT = "support"
CLOSED = "closed"
STATES = {REFERRED: _("Referred"), SUPPORT: _("Support under way"), CLOSED: _("Closed")}

SOURCES = (
    ("minors_group", _("Groupe Mineurs")),
    ("law_reminder", _("After a reminder of the law")),
    ("school", _("School")),
    ("social_services", _("Social services")),
    ("youth_justice", _("Youth justice (PJJ)")),
    ("mediator", _("Mediator")),
    ("other", _("Other partner")),
)
FACTS = (
    ("school_dropout", _("Dropping out of school")),
    ("risky_behaviour", _("Risky behaviour")),
    ("family_difficulties", _("Family difficulties")),
    ("incivilities", _("Incivilities")),
    ("other", _("Other")),
)
OUTCOMES = (
    ("support_completed", _("Support completed")),
    ("handed_over", _("Handed over to another service")),
    ("declined", _("Declined by the family")),
    ("moved_away", _("Moved away")),
    ("withdrawn", _("Withdrawn")),
)
REVIEWS = (
    (DeadlineKind.REVIEW_3_MONTHS, _("Review at 3 months")),
    (DeadlineKind.REVIEW_6_MONTHS, _("Review at 6 months")),
)


class StartSupportForm(DatedStepForm):
    occurred_on = date_field(_("Support starts on"))
    case_worker = forms.ModelChoiceField(label=_("Case worker"), queryset=User.objects.none())
    note = note_field(_("Goals of the support"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "case_worker", case_workers(self.follow_up))


ReviewForm = review_form(REVIEWS, reoffending=_("New incidents since the start"))


def _six_months(data: dict[str, Any]) -> bool:
    return bool(data["review"] == DeadlineKind.REVIEW_6_MONTHS)


def _reoffended(data: dict[str, Any]) -> bool:
    return bool(data["reoffended"])


WORKFLOW = register(
    Workflow(
        kind=FollowUpKind.INDIVIDUAL_SUPPORT,
        states=STATES,
        initial=REFERRED,
        closed_states=frozenset({CLOSED}),
        sources=SOURCES,
        facts=FACTS,
        outcomes=OUTCOMES,
        min_age=6,
        max_age=24,
        body_kinds=frozenset({BodyKind.WORKING_GROUP}),
        steps=(
            Step(
                name="start_support",
                label=_("Start the support"),
                sources=frozenset({REFERRED}),
                form=StartSupportForm,
                target=SUPPORT,
                effects=(
                    assign("case_worker", to="case_worker"),
                    set_deadline(DeadlineKind.REVIEW_3_MONTHS, months=3),
                    set_deadline(DeadlineKind.REVIEW_6_MONTHS, months=6),
                    set_deadline(DeadlineKind.SUPPORT_END, months=6),
                    statistic(support_started=True),
                ),
            ),
            Step(
                name="record_review",
                label=_("Record a review"),
                sources=frozenset({SUPPORT}),
                form=ReviewForm,
                target=SUPPORT,
                effects=(
                    meet_deadlines_from("review"),
                    when(
                        _six_months,
                        statistic(reoffended_6_months=_reoffended, review_6_months_early=early),
                    ),
                ),
            ),
            close_step(
                sources=frozenset({REFERRED, SUPPORT}),
                target=CLOSED,
                outcomes=OUTCOMES,
                completed=frozenset({"support_completed"}),
            ),
        ),
    )
)
