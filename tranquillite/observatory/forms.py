from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.followups.models import FollowUpKind


class FiguresForm(forms.Form):
    """Which figures: a kind of follow-up and a referral year (GET; no name can go here)."""

    kind = forms.ChoiceField(label=_("Kind of follow-up"), choices=FollowUpKind.choices)
    year = forms.TypedChoiceField(label=_("Year of referral"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in years]


class ExportForm(FiguresForm):
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the access log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.HiddenInput()
        self.fields["year"].widget = forms.HiddenInput()


class FieldFiguresForm(forms.Form):
    """Which field figures: a month, a month or its whole year, a kind of team (GET)."""

    mois = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    periode = forms.ChoiceField(
        label=_("Period"),
        choices=[("month", _("The month")), ("year", _("The month's year"))],
    )
    equipes = forms.ChoiceField(label=_("Teams"), required=False, choices=())

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = self.fields["equipes"]
        assert isinstance(teams, forms.ChoiceField)
        teams.choices = [("", _("All teams")), *kinds]


class FieldExportForm(FieldFiguresForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", _("Spreadsheet (XLSX)"))]
    )
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the access log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mois"].widget = forms.DateInput(attrs={"type": "hidden"}, format="%Y-%m")
        for name in ("periode", "equipes"):
            self.fields[name].widget = forms.HiddenInput()


class YearForm(forms.Form):
    """Which calendar year of the community-service figures (GET; no name can go here)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in years]


class YearExportForm(YearForm):
    reason = forms.CharField(
        label=_("Reason for the export"),
        max_length=500,
        help_text=_("Required: the export itself is written to the access log."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()
