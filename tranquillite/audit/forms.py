from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.audit.models import AccessAction


class LogFilterForm(forms.Form):
    actor = forms.EmailField(
        label=_("Who (e-mail)"),
        required=False,
        max_length=254,
        help_text=_("The person's full e-mail address."),
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AccessAction.choices]
    )
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Record identifier"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date must come before the end date."))
        return data


class ExportForm(LogFilterForm):
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The filters of the page being exported travel as hidden fields.
        for name in ("actor", "action", "object_type", "object_id", "since", "until"):
            self.fields[name].widget = forms.HiddenInput()
