"""Forms of the alert pages: what they read goes straight to a service, which holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood
from tranquillite.field.models import Team
from tranquillite.tensions.models import LOGGABLE_KINDS, AlertOutcome, Level, Source

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NO_NAMES = _("No names, no phone numbers: neighbourhoods, places, times, what is feared.")


class RaiseForm(forms.Form):
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Neighbourhoods involved (two or more)"),
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAMES,
    )

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = neighbourhoods  # type: ignore[attr-defined]


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("New level"), choices=Level.choices)
    note = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Response"),
        choices=[(kind.value, kind.label) for kind in LOGGABLE_KINDS],
    )
    team = forms.ModelChoiceField(
        label=_("Team deployed"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Partner alerted"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    starts_at = forms.DateTimeField(label=_("From"), required=False, widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), required=False, widget=DATETIME)
    note = forms.CharField(label=_("Note"), max_length=300, required=False, help_text=NO_NAMES)

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class LiftForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=AlertOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note on the outcome (optional)"),
        max_length=500,
        required=False,
        help_text=NO_NAMES,
    )
