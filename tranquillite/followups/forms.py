"""Forms of the follow-up pages that are not a workflow step (those live in each kind's
workflow file): choosing the body and kind of a referral, a new person, the support plan's
actions, the reason to open an archived file, a restriction, the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.followups.engine import workflow_for
from tranquillite.followups.models import FollowUpKind, SupportAction
from tranquillite.followups.workflows.common import DATE
from tranquillite.governance.access import bodies_with_case_access
from tranquillite.governance.models import Body
from tranquillite.people.models import Person

SHORT_TEXT_WARNING = _("Short. No name of a third party, no extract of a police file.")


def with_choice_groups(form: forms.Form) -> forms.Form:
    """Radio buttons and checkboxes as a fieldset with a legend (accessible groups)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            field.template_name = "followups/includes/choice_group.html"  # type: ignore[attr-defined]
            field.widget.attrs.setdefault("class", "form-check-input")
    return form


class ChooseBodyForm(forms.Form):
    """First step of a referral: the body that will hold the file, and the kind of file."""

    body = forms.ModelChoiceField(
        label=_("Body holding the file"),
        queryset=Body.objects.none(),
        to_field_name="public_id",
        help_text=_("Only the bodies whose charter you signed."),
    )
    kind = forms.ChoiceField(label=_("Kind of follow-up"), choices=FollowUpKind.choices)

    def __init__(self, *args: Any, user: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.ModelChoiceField)
        body_field.queryset = (
            bodies_with_case_access(user).filter(territory=territory).order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, kind = data.get("body"), data.get("kind")
        if body is not None and kind and body.kind not in workflow_for(kind).body_kinds:
            self.add_error(
                "kind",
                _("%(body)s cannot hold this kind of follow-up.") % {"body": body.name},
            )
        return data


class PersonSearchForm(forms.Form):
    """Sent by POST only: a name never goes into a URL (history, server logs)."""

    query = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("First and last name in any order; accents, hyphens and typos are tolerated."),
    )
    birth_date = forms.DateField(label=_("Birth date (optional)"), required=False, widget=DATE)


class PersonForm(forms.ModelForm[Person]):
    """A new person, or the correction of one."""

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "address",
            "neighbourhood",
            "situation",
            "situation_place",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        neighbourhood = self.fields["neighbourhood"]
        assert isinstance(neighbourhood, forms.ModelChoiceField)
        neighbourhood.queryset = Neighbourhood.objects.filter(territory=territory).order_by("name")


class NewPersonForm(PersonForm):
    """A new person at a referral: when records alike exist, the user says it is another
    person (or picks the existing record)."""

    different_person = forms.BooleanField(
        label=_("I checked: this is a different person from the records listed above"),
        required=False,
    )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PersonForm.Meta.fields}


class SupportActionForm(forms.ModelForm[SupportAction]):
    class Meta:
        model = SupportAction
        fields = ["beneficiary", "kind", "partner", "starts_on", "ends_on", "result", "note"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.TextInput(),
        }
        help_texts = {"note": SHORT_TEXT_WARNING}

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = Organisation.objects.filter(
            territory=territory, is_active=True
        ).order_by("name")
        if self.instance.pk is None:
            # A new action most often starts the day it is added (editable).
            self.initial.setdefault("starts_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The action cannot end before it starts."))
        return data


class ArchiveReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you open this archived file?"),
        max_length=300,
        help_text=_("Recorded in the access log with your name, for the data protection officer."),
    )


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the restriction"),
        max_length=300,
        help_text=_("E.g. the person contests the accuracy of the data (RGPD art. 18)."),
    )


class _PrintReasonForm(forms.Form):
    """A print of nominative data says why, from a closed list (kept in the access log)."""

    REASONS: tuple[tuple[str, Any], ...] = ()
    reason = forms.ChoiceField(label=_("Why do you print it?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = self.REASONS  # type: ignore[attr-defined]

    def reason_text(self) -> str:
        return str(dict(self.REASONS)[self.cleaned_data["reason"]])


class FilePrintForm(_PrintReasonForm):
    """Printing the whole file (views.follow_up_print)."""

    REASONS = (
        ("", _("Reason for printing…")),
        ("hearing", _("For the hearing")),
        ("review", _("For a review with the family")),
        ("case_worker", _("For the case worker's meeting with the young person")),
        ("handover", _("To hand the file over to a new case worker")),
    )


class DocumentReasonForm(_PrintReasonForm):
    """Downloading a document is a print of nominative data: it says why."""

    REASONS = (
        ("", _("Reason for downloading…")),
        ("sending", _("To send the letter")),
        ("hand_over", _("To hand it over in person")),
        ("checking", _("To check its content")),
        ("hearing", _("For the hearing")),
    )
    reason = forms.ChoiceField(label=_("Why do you download it?"))


class ListFilterForm(forms.Form):
    """The work list's filters (GET: values from closed lists and ids, never a name)."""

    STATUS = (("open", _("Open files")), ("archived", _("Archived files")))
    status = forms.ChoiceField(label=_("Files"), choices=STATUS, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *FollowUpKind.choices], required=False
    )
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All"),
    )
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All"))], required=False)
    mine = forms.BooleanField(label=_("Only the files I am the case worker of"), required=False)

    def __init__(self, *args: Any, user: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.ModelChoiceField)
        body_field.queryset = (
            bodies_with_case_access(user).filter(territory=territory).order_by("name")
        )
        states: dict[str, str] = {}
        for kind in FollowUpKind:
            for value, label in workflow_for(kind).states.items():
                states.setdefault(value, str(label))
        state_field = self.fields["state"]
        assert isinstance(state_field, forms.ChoiceField)
        state_field.choices = [("", _("All")), *sorted(states.items(), key=lambda s: s[1])]
