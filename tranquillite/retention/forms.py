from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_HELP = _(
    "Required, written to the access log with the search and the export: e.g. “Access request "
    "received on 3 March 2026 from the mother, identity checked”."
)


class AccessRequestSearchForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)


class AccessRequestExportForm(forms.Form):
    FORMATS = (("pdf", _("PDF for the family")), ("json", _("JSON for the record")))

    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)
