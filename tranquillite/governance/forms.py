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

    def __init__(self, *args: Any, territory: Territory, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = (
            User.objects.filter(
                is_active=True, memberships__territory=territory, memberships__is_active=True
            )
            .exclude(body_memberships__body=body)
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


CASE_NUMBER_PATTERN = r"^[A-Z]{2,6}-\d{4}-\d{1,6}$"


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200, required=False)
    case_number = forms.RegexField(
        label=_("Or a confidential case, by its number"),
        regex=CASE_NUMBER_PATTERN,
        required=False,
        help_text=_("E.g. RAO-2026-0012. Never a person's name."),
        error_messages={"invalid": _("A case number looks like RAO-2026-0012.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("title", "").strip()) == bool(data.get("case_number")):
            raise forms.ValidationError(_("Give either an item or a case number, not both."))
        return data


class AttendanceForm(forms.Form):
    """One choice per member, built from the body's active members."""

    def __init__(self, *args: Any, members: list[Any], current: dict[int, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        from tranquillite.governance.models import Presence

        self.members = members
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.display_name,
                choices=[("", _("— not recorded —")), *Presence.choices],
                required=False,
                initial=current.get(member.pk, ""),
            )

    def presences(self) -> dict[Any, str]:
        return {
            member: self.cleaned_data[f"member_{member.pk}"]
            for member in self.members
            if self.cleaned_data.get(f"member_{member.pk}")
        }


class CancellationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=500,
        help_text=_("Kept in the meeting's history and shown to its members."),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Name a case by its number, never a person."),
    )
    task_title = forms.CharField(
        label=_("Follow-up task (optional)"), max_length=300, required=False
    )
    task_owner = forms.ModelChoiceField(
        label=_("Task owner"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    task_due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["task_owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task = [data.get("task_title"), data.get("task_owner"), data.get("task_due_on")]
        if any(task) and not all(task):
            raise forms.ValidationError(
                _("A follow-up task needs a title, an owner and a due date.")
            )
        return data


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tranquillite.governance.models import TaskStatus

        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = TaskStatus.choices
