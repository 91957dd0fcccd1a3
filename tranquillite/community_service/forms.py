"""Forms of community service. They check the shape of each answer; the rules that need the
database (capacity, overlaps, deadline, closed post) are the services' (services.py), whose
refusals the views show on the same form, answers kept."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation, OrganisationKind, User
from tranquillite.accounts.roles import Role
from tranquillite.community_service.models import (
    MANUAL_MEANS,
    MAX_HOURS,
    MIN_HOURS,
    PROBATION_KINDS,
    InformedBy,
    InterruptionReason,
    OccurrenceKind,
    PlacementDocumentKind,
    Post,
    Weekday,
)
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.people.models import Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

NO_JUDICIAL_DETAIL = _(
    "No offence and no judicial detail: the platform keeps none, write none here."
)


def _members(territory: Territory, roles: set[Role], kinds: tuple[str, ...] | None = None) -> Any:
    users = User.objects.filter(
        is_active=True,
        memberships__territory=territory,
        memberships__is_active=True,
        memberships__role__in=roles,
    )
    if kinds is not None:
        users = users.filter(memberships__organisation__kind__in=kinds)
    return users.distinct().order_by("last_name", "first_name")


class DaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Weekday.choices,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class PostForm(forms.ModelForm[Post]):
    days = DaysField(label=_("Days"))

    class Meta:
        model = Post
        fields = [
            "service",
            "title",
            "tasks",
            "skills",
            "supervisors",
            "capacity",
            "days",
            "starts_at",
            "ends_at",
            "neighbourhood",
            "place",
            "reduced_mobility",
            "minors_accepted",
            "tig360_reference",
        ]
        widgets = {
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "supervisors": forms.CheckboxSelectMultiple,
            "starts_at": TIME,
            "ends_at": TIME,
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            territory=territory, kind=OrganisationKind.CITY_SERVICE, is_active=True
        )
        self.fields["supervisors"].queryset = _members(territory, {Role.SUPERVISOR})  # type: ignore[attr-defined]
        self.fields["supervisors"].label_from_instance = User.get_full_name  # type: ignore[attr-defined]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(territory=territory)  # type: ignore[attr-defined]


class PostStatusForm(forms.Form):
    is_open = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)


class NewPersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    confirm_new = forms.BooleanField(
        label=_("None of the records shown is this person: create a new one"), required=False
    )

    def clean_birth_date(self) -> Any:
        day = self.cleaned_data["birth_date"]
        if day >= timezone.localdate():
            raise forms.ValidationError(_("This date is not in the past."))
        return day


class PlacementForm(forms.Form):
    """The probation service's proposal. No offence, no judicial detail (see models.py)."""

    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    probation_service = forms.ModelChoiceField(
        label=_("Probation or youth-justice service"), queryset=Organisation.objects.none()
    )
    probation_officer = forms.ModelChoiceField(
        label=_("Probation officer with an account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("He then follows the placement on the platform."),
    )
    officer_name = forms.CharField(
        label=_("Probation officer (outside contact)"), max_length=150, required=False
    )
    officer_email = forms.EmailField(label=_("His e-mail"), required=False)
    probation_reference = forms.CharField(
        label=_("Probation service's reference"), max_length=40, help_text=NO_JUDICIAL_DETAIL
    )
    hours_ordered = forms.IntegerField(
        label=_("Hours ordered"),
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        help_text=_("Between 20 and 400 hours."),
        error_messages={
            "min_value": _("The hours ordered must be between 20 and 400."),
            "max_value": _("The hours ordered must be between 20 and 400."),
        },
    )
    sentence_date = forms.DateField(label=_("Sentence date"), widget=DATE)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE,
        required=False,
        help_text=_("18 months after the sentence if left empty."),
    )
    deadline_reason = forms.CharField(
        label=_("Why another deadline"), max_length=300, required=False
    )
    planned_days = DaysField(label=_("Planned days"))
    planned_start = forms.TimeField(label=_("Planned start"), widget=TIME)
    planned_end = forms.TimeField(label=_("Planned end"), widget=TIME)
    planned_break_minutes = forms.IntegerField(
        label=_("Planned break (minutes)"), min_value=0, max_value=240, initial=0
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(territory=territory, is_open=True)  # type: ignore[attr-defined]
        self.fields["probation_service"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            territory=territory, kind__in=PROBATION_KINDS, is_active=True
        )
        self.fields["probation_officer"].queryset = _members(  # type: ignore[attr-defined]
            territory, {Role.PARTNER_MEMBER}, PROBATION_KINDS
        )
        self.fields["probation_officer"].label_from_instance = User.get_full_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        officer = data.get("probation_officer")
        service = data.get("probation_service")
        if officer is None and not data.get("officer_email"):
            raise forms.ValidationError(
                _("Choose the probation officer's account, or give his e-mail.")
            )
        if (
            officer is not None
            and service is not None
            and not officer.memberships.filter(organisation=service, is_active=True).exists()
        ):
            self.add_error("probation_officer", _("This officer does not work for this service."))
        return data


class StartDetailsForm(forms.Form):
    agreement_on = forms.DateField(label=_("Agreement of the person"), widget=DATE, required=False)
    first_interview_on = forms.DateField(label=_("First interview"), widget=DATE, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    deadline_reason = forms.CharField(
        label=_("Why another deadline than 18 months"), max_length=300, required=False
    )


class StateForm(forms.Form):
    """The date and reason of a change of state; the change itself is the button pressed
    (`target`, checked by services.change_state)."""

    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("Reason (interruption)"),
        choices=[("", "—"), *InterruptionReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Short note"), max_length=300, required=False, help_text=NO_JUDICIAL_DETAIL
    )


def recent_day(day: date) -> date:
    """A day of a session or a report: not in the future, not before 2000 (a typo such as
    0026 would otherwise reach the arithmetic)."""
    if day > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    if day.year < 2000:
        raise forms.ValidationError(_("Check the year of this date."))
    return day


class TokenForm(forms.Form):
    """A random token made when the form is shown: the same submission sent twice (a dropped
    connection) is recognised and creates nothing the second time."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class SessionForm(TokenForm):
    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Arrival"), widget=TIME)
    end = forms.TimeField(label=_("Departure"), widget=TIME)
    overnight = forms.BooleanField(label=_("Ends the next day"), required=False)
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=240, initial=0
    )
    tasks = forms.CharField(label=_("Tasks done"), max_length=300, required=False)

    def clean_day(self) -> date:
        return recent_day(self.cleaned_data["day"])


class CorrectionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Arrival"), widget=TIME)
    end = forms.TimeField(label=_("Departure"), widget=TIME)
    overnight = forms.BooleanField(label=_("Ends the next day"), required=False)
    break_minutes = forms.IntegerField(label=_("Break (minutes)"), min_value=0, max_value=240)
    tasks = forms.CharField(label=_("Tasks done"), max_length=300, required=False)
    reason = forms.CharField(label=_("Why the correction"), max_length=300)

    def clean_day(self) -> date:
        return recent_day(self.cleaned_data["day"])


class CloseSessionForm(forms.Form):
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=240, initial=0
    )
    tasks = forms.CharField(label=_("Tasks done"), max_length=300, required=False)


class OccurrenceForm(TokenForm):
    kind = forms.ChoiceField(label=_("What happened"), choices=OccurrenceKind.choices)
    day = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(
        label=_("Short note"),
        max_length=300,
        required=False,
        help_text=_("Facts seen on the post; no third party's name, no judicial detail."),
    )

    def clean_day(self) -> date:
        return recent_day(self.cleaned_data["day"])


class NoticeForm(forms.Form):
    """The probation officer told by phone, letter or e-mail: when and how."""

    informed_on = forms.DateField(label=_("Informed on"), widget=DATE)
    means = forms.ChoiceField(
        label=_("By"),
        choices=[(value, label) for value, label in InformedBy.choices if value in MANUAL_MEANS],
    )

    def clean_informed_on(self) -> date:
        return recent_day(self.cleaned_data["informed_on"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Required: it is written to the access log."),
    )


class DocumentForm(ReasonForm):
    kind = forms.ChoiceField(label=_("Document"), choices=PlacementDocumentKind.choices)
