from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.strategy import sources
from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    ActivityKind,
    ActivityStatus,
    AgeBand,
    Axis,
    EvaluationDecision,
    EvaluationStatus,
    Funder,
    Indicator,
    IndicatorDirection,
    Sex,
    SheetStatus,
    Strategy,
)


class SheetFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *SheetStatus.choices]
    )
    lead = forms.ModelChoiceField(
        label=_("Lead"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        empty_label=_("All"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        to_field_name="public_id",
        empty_label=_("All"),
    )
    funder = forms.ChoiceField(
        label=_("Funder"), required=False, choices=[("", _("All")), *Funder.choices]
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = (
            Organisation.objects.in_territory(territory).filter(led_sheets__isnull=False).distinct()
        )
        neighbourhood = self.fields["neighbourhood"]
        assert isinstance(neighbourhood, forms.ModelChoiceField)
        neighbourhood.queryset = Neighbourhood.objects.in_territory(territory)


# --- Evaluations (a committee's evaluation of a sheet, in a meeting) ------------------------


class EvaluationForm(forms.Form):
    """One compact form per sheet on a meeting's evaluation list (prefix: the sheet's id).
    The consistency rules are the service's (strategy/evaluations.py), not repeated here."""

    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *EvaluationStatus.choices])
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", "—"), *EvaluationDecision.choices]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Short (2,000 characters at most), for the committees only. No one's name."),
    )


# --- Writing an action sheet: fields, partners, budget, documents (strategy/sheets.py) -------

NO_NAMES = _("No person's name here: every partner of the territory reads this sheet.")
DATE_WIDGET = {"type": "date"}
CHECKBOX_GROUP = "strategy/includes/checkbox_group.html"


class ActionSheetForm(forms.ModelForm[ActionSheet]):
    class Meta:
        model = ActionSheet
        fields = [
            "axis",
            "number",
            "title",
            "status",
            "lead",
            "neighbourhoods",
            "target_public",
            "finding",
            "objectives",
            "calendar",
            "next_review_on",
        ]
        widgets = {
            "finding": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "calendar": forms.Textarea(attrs={"rows": 4}),
            "neighbourhoods": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "next_review_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }
        labels = {"axis": _("Area")}
        help_texts = {
            "number": _("E.g. 1.4: unique in its area."),
            "finding": NO_NAMES,
            "objectives": NO_NAMES,
            "target_public": _("E.g. young people aged 11 to 17 and their parents. No names."),
            "calendar": NO_NAMES,
            "neighbourhoods": _("None ticked: the whole territory."),
            "lead": _("The organisation of the territory that leads the action."),
        }

    def __init__(self, *args: Any, territory: Territory, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        axis = self.fields["axis"]
        assert isinstance(axis, forms.ModelChoiceField)
        axis.queryset = Axis.objects.filter(strategy=strategy).order_by("number")
        axis.empty_label = None
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = _organisations(territory, self.instance.lead_id)
        lead.to_field_name = "public_id"
        _initial_by_public_id(self, ["lead"])
        neighbourhoods = self.fields["neighbourhoods"]
        assert isinstance(neighbourhoods, forms.ModelMultipleChoiceField)
        neighbourhoods.queryset = Neighbourhood.objects.in_territory(territory).order_by("name")
        neighbourhoods.template_name = CHECKBOX_GROUP  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        axis, number = data.get("axis"), (data.get("number") or "").strip()
        if axis is not None and number:
            clash = ActionSheet.objects.filter(axis=axis, number__iexact=number)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "number",
                    _("Area %(axis)s already has a sheet numbered %(number)s.")
                    % {"axis": axis.number, "number": number},
                )
        return data


def _initial_by_public_id(form: forms.ModelForm[Any], names: list[str]) -> None:
    """A model form's initial value of a foreign key is the primary key; the choice fields
    here are keyed by public_id, so the saved choice would not show as selected."""
    for name in names:
        if form.instance.pk and getattr(form.instance, f"{name}_id") and name not in form.data:
            form.initial[name] = getattr(form.instance, name).public_id


def _organisations(territory: Territory, keep_id: Any = None) -> Any:
    """The territory's active organisations, and the one already chosen even if inactive."""
    return Organisation.objects.in_territory(territory).filter(Q(is_active=True) | Q(pk=keep_id))


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    role = forms.CharField(
        label=_("Role in the action"),
        max_length=200,
        required=False,
        help_text=_("E.g. runs the workshops. No person's name."),
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = _organisations(territory, self.initial.get("organisation_id"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role", "").strip() and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation that has this role."))
        return data


class BasePartnerFormSet(forms.BaseFormSet[PartnerForm]):
    lead: Organisation | None = None

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            if form.cleaned_data.get("DELETE"):
                continue
            organisation = form.cleaned_data.get("organisation")
            if organisation is None:
                continue
            if self.lead is not None and organisation.pk == self.lead.pk:
                raise forms.ValidationError(
                    _("%(name)s leads this sheet: it cannot also be one of its partners.")
                    % {"name": organisation.name}
                )
            if organisation.pk in seen:
                raise forms.ValidationError(
                    _("%(name)s is listed twice among the partners.") % {"name": organisation.name}
                )
            seen.add(organisation.pk)

    def partners(self) -> list[tuple[Organisation, str]]:
        return [
            (form.cleaned_data["organisation"], form.cleaned_data.get("role", ""))
            for form in self.forms
            if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
        ]


PartnerFormSet = cast(
    type[BasePartnerFormSet],
    forms.formset_factory(
        PartnerForm, formset=BasePartnerFormSet, extra=2, can_delete=True, max_num=50
    ),
)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    funder = forms.ChoiceField(
        label=_("Funder"), choices=[("", "—"), *Funder.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("year", "funder", "amount") if data.get(name) not in (None, "")]
        if given and len(given) < 3:
            for name in ("year", "funder", "amount"):
                if name not in given and name not in self.errors:
                    self.add_error(name, _("A budget line needs a year, a funder and an amount."))
        return data


class BaseBudgetFormSet(forms.BaseFormSet[BudgetLineForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[int, str]] = set()
        for year, funder, _amount in self.lines():
            if (year, funder) in seen:
                raise forms.ValidationError(
                    _("%(funder)s appears twice in %(year)s: one line per funder and year.")
                    % {"funder": Funder(funder).label, "year": year}
                )
            seen.add((year, funder))

    def lines(self) -> list[tuple[int, str, Decimal]]:
        return [
            (form.cleaned_data["year"], form.cleaned_data["funder"], form.cleaned_data["amount"])
            for form in self.forms
            if form.cleaned_data.get("year") is not None
            and form.cleaned_data.get("funder")
            and form.cleaned_data.get("amount") is not None
            and not form.cleaned_data.get("DELETE")
        ]


BudgetFormSet = cast(
    type[BaseBudgetFormSet],
    forms.formset_factory(
        BudgetLineForm, formset=BaseBudgetFormSet, extra=3, can_delete=True, max_num=100
    ),
)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG, 10 MB at most. A document of the action "
            "(convention, report…) must not hold any personal data about the people followed."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.odt,.ods,.docx,.xlsx,.png,.jpg,.jpeg"}
        ),
    )

    def clean_file(self) -> Any:
        from tranquillite.strategy.sheets import check_upload

        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


# --- Activities (strategy/activities.py) ----------------------------------------------------


class ActivityForm(forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "status",
            "requested_by",
            "requested_on",
            "class_name",
            "planned_on",
            "place",
            "neighbourhood",
            "facilitators",
            "summary",
        ]
        widgets = {
            "requested_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "planned_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "facilitators": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"requested_by": _("Requested by (e.g. the school)")}
        help_texts = {
            "title": _("E.g. Youth–police workshop no. 2. No person's name."),
            "requested_by": _("For a session a school head asked for: the school."),
            "place": _("E.g. Jean-Lolive secondary school."),
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status not in OPEN_ACTIVITY_STATUSES:
            del self.fields["status"]
        else:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [(s.value, s.label) for s in OPEN_ACTIVITY_STATUSES]
            status.help_text = _("Once it took place, record it as held from its page.")
        for name in ("requested_by", "facilitators"):
            organisations = self.fields[name]
            assert isinstance(organisations, forms.ModelChoiceField)
            organisations.queryset = _organisations(
                territory, self.instance.requested_by_id if name == "requested_by" else None
            )
            organisations.to_field_name = "public_id"
        facilitators = self.fields["facilitators"]
        facilitators.template_name = CHECKBOX_GROUP  # type: ignore[attr-defined]
        facilitators.help_text = _("The organisations that run it.")
        neighbourhood = self.fields["neighbourhood"]
        assert isinstance(neighbourhood, forms.ModelChoiceField)
        neighbourhood.queryset = Neighbourhood.objects.in_territory(territory).order_by("name")
        neighbourhood.to_field_name = "public_id"
        _initial_by_public_id(self, ["requested_by", "neighbourhood"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        requested, planned = data.get("requested_on"), data.get("planned_on")
        if requested and planned and requested > planned:
            self.add_error(
                "planned_on", _("The activity cannot be planned before it was requested.")
            )
        return data


OPEN_ACTIVITY_STATUSES = (ActivityStatus.REQUESTED, ActivityStatus.PLANNED)


class HeldForm(forms.Form):
    """The date held, and the grid of participants by age band and sex."""

    held_on = forms.DateField(
        label=_("Date held"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened. No one's name: participants are counted, not named."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for band in AgeBand:
            for sex in Sex:
                self.fields[self.cell(band, sex)] = forms.IntegerField(
                    label=_("%(band)s, %(sex)s") % {"band": band.label, "sex": sex.label},
                    min_value=0,
                    max_value=100000,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "tq-count"}),
                )

    @staticmethod
    def cell(band: str, sex: str) -> str:
        return f"n_{band}_{sex}"

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError(_("The date held cannot be in the future."))
        return held_on

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(band.label), [self[self.cell(band, sex)] for sex in Sex]) for band in AgeBand]

    def sexes(self) -> list[str]:
        return [str(sex.label) for sex in Sex]

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (band.value, sex.value): self.cleaned_data.get(self.cell(band, sex)) or 0
            for band in AgeBand
            for sex in Sex
        }


class ActivityFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ActivityKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ActivityStatus.choices]
    )
    sheet = forms.ModelChoiceField(
        label=_("Action sheet"),
        required=False,
        queryset=ActionSheet.objects.none(),
        to_field_name="public_id",
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, territory: Territory, years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("All")), *((y, str(y)) for y in years)]
        sheet = self.fields["sheet"]
        assert isinstance(sheet, forms.ModelChoiceField)
        sheet.queryset = ActionSheet.objects.in_territory(territory).order_by(
            "-axis__strategy__is_current", "axis__strategy__title", "axis__number", "number"
        )


# --- Indicators and their measurements (strategy/indicators.py, strategy/imports.py) --------

ISO_DATE = {"type": "date"}
DECIMAL_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


class IndicatorForm(forms.ModelForm[Indicator]):
    source_key = forms.ChoiceField(
        label=_("Values"),
        required=False,
        help_text=_(
            "Computed by the platform: one value a month, dated the last day of the month, "
            "for that month; no value can then be entered by hand or imported."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "unit",
            "direction",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "source_key",
            "is_public",
            "position",
        ]
        localized_fields = ["baseline", "target"]
        widgets = {
            "baseline": forms.TextInput(attrs=DECIMAL_INPUT),
            "target": forms.TextInput(attrs=DECIMAL_INPUT),
            "baseline_on": forms.DateInput(attrs=ISO_DATE, format="%Y-%m-%d"),
            "target_on": forms.DateInput(attrs=ISO_DATE, format="%Y-%m-%d"),
        }
        help_texts = {
            "name": _("As the committee names it, e.g. “Workshops held”. No person's name."),
            "unit": _(
                "E.g. workshops, %, people. Left empty, a computed indicator takes its "
                "source's unit."
            ),
        }

    def __init__(self, *args: Any, sheet: ActionSheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        choices: list[tuple[str, Any]] = [
            ("", _("Entered by hand or imported")),
            *(
                (key, _("Computed: %(source)s") % {"source": label})
                for key, label in sources.choices()
            ),
        ]
        current = self.instance.source_key
        if current and sources.get(current) is None:
            choices.append((current, _("%(key)s (no longer available)") % {"key": current}))
        source_field = self.fields["source_key"]
        assert isinstance(source_field, forms.ChoiceField)
        source_field.choices = choices
        self.fields["unit"].required = False

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        # Imports find an indicator by its name, whatever its case: two may not differ by case only.
        clash = Indicator.objects.filter(sheet=self.sheet, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This action sheet already has an indicator of that name.")
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("unit") or "").strip():
            source = sources.get(data.get("source_key") or "")
            if source is not None:
                data["unit"] = str(source.unit)
                self.instance.unit = data["unit"]
            elif "unit" not in self.errors:
                self.add_error("unit", _("Give the unit, e.g. workshops, %, people."))
        baseline, target = data.get("baseline"), data.get("target")
        if baseline is not None and target is not None:
            if data.get("direction") == IndicatorDirection.DECREASE and target > baseline:
                self.add_error(
                    "target", _("Lower is better here: the target must not exceed the baseline.")
                )
            elif data.get("direction") == IndicatorDirection.INCREASE and target < baseline:
                self.add_error(
                    "target", _("Higher is better here: the target must not be below the baseline.")
                )
        return data


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=ISO_DATE, format="%Y-%m-%d")
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL_INPUT),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("Optional: the source of the figure, a remark. No person's name."),
    )

    def clean_measured_on(self) -> Any:
        day = self.cleaned_data["measured_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A measurement cannot be dated in the future."))
        return day


class MeasurementDeleteForm(forms.Form):
    measured_on = forms.DateField(widget=forms.HiddenInput)


class IndicatorImportForm(forms.Form):
    strategy = forms.ModelChoiceField(
        label=_("Strategy"),
        queryset=Strategy.objects.none(),
        to_field_name="public_id",
        empty_label=None,
        help_text=_("The sheet numbers of the file are those of this strategy."),
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_("2 MB and 5,000 rows at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy = self.fields["strategy"]
        assert isinstance(strategy, forms.ModelChoiceField)
        strategy.queryset = Strategy.objects.in_territory(territory).order_by(
            "-is_current", "-starts_on"
        )


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=500,
        help_text=_("Kept in the sheet's history. A withdrawn sheet leaves the public summary."),
    )
