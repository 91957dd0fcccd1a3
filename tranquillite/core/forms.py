"""Every form renders through one template pair (includes/form.html, includes/field.html)."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Neighbourhood, Territory


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


class NeighbourhoodForm(forms.ModelForm[Neighbourhood]):
    class Meta:
        model = Neighbourhood
        fields = ["name", "is_priority", "centre_latitude", "centre_longitude"]

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Neighbourhood.objects.in_territory(self.territory).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This territory already has a neighbourhood of that name.")
            )
        return name
