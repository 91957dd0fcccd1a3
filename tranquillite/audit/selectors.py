"""Reads of the access log, for the data protection officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db.models import QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.audit.models import AccessLogEntry
from tranquillite.core.models import Territory, TerritoryScopedModel


@dataclass(frozen=True)
class LogFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Ids grow with time (a row's `at` is set the moment it is inserted), so a date range can be
# turned into an id range read from the `at` index, and the page then walks the primary key
# of only that range. The margin absorbs rows whose insert straddled a boundary; the exact
# `at` conditions still apply.
_ID_BOUND_MARGIN = timedelta(hours=1)


def _first_id_from(moment: datetime) -> Subquery:
    return Subquery(
        AccessLogEntry.objects.filter(at__gte=moment - _ID_BOUND_MARGIN)
        .order_by("at", "id")
        .values("id")[:1]
    )


def _last_id_before(moment: datetime) -> Subquery:
    return Subquery(
        AccessLogEntry.objects.filter(at__lt=moment + _ID_BOUND_MARGIN)
        .order_by("-at", "-id")
        .values("id")[:1]
    )


def access_log_for(territory: Territory, log_filter: LogFilter) -> QuerySet[AccessLogEntry]:
    """The territory's log, sign-ins of its members included (written per territory).

    The DPO of one territory never sees another territory's entries.
    """
    entries = AccessLogEntry.objects.filter(territory=territory)
    if log_filter.actor:
        # Exact address (stored lower-cased): an indexed lookup, even over millions of rows.
        entries = entries.filter(actor_label=log_filter.actor.strip().lower())
    if log_filter.action:
        entries = entries.filter(action=log_filter.action)
    if log_filter.object_type:
        entries = entries.filter(object_type=log_filter.object_type)
    if log_filter.object_id:
        entries = entries.filter(object_id=log_filter.object_id)
    if log_filter.since:
        start = _day_start(log_filter.since)
        entries = entries.filter(at__gte=start, id__gte=_first_id_from(start))
    if log_filter.until:
        end = _day_start(log_filter.until) + timedelta(days=1)
        entries = entries.filter(at__lt=end, id__lte=_last_id_before(end))
    return entries.order_by("-id")


def page_of(entries: QuerySet[AccessLogEntry], *, before_id: int | None, size: int = 50) -> Any:
    """Keyset pagination: no COUNT(*) over millions of rows, one query per page."""
    if before_id is not None:
        entries = entries.filter(id__lt=before_id)
    rows = list(entries.select_related("actor")[: size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def who_saw(territory: Territory, object_type: str, object_id: str) -> QuerySet[AccessLogEntry]:
    return access_log_for(territory, LogFilter(object_type=object_type, object_id=object_id))


def change_history(territory: Territory, object_type: str, object_id: str) -> list[dict[str, Any]]:
    """The changes made to a record (django-auditlog), if it belongs to this territory."""
    from auditlog.models import LogEntry

    try:
        model = apps.get_model(object_type)
        records = model._default_manager.filter(public_id=object_id)
    except (LookupError, ValueError, ValidationError, FieldError):
        return []
    if issubclass(model, TerritoryScopedModel):
        records = records.filter(territory=territory)
    elif model is get_user_model():
        records = records.filter(memberships__territory=territory)
    else:
        return []
    record = records.first()
    if record is None:
        return []
    action_labels = {
        LogEntry.Action.CREATE: _("Creation"),
        LogEntry.Action.UPDATE: _("Change"),
        LogEntry.Action.DELETE: _("Deletion"),
    }
    changes = []
    for entry in LogEntry.objects.get_for_object(record).select_related("actor")[:100]:
        fields = []
        if entry.action == LogEntry.Action.UPDATE:
            for name in entry.changes_dict:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    field = None
                fields.append(str(getattr(field, "verbose_name", name)))
        changes.append(
            {
                "at": entry.timestamp,
                "actor": getattr(entry.actor, "email", ""),
                "action": action_labels.get(entry.action, ""),
                "fields": fields,
            }
        )
    return changes
