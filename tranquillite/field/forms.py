"""The field pages' forms. The entry form is also what the phone's script reads to build its
API request: the same field names, the same closed lists."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Neighbourhood
from tranquillite.field.imports import COLUMNS, REQUIRED
from tranquillite.field.models import (
    CATEGORIES_BY_KIND,
    Action,
    AgeBand,
    Function,
    Outcome,
    Partner,
    Sector,
    SectorKind,
    Sex,
    Team,
    TeamKind,
)
from tranquillite.field.services import EntryInput


class ClockInForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), to_field_name="public_id"
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), to_field_name="public_id"
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], sectors: QuerySet[Sector], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["sector"].queryset = sectors  # type: ignore[attr-defined]
        if len(teams) == 1:
            self.fields["team"].initial = teams[0].public_id


class LogEntryForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— my position —"),
        help_text=_("Your position is used when you share it; otherwise choose from the list."),
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    function = forms.ChoiceField(label=_("Function"), choices=Function.choices)
    category = forms.ChoiceField(label=_("Situation"), choices=())
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    group_size = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=200, initial=1
    )
    action = forms.ChoiceField(label=_("Action taken"), choices=Action.choices)
    partner = forms.ChoiceField(label=_("Partner alerted or referral"), choices=Partner.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No name, no phone number: describe the situation, not the people."),
    )

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Of the place or the equipment, never of a person."),
    )

    def __init__(
        self, *args: Any, team_kind: str, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"client_uuid": uuid.uuid4(), "occurred_at": timezone.localtime().replace(second=0)},
        )
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (category.value, category.label) for category in CATEGORIES_BY_KIND[team_kind]
        ]

    def to_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            client_uuid=data["client_uuid"],
            occurred_at=data["occurred_at"],
            function=data["function"],
            category=data["category"],
            age_band=data["age_band"],
            sex=data["sex"],
            group_size=data["group_size"],
            action=data["action"],
            partner=data["partner"],
            outcome=data["outcome"],
            follow_up_needed=data["follow_up_needed"],
            note=data["note"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            neighbourhood=data["neighbourhood"],
        )


class _StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


class _StaffChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A fieldset with a legend, one labelled checkbox per person (not the one-box template).
        kwargs.setdefault("template_name", "field/checkbox_list.html")
        kwargs.setdefault(
            "widget", forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        )
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    supervisor = _StaffChoice(
        label=_("Supervisor"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Validates the team's shifts."),
    )
    members = _StaffChoices(
        label=_("Members"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    is_active = forms.BooleanField(label=_("The team is working"), required=False, initial=True)

    def __init__(self, *args: Any, staff: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = staff  # type: ignore[attr-defined]
        self.fields["members"].queryset = staff  # type: ignore[attr-defined]


class SectorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=SectorKind.choices)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        help_text=_("Entries in this sector are counted in this neighbourhood."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, neighbourhoods: QuerySet[Neighbourhood], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]


class ShiftPlanForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), to_field_name="public_id"
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), to_field_name="public_id"
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        label=_("End"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end before the start ends the next day (e.g. 16:00–00:00)."),
    )
    members = _StaffChoices(
        label=_("Members"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Among the team's members; those who clock in join the shift anyway."),
    )

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        sectors: QuerySet[Sector],
        staff: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["sector"].queryset = sectors  # type: ignore[attr-defined]
        self.fields["members"].queryset = staff  # type: ignore[attr-defined]

    def planned(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["date"]
        start = timezone.make_aware(datetime.combine(day, self.cleaned_data["start"]))
        end = timezone.make_aware(datetime.combine(day, self.cleaned_data["end"]))
        if end <= start:
            end = timezone.make_aware(
                datetime.combine(day + timedelta(days=1), self.cleaned_data["end"])
            )
        return start, end


# --- The historical import (field/imports.py) ----------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of the daily log"),
        help_text=_(
            "CSV or Excel (.xlsx), one entry per line, the first line naming the columns. "
            "The file is kept only until it is imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class ImportMappingForm(forms.Form):
    """Which column of the file holds each field, guessed from its headers; the team of every
    row when the file has no team column."""

    default_team = forms.ModelChoiceField(
        label=_("Team of every row"),
        help_text=_("When the file has no team column."),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
    )

    def __init__(self, *args: Any, headers: list[str], teams: QuerySet[Team], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = teams  # type: ignore[attr-defined]
        options = [("", _("— not in the file —"))] + [
            (str(index), header or _("Column %(number)s") % {"number": index + 1})
            for index, header in enumerate(headers)
        ]
        for name, column in COLUMNS.items():
            self.fields[f"column_{name}"] = forms.ChoiceField(
                label=column.label[:1].upper() + column.label[1:],
                choices=options,
                required=False,
                help_text=_("Required") if name in REQUIRED else "",
            )
        self.order_fields([f"column_{name}" for name in COLUMNS] + ["default_team"])

    def mapping(self) -> dict[str, int]:
        return {
            name: int(self.cleaned_data[f"column_{name}"])
            for name in COLUMNS
            if self.cleaned_data.get(f"column_{name}") not in (None, "")
        }
