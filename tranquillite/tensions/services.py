"""Every write of tension alerts: raise, change the level, log a response, lift.

Each is one transaction; the monitoring cell is e-mailed after the commit
(`notifications.notify_cell`), so a refused write sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.guards import note_warnings
from tranquillite.field.models import Team
from tranquillite.tensions.access import may_manage, may_respond
from tranquillite.tensions.models import (
    LEVEL_RANK,
    LOGGABLE_KINDS,
    AlertFigure,
    AlertOutcome,
    AlertResponse,
    Level,
    ResponseKind,
    Source,
    TensionAlert,
)
from tranquillite.tensions.notifications import Event, notify_cell

# A response may be logged a little after the fact, never in the future (a phone's clock may
# be a few minutes ahead), nor long before the alert.
CLOCK_TOLERANCE = timedelta(minutes=5)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _check_text(actor: Any, territory: Territory, text: str) -> None:
    """The description and notes name no one: the shared guard (people followed) and the
    field's patterns (a civility followed by a name, a phone number) refuse the text."""
    check_free_text(actor, territory, text)
    warnings = note_warnings(actor, territory, text)
    if warnings:
        raise ValidationError(
            _("An alert names no one and holds no phone number: rewrite the text.")
        )


def _check_choice(value: str, choices: Any, message: str) -> None:
    if value not in choices.values:
        raise ValidationError(message)


@transaction.atomic
def raise_alert(
    *,
    actor: Any,
    territory: Territory,
    neighbourhoods: Iterable[Neighbourhood],
    level: str,
    source: str,
    description: str,
) -> TensionAlert:
    _require(may_manage(actor, territory))
    chosen = list({n.pk: n for n in neighbourhoods}.values())
    if len(chosen) < 2:
        raise ValidationError(_("Choose at least two neighbourhoods."))
    if any(n.territory_id != territory.pk for n in chosen):
        raise ValidationError(_("A neighbourhood chosen is not in this territory."))
    _check_choice(level, Level, _("Choose a level from the list."))
    _check_choice(source, Source, _("Choose a source from the list."))
    description = description.strip()
    if not description:
        raise ValidationError(_("Describe the tension in a few words (no names)."))
    _check_text(actor, territory, description)
    alert = TensionAlert.objects.create(
        territory=territory,
        level=level,
        highest_level=level,
        source=source,
        description=description,
        raised_by=actor,
    )
    alert.neighbourhoods.set(chosen)
    notify_cell(alert, Event.RAISED)
    return alert


def _locked(alert: TensionAlert) -> TensionAlert:
    return TensionAlert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def change_level(*, actor: Any, alert: TensionAlert, level: str, note: str = "") -> TensionAlert:
    _require(may_manage(actor, alert.territory))
    alert = _locked(alert)
    if alert.lifted_at is not None:
        raise ValidationError(_("This alert has been lifted."))
    _check_choice(level, Level, _("Choose a level from the list."))
    if level == alert.level:
        raise ValidationError(_("The alert is already at this level."))
    note = note.strip()
    _check_text(actor, alert.territory, note)
    alert.level = level
    if LEVEL_RANK[Level(level)] > LEVEL_RANK[Level(alert.highest_level)]:
        alert.highest_level = level
    alert.save(update_fields=["level", "highest_level"])
    AlertResponse.objects.create(
        territory=alert.territory,
        alert=alert,
        kind=ResponseKind.LEVEL_CHANGED,
        level=level,
        note=note,
        recorded_by=actor,
    )
    notify_cell(alert, Event.LEVEL_CHANGED)
    return alert


@transaction.atomic
def log_response(
    *,
    actor: Any,
    alert: TensionAlert,
    kind: str,
    team: Team | None = None,
    organisation: Organisation | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    note: str = "",
) -> AlertResponse:
    territory = alert.territory
    _require(may_respond(actor, territory))
    alert = _locked(alert)  # a lift committed meanwhile closes the log
    if alert.lifted_at is not None:
        raise ValidationError(_("This alert has been lifted: its response log is closed."))
    if kind not in LOGGABLE_KINDS:
        raise ValidationError(_("Choose a response from the list."))
    note = note.strip()
    if kind == ResponseKind.TEAM_DEPLOYED:
        if team is None:
            raise ValidationError(_("Choose the team deployed."))
        if starts_at is None:
            raise ValidationError(_("Give the time the team was deployed."))
    if kind == ResponseKind.PARTNER_ALERTED and organisation is None:
        raise ValidationError(_("Choose the partner alerted."))
    if kind == ResponseKind.OTHER and not note:
        raise ValidationError(_("Say in a few words what was done."))
    if team is not None and team.territory_id != territory.pk:
        raise ValidationError(_("This team is not in this territory."))
    if organisation is not None and organisation.territory_id != territory.pk:
        raise ValidationError(_("This organisation is not in this territory."))
    now = timezone.now()
    for moment in (starts_at, ends_at):
        if moment is not None and (
            moment > now + CLOCK_TOLERANCE or moment < alert.raised_at - timedelta(days=1)
        ):
            raise ValidationError(_("A time must lie between the day before the alert and now."))
    if starts_at and ends_at and ends_at < starts_at:
        raise ValidationError(_("The end comes before the start."))
    _check_text(actor, territory, note)
    return AlertResponse.objects.create(
        territory=territory,
        alert=alert,
        kind=kind,
        team=team if kind == ResponseKind.TEAM_DEPLOYED else None,
        organisation=organisation if kind == ResponseKind.PARTNER_ALERTED else None,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def lift_alert(*, actor: Any, alert: TensionAlert, outcome: str, note: str = "") -> TensionAlert:
    _require(may_manage(actor, alert.territory))
    alert = _locked(alert)
    if alert.lifted_at is not None:
        raise ValidationError(_("This alert has already been lifted."))
    _check_choice(outcome, AlertOutcome, _("Choose an outcome from the list."))
    note = note.strip()
    _check_text(actor, alert.territory, note)
    alert.lifted_at = timezone.now()
    alert.lifted_by = actor
    alert.outcome = outcome
    alert.outcome_note = note
    alert.save(update_fields=["lifted_at", "lifted_by", "outcome", "outcome_note"])
    record_figure(alert)
    notify_cell(alert, Event.LIFTED)
    return alert


def record_figure(alert: TensionAlert) -> AlertFigure:
    """The lifted alert's anonymous trace for the figures (kept after the purge)."""
    assert alert.lifted_at is not None
    minutes = max(0, int((alert.lifted_at - alert.raised_at).total_seconds() // 60))
    figure = AlertFigure.objects.create(
        territory_id=alert.territory_id,
        alert=alert,
        raised_on=timezone.localdate(alert.raised_at),
        level=alert.highest_level,
        outcome=alert.outcome,
        minutes_to_lift=minutes,
    )
    figure.neighbourhoods.set(alert.neighbourhoods.all())
    return figure
