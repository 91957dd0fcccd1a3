from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DURATIONS = (
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("6 months")),
    (365, _("1 year")),
)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. the partner's application."),
    )
    days = forms.TypedChoiceField(label=_("Valid for"), choices=DURATIONS, coerce=int, initial=90)
