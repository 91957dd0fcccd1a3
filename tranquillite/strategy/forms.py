from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.strategy.models import Funder, SheetStatus


class SheetFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *SheetStatus.choices]
    )
    lead = forms.ModelChoiceField(
        label=_("Lead"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        empty_label=_("All"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        empty_label=_("All"),
    )
    funder = forms.ChoiceField(
        label=_("Funder"), required=False, choices=[("", _("All")), *Funder.choices]
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = (
            Organisation.objects.in_territory(territory).filter(led_sheets__isnull=False).distinct()
        )
        neighbourhood = self.fields["neighbourhood"]
        assert isinstance(neighbourhood, forms.ModelChoiceField)
        neighbourhood.queryset = Neighbourhood.objects.in_territory(territory)
