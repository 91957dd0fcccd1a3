from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.accounts.roles import Role
from tranquillite.core.forms import TerritoryRecordForm
from tranquillite.core.models import Territory


class RoleForm(forms.Form):
    """Give a role, acting for an organisation of the territory."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="public_id"
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(
        self, *args: Any, territory: Territory, grantable_roles: list[Role], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.in_territory(  # type: ignore[attr-defined]
            territory
        ).filter(is_active=True)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in grantable_roles]


class InvitationForm(RoleForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Professional e-mail address"))
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Professional phone"), max_length=30, required=False)

    field_order = ["first_name", "last_name", "email", "job_title", "phone", "organisation", "role"]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All organisations"),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.in_territory(territory)  # type: ignore[attr-defined]


class OrganisationForm(TerritoryRecordForm[Organisation]):
    duplicate_name_message = _("This territory already has an organisation of that name.")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "address", "phone", "email", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
