"""Form pieces the workflows share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.followups.effects import close_file, statistic, when
from tranquillite.followups.engine import Step, StepForm
from tranquillite.governance.access import users_with_case_access

DATE = forms.DateInput(attrs={"type": "date"})
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


def review_form(reviews: Any, *, reoffending: Any = None) -> type[DatedStepForm]:
    """The form of a support review: which review (each is a deadline set earlier, recorded
    once) and, when `reoffending` labels it, whether the person reoffended since."""

    class ReviewForm(DatedStepForm):
        occurred_on = date_field(_("Review held on"))
        review = forms.ChoiceField(label=_("Review"), choices=reviews)
        if reoffending is not None:
            reoffended = forms.TypedChoiceField(
                label=reoffending,
                choices=((True, _("Yes")), (False, _("No"))),
                coerce=lambda value: value in (True, "True"),
                widget=forms.RadioSelect,
            )
        note = note_field()

        def clean_review(self) -> str:
            review = self.cleaned_data["review"]
            if not self.follow_up.deadlines.filter(kind=review, done_on__isnull=True).exists():
                raise forms.ValidationError(_("This review is already recorded."))
            return str(review)

    return ReviewForm


def close_form(outcomes: Any) -> type[DatedStepForm]:
    """The form that closes a file, with the kind's closed list of outcomes."""

    class CloseForm(DatedStepForm):
        occurred_on = date_field(_("Closed on"))
        outcome = forms.ChoiceField(label=_("Outcome"), choices=outcomes)
        note = note_field()

    return CloseForm


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
        effects=(when(carried_out, statistic(support_completed=True)), close_file),
        right="followups.administer_follow_ups",
    )
