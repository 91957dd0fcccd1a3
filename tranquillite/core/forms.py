"""Every form renders through one template pair (includes/form.html, includes/field.html)."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Neighbourhood, Territory, TerritoryScopedModel


class FormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class TerritorySettingsForm(forms.ModelForm[Territory]):
    class Meta:
        model = Territory
        fields = [
            "name",
            "council_name",
            "kind",
            "insee_codes",
            "population",
            "address",
            "phone",
            "primary_colour",
            "centre_latitude",
            "centre_longitude",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def clean_primary_colour(self) -> str:
        # White text sits on this colour (header, buttons): WCAG 2.1 AA asks for 4.5:1.
        colour: str = self.cleaned_data["primary_colour"]
        # The model's #rrggbb rule first: the contrast below computes with its six digits.
        Territory._meta.get_field("primary_colour").run_validators(colour)
        if contrast_with_white(colour) < 4.5:
            raise forms.ValidationError(
                _("This colour is too light for white text on it: choose a darker shade.")
            )
        return colour


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2.1 contrast ratio between a #rrggbb colour and white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class TerritoryRecordForm[M: TerritoryScopedModel](forms.ModelForm[M]):
    """A form for a record of one territory whose name is unique there (case ignored)."""

    duplicate_name_message: Any = _("This territory already has a record of that name.")

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        if self.instance.pk is None:
            # So that the model's own validation (clean) runs with its territory set.
            self.instance.territory = territory

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        model = self._meta.model
        clash = model._default_manager.filter(territory=self.territory, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(self.duplicate_name_message)
        return name


class NeighbourhoodForm(TerritoryRecordForm[Neighbourhood]):
    duplicate_name_message = _("This territory already has a neighbourhood of that name.")

    class Meta:
        model = Neighbourhood
        fields = ["name", "is_priority", "centre_latitude", "centre_longitude"]
