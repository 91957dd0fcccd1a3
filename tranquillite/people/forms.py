"""Forms of the people pages: guardians and the merge of duplicates. A person's own form
(new person, correction) is followups/forms.py's PersonForm, shared with the referral."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tranquillite.people.models import LegalGuardian


class GuardianForm(forms.ModelForm[LegalGuardian]):
    class Meta:
        model = LegalGuardian
        fields = [
            "relationship",
            "first_name",
            "last_name",
            "address",
            "phone",
            "email",
            "has_parental_authority",
        ]
        help_texts = {
            "address": _("The summons is sent to this address."),
        }


class MergeForm(forms.Form):
    """Absorb a duplicate into the record shown: its files and guardians move here."""

    other = forms.ChoiceField(label=_("The duplicate record"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why are these two records the same person?"),
        max_length=300,
        help_text=_("E.g. same birth date and address, name misspelt at the referral."),
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                str(person.public_id),
                _("%(name)s, born on %(date)s")
                % {"name": person, "date": date_format(person.birth_date, "DATE_FORMAT")},
            )
            for person in candidates
        ]
