"""Forms of the technical issues' pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood
from tranquillite.technical_issues.models import IssueCategory, RoutingRule
from tranquillite.technical_issues.services import IssueInput


class IssueForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it?"), choices=IssueCategory.choices)
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
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The thing and where exactly (e.g. “lamp post at the corner of the "
            "courtyard, out since yesterday”). Never a person's name."
        ),
    )
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Its metadata (position, phone) is removed."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        neighbourhoods: QuerySet[Neighbourhood],
        with_place: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]
        if not with_place:
            # Raised from a daily-log entry: the entry's place is the issue's.
            for name in ("neighbourhood", "latitude", "longitude"):
                del self.fields[name]

    def to_input(self, entry: Any = None) -> IssueInput:
        data = self.cleaned_data
        return IssueInput(
            category=data["category"],
            description=data["description"],
            neighbourhood=data.get("neighbourhood"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            log_entry=entry,
        )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RerouteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Send to"), queryset=Organisation.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Every category")), *IssueCategory.choices],
        required=False,
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— the whole territory, or the area below —"),
    )
    area = forms.CharField(
        label=_("Area drawn on the map (GeoJSON)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text=_(
            "Click on the map to draw a residence or an area; or paste a GeoJSON "
            "polygon. Leave empty for a neighbourhood or the whole territory."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation that fixes it"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=1000,
        initial=100,
        help_text=_("When several rules match, the highest priority wins."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        neighbourhoods: QuerySet[Neighbourhood],
        organisations: QuerySet[Organisation],
        rule: RoutingRule | None = None,
        **kwargs: Any,
    ) -> None:
        if rule is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                "name": rule.name,
                "category": rule.category,
                "neighbourhood": rule.neighbourhood.public_id if rule.neighbourhood else None,
                "area": "" if rule.area is None else json.dumps(rule.area),
                "organisation": rule.organisation.public_id,
                "priority": rule.priority,
                "is_active": rule.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class DefaultForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Default organisation (when no rule matches)"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class DeadlinesForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in IssueCategory.choices:
            self.fields[value] = forms.IntegerField(
                label=label, min_value=1, max_value=365, initial=current[value]
            )
