"""The mayor's reminder of the law — rappel à l'ordre (RAO), art. L132-7 of the Code de la
sécurité intérieure. The whole workflow is in this file.

For a minor (or a young adult) whose acts harm public order — incivilities, absenteeism,
late-night wandering, minor damage, noise — with **no complaint and no judicial proceedings**.
The prosecutor is consulted before anyone is summoned (the protocol signed with the parquet).

    referred ──consult_prosecutor──► awaiting_prosecutor ──record_prosecutor_answer──┐
                                                                                     │
        ┌────────────── agreement ◄──────────────────────────────────────────────────┤
        ▼                                                            objection ──► closed
    to_summon ──summon──► summoned ──record_hearing──► support ──record_review (3, 6 months)
        ▲                    │                 └─(no support)──► closed         │
        │                    └──record_no_show──► no_show               end_support
        └──────────── summon (second summons) ◄──────┘   └──close──► closed     │
                                                            ┌───────────────────┘
                                                            ▼
                                                          watch ──record_review_after_support
                                                            │      (6 if late, 12 months)
                                                            └──close──► closed

Every open state may also be closed by the coordinator (`close`), with an outcome from the
closed list: support completed, escalation (family council, parenting support, child-welfare
concern to the Département, note to the prosecutor), no-show, withdrawn.

At the hearing the mayor (or the deputy he delegates) recalls the rules; the 6 months of
support that follow have a case worker and actions with partners (SupportAction), and
reviews at 3 and 6 months say whether the young person reoffended. When the support ends
(`end_support`, with its result) the file is watched (`watch`) until the review at 12 months
after the hearing, then closed: the city reports reoffending at 6 and at 12 months. Closing
earlier stays possible; the 12-month figure of that file is then unknown, never a guess.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import formats, timezone
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
from tranquillite.followups.engine import ReferralForm, Step, Workflow, check_plausible, register
from tranquillite.followups.letters import generate_summons
from tranquillite.followups.models import DeadlineKind, FollowUpKind
from tranquillite.followups.workflows.common import (
    DATETIME,
    DatedStepForm,
    appointment_day,
    case_workers,
    choose_from,
    close_step,
    date_field,
    early,
    last_event,
    likely_day,
    note_field,
    presiding_officials,
    review_form,
)
from tranquillite.governance.models import BodyKind

# --- States ---------------------------------------------------------------------------------

REFERRED = "referred"
AWAITING_PROSECUTOR = "awaiting_prosecutor"
TO_SUMMON = "to_summon"
SUMMONED = "summoned"
NO_SHOW = "no_show"
SUPPORT = "support"
WATCH = "watch"
CLOSED = "closed"

STATES = {
    REFERRED: _("Referred"),
    AWAITING_PROSECUTOR: _("Awaiting the prosecutor's answer"),
    TO_SUMMON: _("To be summoned"),
    SUMMONED: _("Summoned"),
    NO_SHOW: _("Did not come to the hearing"),
    SUPPORT: _("Six months of support"),
    WATCH: _("Support ended; review at 12 months to come"),
    CLOSED: _("Closed"),
}
OPEN_STATES = frozenset(STATES) - {CLOSED}

# --- Closed lists ---------------------------------------------------------------------------

SOURCES = (
    ("national_police", _("National police")),
    ("municipal_police", _("Municipal police")),
    ("school", _("School")),
    ("social_landlord", _("Social landlord")),
    ("mediator", _("Mediator")),
    ("minors_group", _("Groupe Mineurs")),
    ("elected_official", _("Elected official")),
    ("other", _("Other partner")),
)
FACTS = (
    ("incivilities", _("Incivilities")),
    ("absenteeism", _("School absenteeism")),
    ("late_wandering", _("Late-night wandering")),
    ("minor_damage", _("Minor damage")),
    ("noise", _("Noise")),
    ("verbal_abuse", _("Insults or verbal abuse")),
    ("gatherings", _("Nuisance gatherings")),
    ("other", _("Other breach of public order")),
)
OUTCOMES = (
    ("support_completed", _("Support completed")),
    ("no_support_needed", _("Heard; no support needed")),
    ("escalated_family_council", _("Referred to the family council (CDDF)")),
    ("parenting_support", _("Parenting support proposed")),
    ("child_welfare_concern", _("Child-welfare concern sent to the Département")),
    ("note_to_prosecutor", _("Note to the prosecutor")),
    ("prosecutor_objection", _("The prosecutor objected")),
    ("no_show", _("Did not come after the summons")),
    ("withdrawn", _("Withdrawn")),
)
PROSECUTOR_ANSWERS = (("agreement", _("Agreement")), ("objection", _("Objection")))
PARENTS_PRESENT = (
    ("both", _("Both parents")),
    ("one", _("One parent")),
    ("guardian", _("Another legal guardian")),
    ("none", _("No parent")),
)
PARENTS_ABSENCE = (
    ("", _("—")),
    ("excused", _("Excused")),
    ("unreachable", _("Could not be reached")),
    ("refused", _("Refused to come")),
)
RECALLED = (
    ("school_attendance", _("School attendance")),
    ("respect_for_others", _("Respect for others")),
    ("public_tranquillity", _("Public tranquillity and noise")),
    ("public_property", _("Respect for public property")),
    ("curfew", _("Staying out late at night")),
    ("parental_responsibility", _("Parents' responsibility")),
)
REVIEWS = (
    (DeadlineKind.REVIEW_3_MONTHS, _("Review at 3 months")),
    (DeadlineKind.REVIEW_6_MONTHS, _("Review at 6 months")),
    (DeadlineKind.REVIEW_12_MONTHS, _("Review at 12 months")),
)
SUPPORT_RESULTS = (
    ("completed", _("Support completed")),
    ("partly", _("Support partly completed")),
    ("not_done", _("Support not carried out")),
)

# --- Forms of the steps ---------------------------------------------------------------------


class LawReminderReferralForm(ReferralForm):
    """A reminder of the law is only for facts with no complaint and no proceedings
    (art. L132-7 CSI): the referral says so, or is refused."""

    no_complaint = forms.BooleanField(
        label=_("No complaint has been filed for these facts"),
        error_messages={
            "required": _("A reminder of the law is only for facts with no complaint.")
        },
    )
    no_proceedings = forms.BooleanField(
        label=_("The young person is not subject to judicial proceedings for these facts"),
        error_messages={
            "required": _("A reminder of the law is not possible during judicial proceedings.")
        },
    )


class ConsultProsecutorForm(DatedStepForm):
    occurred_on = date_field(_("Sent to the prosecutor on"))
    note = note_field()


class ProsecutorAnswerForm(DatedStepForm):
    occurred_on = date_field(_("Answer received on"))
    answer = forms.ChoiceField(label=_("Answer"), choices=PROSECUTOR_ANSWERS)
    note = note_field()


class SummonForm(DatedStepForm):
    """The step is the sending of the letters (its date, today by default); the hearing they
    call to is one of its answers, in the future."""

    occurred_on = date_field(_("Letters sent on"))
    hearing_at = forms.DateTimeField(label=_("Hearing date and time"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=150)
    presiding_official = forms.ModelChoiceField(
        label=_("Presided by"),
        queryset=User.objects.none(),
        help_text=_("The mayor or the deputy who holds the hearing."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "presiding_official", presiding_officials(self.follow_up))

    def clean_hearing_at(self) -> Any:
        hearing_at = self.cleaned_data["hearing_at"]
        if hearing_at <= timezone.now():
            raise forms.ValidationError(_("The hearing must be in the future."))
        check_plausible(timezone.localtime(hearing_at).date())
        return hearing_at


OTHER_DAY_REASONS = (
    ("", _("—")),
    ("rescheduled_family", _("Rescheduled at the family's request")),
    ("rescheduled_town", _("Rescheduled by the town hall")),
    ("came_early", _("The family came before the summoned day")),
    ("came_late", _("The family came after the summoned day")),
    ("other", _("Another reason (say it in the commitments or a note)")),
)


class HearingForm(DatedStepForm):
    occurred_on = date_field(_("Hearing held on"))
    other_day_reason = forms.ChoiceField(
        label=_("If the hearing was held on another day than summoned, why"),
        choices=OTHER_DAY_REASONS,
        required=False,
    )
    other_day_confirmed = forms.BooleanField(
        label=_("I confirm the hearing was held on another day than the one summoned"),
        required=False,
    )
    parents_present = forms.ChoiceField(label=_("Parents present"), choices=PARENTS_PRESENT)
    parents_absence = forms.ChoiceField(
        label=_("If a parent was missing, why"), choices=PARENTS_ABSENCE, required=False
    )
    recalled = forms.MultipleChoiceField(
        label=_("What was recalled"), choices=RECALLED, widget=forms.CheckboxSelectMultiple
    )
    commitments = note_field(_("Commitments"))
    support = forms.BooleanField(label=_("Open six months of support"), required=False)
    case_worker = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The summons the hearing answers (the second one after a no-show).
        self.summons = last_event(kwargs["follow_up"], "summon")
        self.summoned_day = appointment_day(self.summons, "hearing_at")
        super().__init__(*args, **kwargs)
        choose_from(self, "case_worker", case_workers(self.follow_up))
        if self.summoned_day is not None:
            self.fields["other_day_reason"].help_text = _(
                "Summoned for %(day)s. Say why only if the hearing was held on another day."
            ) % {"day": formats.date_format(self.summoned_day, "DATE_FORMAT")}

    def likely_date(self) -> date:
        # The hearing is most often held the day it was summoned for (once that day came).
        return likely_day(self.summoned_day)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("support") and not data.get("case_worker"):
            self.add_error("case_worker", _("Support needs a case worker."))
        if data.get("parents_present") == "none" and not data.get("parents_absence"):
            self.add_error("parents_absence", _("Say why no parent came."))
        self._check_the_day(data)
        return data

    def _check_the_day(self, data: dict[str, Any]) -> None:
        held_on = data.get("occurred_on")
        if held_on is None or self.summons is None:
            return
        sent_on = self.summons.occurred_on
        if held_on < sent_on:
            self.add_error(
                "occurred_on",
                _("The summons was sent on %(sent)s: the hearing cannot be held before.")
                % {"sent": formats.date_format(sent_on, "DATE_FORMAT")},
            )
            return
        if self.summoned_day is None or held_on == self.summoned_day:
            # Held the day summoned: nothing to explain (nor to keep).
            data.pop("other_day_reason", None)
            data.pop("other_day_confirmed", None)
            return
        dates = {
            "held": formats.date_format(held_on, "DATE_FORMAT"),
            "summoned": formats.date_format(self.summoned_day, "DATE_FORMAT"),
        }
        if not data.get("other_day_confirmed"):
            self.add_error(
                "other_day_confirmed",
                _(
                    "The hearing is recorded on %(held)s but was summoned for %(summoned)s: "
                    "confirm the date."
                )
                % dates,
            )
        if not data.get("other_day_reason"):
            self.add_error(
                "other_day_reason",
                _("Say why the hearing was held on %(held)s and not on %(summoned)s.") % dates,
            )


class NoShowForm(DatedStepForm):
    occurred_on = date_field(_("Hearing date"))
    note = note_field()

    def likely_date(self) -> date:
        return likely_day(appointment_day(last_event(self.follow_up, "summon"), "hearing_at"))


ReviewForm = review_form(REVIEWS, reoffending=_("Reoffending since the hearing"))


class EndSupportForm(DatedStepForm):
    occurred_on = date_field(_("Support ended on"))
    result = forms.ChoiceField(label=_("Result of the support"), choices=SUPPORT_RESULTS)
    note = note_field()


# --- The workflow ---------------------------------------------------------------------------


def _answer(data: dict[str, Any]) -> str:
    return TO_SUMMON if data["answer"] == "agreement" else CLOSED


def _objected(data: dict[str, Any]) -> bool:
    return bool(data["answer"] == "objection")


def _after_hearing(data: dict[str, Any]) -> str:
    return SUPPORT if data["support"] else CLOSED


def _supported(data: dict[str, Any]) -> bool:
    return bool(data["support"])


def _parents_came(data: dict[str, Any]) -> bool:
    return bool(data["parents_present"] != "none")


def _six_month_review(data: dict[str, Any]) -> bool:
    return bool(data["review"] == DeadlineKind.REVIEW_6_MONTHS)


def _twelve_month_review(data: dict[str, Any]) -> bool:
    return bool(data["review"] == DeadlineKind.REVIEW_12_MONTHS)


def _support_result_completed(data: dict[str, Any]) -> bool:
    return bool(data["result"] == "completed")


def _reoffended(data: dict[str, Any]) -> bool:
    return bool(data["reoffended"])


# A review meets its deadline and keeps the anonymous statistics in step.
REVIEW_EFFECTS = (
    meet_deadlines_from("review"),
    when(
        _six_month_review,
        statistic(reoffended_6_months=_reoffended, review_6_months_early=early),
    ),
    when(
        _twelve_month_review,
        statistic(reoffended_12_months=_reoffended, review_12_months_early=early),
    ),
)

WORKFLOW = register(
    Workflow(
        kind=FollowUpKind.LAW_REMINDER,
        states=STATES,
        initial=REFERRED,
        closed_states=frozenset({CLOSED}),
        sources=SOURCES,
        facts=FACTS,
        outcomes=OUTCOMES,
        # Below 10, a child's difficulties are a matter for child welfare (the Département),
        # not for the mayor's reminder; from 25, nothing may be kept at all (retention.py).
        min_age=10,
        max_age=24,
        body_kinds=frozenset({BodyKind.WORKING_GROUP}),
        referral_form=LawReminderReferralForm,
        steps=(
            Step(
                name="consult_prosecutor",
                label=_("Consult the prosecutor"),
                sources=frozenset({REFERRED}),
                form=ConsultProsecutorForm,
                target=AWAITING_PROSECUTOR,
                effects=(set_deadline(DeadlineKind.PROSECUTOR_ANSWER, days=15),),
            ),
            Step(
                name="record_prosecutor_answer",
                label=_("Record the prosecutor's answer"),
                sources=frozenset({AWAITING_PROSECUTOR}),
                form=ProsecutorAnswerForm,
                target=_answer,
                effects=(
                    meet_deadlines(DeadlineKind.PROSECUTOR_ANSWER),
                    when(_objected, close_with("prosecutor_objection")),
                ),
            ),
            Step(
                name="summon",
                label=_("Summon to a hearing"),
                sources=frozenset({TO_SUMMON, NO_SHOW}),
                form=SummonForm,
                target=SUMMONED,
                effects=(
                    assign("presiding_official", to="presiding_official"),
                    set_deadline(DeadlineKind.HEARING, from_field="hearing_at"),
                    statistic(summoned=True),
                    generate_summons,
                ),
                help_text=_(
                    "The letters to the young person and to each legal guardian are then "
                    "generated, numbered in the outgoing-mail register. The step is dated "
                    "with the day the letters are sent."
                ),
            ),
            Step(
                name="record_hearing",
                label=_("Record the hearing"),
                sources=frozenset({SUMMONED}),
                form=HearingForm,
                target=_after_hearing,
                effects=(
                    meet_deadlines(DeadlineKind.HEARING),
                    statistic(heard=True, no_show=False, parents_present=_parents_came),
                    when(
                        _supported,
                        assign("case_worker", to="case_worker"),
                        set_deadline(DeadlineKind.REVIEW_3_MONTHS, months=3),
                        set_deadline(DeadlineKind.REVIEW_6_MONTHS, months=6),
                        set_deadline(DeadlineKind.SUPPORT_END, months=6),
                        set_deadline(DeadlineKind.REVIEW_12_MONTHS, months=12),
                        statistic(support_started=True),
                        otherwise=close_with("no_support_needed"),
                    ),
                ),
            ),
            Step(
                name="record_no_show",
                label=_("Record that nobody came"),
                sources=frozenset({SUMMONED}),
                form=NoShowForm,
                target=NO_SHOW,
                effects=(meet_deadlines(DeadlineKind.HEARING), statistic(no_show=True)),
            ),
            Step(
                name="record_review",
                label=_("Record a review"),
                sources=frozenset({SUPPORT}),
                form=ReviewForm,
                target=SUPPORT,
                effects=REVIEW_EFFECTS,
            ),
            Step(
                name="end_support",
                label=_("Record the end of support"),
                sources=frozenset({SUPPORT}),
                form=EndSupportForm,
                target=WATCH,
                effects=(
                    meet_deadlines(DeadlineKind.SUPPORT_END),
                    statistic(support_completed=_support_result_completed),
                ),
                help_text=_(
                    "The file then waits for the review at 12 months after the hearing "
                    "(reoffending), and is closed after it."
                ),
            ),
            # The same review, once the support has ended (the state stays `watch`).
            Step(
                name="record_review_after_support",
                label=_("Record a review"),
                sources=frozenset({WATCH}),
                form=ReviewForm,
                target=WATCH,
                effects=REVIEW_EFFECTS,
            ),
            close_step(
                sources=OPEN_STATES,
                target=CLOSED,
                outcomes=OUTCOMES,
                completed=frozenset({"support_completed"}),
            ),
        ),
    )
)
