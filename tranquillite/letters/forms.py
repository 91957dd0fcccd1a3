from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterExportForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2999)
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the access log."),
    )
