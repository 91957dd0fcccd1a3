"""What any typed value must be before it is kept: one place for every write path.

Text (issue 12; OWASP ASVS 1.2, 1.3): a name or a note with a right-to-left override, a
zero-width character or a control character reads differently from what was stored (it
reverses a name in a PDF, hides a word from a search). Every text is normalised to NFC, line
ends to "\\n", and refused when it holds a control, bidirectional or invisible character.

Dates and numbers: a date typed as 0001-01-01 or 9999-12-31 breaks the pages that compute
with it (a calendar feed, an age, a retention date) for everybody, not only its author.
Every date must lie within `SANE_DATES`; a decimal within its column's digits.

Where it applies, so that no module has to remember it:
- **forms** — `install_form_checks()` (from `CoreConfig.ready()`) gives every Django form
  `CharField` the text check and NFC normalisation, and every `DateField`/`DateTimeField` the
  date window: ours, ModelForms, allauth's. The user gets a French message on the field;
- **every model save of our apps** — `check_instance` (a `pre_save` receiver) applies the same
  rules to every text, date, datetime and decimal column, so services, imports, commands and
  the API are held too (a `ValidationError` a view turns into a message);
- **anything else** (an API schema, a CSV cell) calls `clean_text` / `check_date` itself.
Field-specific rules (a birth date in the past, a meeting within a few years) stay with their
forms and services; these are the bounds nothing may cross.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The only controls a person types: a line break (multi-line text) and a tab.
_ALLOWED_CONTROLS = {"\n", "\t"}
# Unicode categories refused: controls (Cc), format characters (Cf: bidirectional overrides
# and isolates, zero-width spaces and joiners, soft hyphen...), private use, surrogates and
# unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}
# Invisible or look-alike spaces outside those categories.
_REFUSED_CHARACTERS = {"\u2028", "\u2029", "\u3164", "\uffa0", "\u115f", "\u1160"}


def normalise_text(value: str) -> str:
    """NFC, with every line end as "\\n" (a bare carriage return is a line end too)."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def forbidden_characters(value: str) -> list[str]:
    return sorted(
        {
            f"U+{ord(char):04X}"
            for char in value
            if char not in _ALLOWED_CONTROLS
            and (unicodedata.category(char) in _REFUSED_CATEGORIES or char in _REFUSED_CHARACTERS)
        }
    )


def validate_clean_text(value: Any) -> None:
    if not isinstance(value, str):
        return
    found = forbidden_characters(value)
    if found:
        raise ValidationError(
            _(
                "This text holds invisible or control characters (%(characters)s): type it "
                "again without them."
            ),
            code="control_characters",
            params={"characters": ", ".join(found[:5])},
        )


def clean_text(value: str) -> str:
    """For services and the API: the normalised text, or ValidationError."""
    value = normalise_text(value)
    validate_clean_text(value)
    return value


@dataclass(frozen=True)
class DateWindow:
    """The dates anyone may type in this product: 1900 (the oldest birth date a retention
    rule can meet) to 100 years from now (any deadline or meeting the product plans)."""

    earliest: date = date(1900, 1, 1)
    years_ahead: int = 100

    def latest(self) -> date:
        today = timezone.localdate()
        return today.replace(year=today.year + self.years_ahead, day=min(today.day, 28))


SANE_DATES = DateWindow()


def check_date(value: Any) -> None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and not SANE_DATES.earliest <= value <= SANE_DATES.latest():
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={
                "earliest": SANE_DATES.earliest.strftime("%d/%m/%Y"),
                "latest": SANE_DATES.latest().strftime("%d/%m/%Y"),
            },
        )


# --- Forms ------------------------------------------------------------------------------------


def install_form_checks() -> None:
    """Django has no project-wide hook for form fields; these class-level defaults are the one
    place that reaches every form of the project (see the module's docstring)."""
    if getattr(forms.CharField, "_tranquillite_checked", False):
        return
    original = forms.CharField.to_python

    def to_python(self: forms.CharField, value: Any) -> Any:
        result = original(self, value)
        return normalise_text(result) if isinstance(result, str) else result

    forms.CharField.to_python = to_python  # type: ignore[method-assign]
    forms.CharField.default_validators = [validate_clean_text]
    forms.DateField.default_validators = [check_date]
    forms.DateTimeField.default_validators = [check_date]
    forms.CharField._tranquillite_checked = True  # type: ignore[attr-defined]


# --- Every save -------------------------------------------------------------------------------

_TEXT = (models.CharField, models.TextField)
_DATES = (models.DateField,)  # DateTimeField is a DateField


def check_instance(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save: normalise the text columns and refuse what no page can show."""
    if kwargs.get("raw") or not sender.__module__.startswith("tranquillite."):
        return
    errors: dict[str, list[Any]] = {}
    for field in sender._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        try:
            if isinstance(field, _TEXT) and isinstance(value, str) and not field.choices:
                value = normalise_text(value)
                setattr(instance, field.attname, value)
                validate_clean_text(value)
            elif isinstance(field, _DATES):
                check_date(value)
            elif isinstance(field, models.DecimalField):
                field.run_validators(field.to_python(value))  # an int or float is allowed
        except ValidationError as error:
            errors[field.name] = error.messages
    if errors:
        raise ValidationError(errors)
