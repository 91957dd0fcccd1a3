from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.forms import TerritoryRecordForm
from tranquillite.core.models import Territory
from tranquillite.governance.models import Body


class BodyForm(TerritoryRecordForm[Body]):
    duplicate_name_message = _("This territory already has a body of that name.")

    class Meta:
        model = Body
        fields = ["name", "kind", "purpose", "handles_cases"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class MemberForm(forms.Form):
    """Add a user of the territory, or an outside contact who has no account."""

    user = forms.ModelChoiceField(
        label=_("Member with an account"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— none: an outside contact —"),
    )
    contact_name = forms.CharField(
        label=_("Or outside contact: name"), max_length=150, required=False
    )
    contact_email = forms.EmailField(label=_("Outside contact: e-mail"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    is_chair = forms.BooleanField(label=_("Chairs the body"), required=False)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = (
            User.objects.filter(
                is_active=True, memberships__territory=territory, memberships__is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = Organisation.objects.in_territory(territory).filter(
            is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not data.get("contact_name", "").strip():
            raise forms.ValidationError(
                _("Choose a member with an account, or give an outside contact's name.")
            )
        return data


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("E.g. breach of the charter. Kept in the body's history."),
    )


class CharterForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the charter"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20000,
        help_text=_(
            "Publishing a new version asks every member to sign again before any "
            "access to the body's cases."
        ),
    )


class SignatureForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read this charter and undertake to respect it."), required=True
    )
