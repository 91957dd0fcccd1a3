"""Form pieces the workflows share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.followups.engine import StepForm
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
