"""Form pieces the workflows share."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.followups.effects import close_file, statistic, when
from tranquillite.followups.engine import Step, StepContext, StepForm
from tranquillite.followups.models import SupportAction, SupportResult
from tranquillite.governance.access import users_with_case_access

# A date input sends and shows ISO dates whatever the language (an initial value in the
# French format would leave the browser's field empty).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SHORT_NOTE_HELP = _("Short. No name of a third party, no extract of a police file.")


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE)


NOTE = _("Note")


def note_field(label: Any = NOTE, max_length: int = 300) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=SHORT_NOTE_HELP,
    )


class DatedStepForm(StepForm):
    """A step that happened on a day, not in the future."""

    occurred_on = date_field(_("Date"))

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        if day < self.follow_up.opened_on:
            raise forms.ValidationError(_("This date is before the referral."))
        return day


def last_event(follow_up: Any, step: str) -> Any:
    """The last time `step` was taken in the file (e.g. the summons a hearing answers)."""
    return follow_up.events.filter(step=step).order_by("-recorded_at", "-pk").first()


def appointment_day(event: Any, field: str) -> date | None:
    """The day of the appointment (a hearing, a session) an event's `field` set."""
    moment = parse_datetime(str(event.data.get(field, ""))) if event is not None else None
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def likely_day(appointment: date | None) -> date:
    """The day an appointment was most likely held: its own day once it came, else today."""
    today = timezone.localdate()
    return appointment if appointment is not None and appointment <= today else today


def case_workers(follow_up: Any) -> Any:
    """Who may be the file's case worker: the members of its body who may see its cases."""
    return users_with_case_access(follow_up.body)


def presiding_officials(follow_up: Any) -> Any:
    """The mayor or a deputy: elected officials of the territory."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__territory=follow_up.territory,
            memberships__is_active=True,
            memberships__role=Role.ELECTED_OFFICIAL,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def choose_from(form: forms.Form, name: str, queryset: Any) -> None:
    """Set the choices of a model choice field (they depend on the follow-up)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# A review is due on a day set at the hearing (3, 6, 12 months after it); it may be held a
# little before (a meeting falls in the fortnight before) but not months before: "no
# reoffending at 12 months" written on day 0 says nothing. Earlier needs a reason, kept in
# the history, and the anonymous statistics count the review as early (effects: _early).
REVIEW_WINDOW_DAYS = 15

EARLY_REASONS = (
    ("", _("—")),
    ("support_ended_early", _("The support ended early")),
    ("moving_away", _("The family is moving away")),
    ("new_facts", _("New facts call for a review now")),
    ("other", _("Another reason (say it in the note)")),
)


def review_window_opens(due_on: Any) -> Any:
    return due_on - timedelta(days=REVIEW_WINDOW_DAYS)


def review_form(reviews: Any, *, reoffending: Any = None) -> type[DatedStepForm]:
    """The form of a support review: which review (each is a deadline set earlier, recorded
    once) and, when `reoffending` labels it, whether the person reoffended since. A review
    held before its window (REVIEW_WINDOW_DAYS before it is due) needs a reason."""

    class ReviewForm(DatedStepForm):
        computed_fields = ("early",)
        occurred_on = date_field(_("Review held on"))
        review = forms.ChoiceField(label=_("Review"), choices=reviews)
        if reoffending is not None:
            reoffended = forms.TypedChoiceField(
                label=reoffending,
                choices=((True, _("Yes")), (False, _("No"))),
                coerce=lambda value: value in (True, "True"),
                widget=forms.RadioSelect,
            )
        early_reason = forms.ChoiceField(
            label=_("If the review is held before it is due, why"),
            choices=EARLY_REASONS,
            required=False,
            help_text=_(
                "A review may be held up to %(days)s days before it is due; earlier needs a "
                "reason, and the statistics count it as early."
            )
            % {"days": REVIEW_WINDOW_DAYS},
        )
        note = note_field()
        early = forms.BooleanField(label=_("Held before it was due"), required=False)

        def clean_review(self) -> str:
            review = self.cleaned_data["review"]
            if not self.follow_up.deadlines.filter(kind=review, done_on__isnull=True).exists():
                raise forms.ValidationError(_("This review is already recorded."))
            return str(review)

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            held_on, review = data.get("occurred_on"), data.get("review")
            if held_on is None or review is None:
                return data
            deadline = self.follow_up.deadlines.filter(kind=review, done_on__isnull=True).first()
            if deadline is None or held_on >= review_window_opens(deadline.due_on):
                data.pop("early_reason", None)
                return data
            if not data.get("early_reason"):
                self.add_error(
                    "early_reason",
                    _(
                        "This review is due on %(due)s: held on %(day)s, before %(opens)s, "
                        "it needs a reason."
                    )
                    % {
                        "due": formats.date_format(deadline.due_on, "DATE_FORMAT"),
                        "day": formats.date_format(held_on, "DATE_FORMAT"),
                        "opens": formats.date_format(
                            review_window_opens(deadline.due_on), "DATE_FORMAT"
                        ),
                    },
                )
            data["early"] = True
            return data

    return ReviewForm


def early(data: dict[str, Any]) -> bool:
    """The review was held before its window (see REVIEW_WINDOW_DAYS)."""
    return bool(data.get("early"))


ACTION_ENDINGS = (
    ("", _("Still in progress")),
    (SupportResult.COMPLETED, _("Done")),
    (SupportResult.NOT_DONE, _("Abandoned")),
)


def action_field(action: SupportAction) -> str:
    return f"action_{action.pk}"


def close_form(outcomes: Any) -> type[DatedStepForm]:
    """The form that closes a file, with the kind's closed list of outcomes. A file is not
    closed over support actions still in progress without a word: each is ended here (done,
    or abandoned with a reason), or the coordinator closes anyway and says why; the history
    keeps what was decided (`actions_ended`)."""

    class CloseForm(DatedStepForm):
        computed_fields = ("actions_ended",)
        occurred_on = date_field(_("Closed on"))
        outcome = forms.ChoiceField(label=_("Outcome"), choices=outcomes)
        note = note_field()
        close_anyway = forms.BooleanField(
            label=_("Close anyway, leaving the actions above in progress"), required=False
        )
        close_anyway_reason = forms.CharField(
            label=_("Why close with actions in progress"),
            required=False,
            max_length=200,
            help_text=SHORT_NOTE_HELP,
        )
        actions_ended = forms.CharField(label=_("Support actions at closure"), required=False)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.ongoing = list(
                self.follow_up.actions.filter(result=SupportResult.ONGOING).order_by(
                    "starts_on", "pk"
                )
            )
            if not self.ongoing:
                del self.fields["close_anyway"], self.fields["close_anyway_reason"]
                return
            for action in self.ongoing:
                self.fields[action_field(action)] = forms.ChoiceField(
                    label=_("%(action)s (%(beneficiary)s, since %(day)s)")
                    % {
                        "action": action.get_kind_display(),
                        "beneficiary": action.get_beneficiary_display(),
                        "day": formats.date_format(action.starts_on, "DATE_FORMAT"),
                    },
                    choices=ACTION_ENDINGS,
                    required=False,
                )
                self.fields[action_field(action) + "_reason"] = forms.CharField(
                    label=_("If abandoned, why"), required=False, max_length=150
                )
            self.order_fields(
                ["occurred_on", "outcome", "note"]
                + [name for name in self.fields if name.startswith("action_")]
            )

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            if not self.ongoing:
                return data
            left, summary = [], []
            for action in self.ongoing:
                name = action_field(action)
                ending, reason = data.get(name), (data.get(name + "_reason") or "").strip()
                label = action.get_kind_display()
                if ending == SupportResult.NOT_DONE and not reason:
                    self.add_error(name + "_reason", _("Say why this action was abandoned."))
                if not ending:
                    left.append(action)
                    summary.append(_("%(action)s: left in progress") % {"action": label})
                elif ending == SupportResult.COMPLETED:
                    summary.append(_("%(action)s: done") % {"action": label})
                else:
                    summary.append(
                        _("%(action)s: abandoned (%(reason)s)")
                        % {"action": label, "reason": reason}
                    )
            if left and not data.get("close_anyway"):
                self.add_error(
                    None,
                    ngettext(
                        "A support action is still in progress: say whether it was done or "
                        "abandoned, or close anyway and say why.",
                        "%(count)s support actions are still in progress: say whether each was "
                        "done or abandoned, or close anyway and say why.",
                        len(left),
                    )
                    % {"count": len(left)},
                )
            if left and data.get("close_anyway") and not data.get("close_anyway_reason"):
                self.add_error(
                    "close_anyway_reason", _("Say why you close with actions in progress.")
                )
            if not left:
                data.pop("close_anyway", None)
                data.pop("close_anyway_reason", None)
            data["actions_ended"] = "; ".join(str(line) for line in summary)
            return data

    return CloseForm


def end_actions(context: StepContext) -> None:
    """The support actions ended on the closing form end on the closure day."""
    for action in context.follow_up.actions.filter(result=SupportResult.ONGOING):
        ending = context.data.get(action_field(action))
        if not ending:
            continue
        action.result = ending
        action.ends_on = max(action.starts_on, context.event.occurred_on)
        reason = (context.data.get(action_field(action) + "_reason") or "").strip()
        if ending == SupportResult.NOT_DONE and reason:
            action.note = f"{action.note} — {reason}" if action.note else reason
            action.note = action.note[: SupportAction._meta.get_field("note").max_length]
        action.save(update_fields=["result", "ends_on", "note"])


def close_step(
    *, sources: frozenset[str], target: str, outcomes: Any, completed: frozenset[str]
) -> Step:
    """Closing a file, the same for every kind: only the administrator closes (CNIL AU-038:
    the coordinator administers the files), with an outcome from the kind's closed list; the
    outcomes in `completed` count as support carried out in the statistics; the closure date
    starts the archive clock (effects.close_file)."""

    def carried_out(data: dict[str, Any]) -> bool:
        return data["outcome"] in completed

    return Step(
        name="close",
        label=_("Close the file"),
        sources=sources,
        form=close_form(outcomes),
        target=target,
        effects=(end_actions, when(carried_out, statistic(support_completed=True)), close_file),
        right="followups.administer_follow_ups",
    )
