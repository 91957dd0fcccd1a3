"""`record_access`: the one call every module makes for each read of nominative data.

    record_access(request, AccessAction.READ, [follow_up])
    record_access(request, AccessAction.LIST, page_of_follow_ups)
    record_access(request, AccessAction.EXPORT, [person], reason=form.cleaned_data["reason"])

One row per record, written in one statement. A record must have a `public_id`; its label
(`access_log_label()` if the model defines one, else nothing) must never hold a person's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from tranquillite.audit.models import REASON_REQUIRED, AccessAction, AccessLogEntry
from tranquillite.core.models import Territory


class ReasonRequired(ValueError):
    pass


def object_type_of(record: models.Model) -> str:
    return record._meta.label_lower


def _label_of(record: models.Model) -> str:
    label = getattr(record, "access_log_label", None)
    return str(label())[:200] if callable(label) else ""


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def _actor_label(actor: Any) -> str:
    return str(getattr(actor, "email", "") or "")[:254]


def record_access(
    request: HttpRequest | None,
    action: AccessAction,
    records: Iterable[models.Model] = (),
    *,
    actor: Any = None,
    territory: Territory | None = None,
    reason: str = "",
) -> list[AccessLogEntry]:
    """Write one access-log row per record (or one row when there is no record)."""
    actor = actor if actor is not None else getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    territory = territory if territory is not None else getattr(request, "territory", None)
    reason = reason.strip()
    if action in REASON_REQUIRED and not reason:
        raise ReasonRequired(f"A reason is required for {action}.")
    common = {
        "actor": actor,
        "actor_label": _actor_label(actor),
        "territory": territory,
        "action": action,
        "reason": reason[:500],
        "path": request.get_full_path()[:500] if request is not None else "",
        "ip_address": client_ip(request),
    }
    records = list(records)
    rows = [
        AccessLogEntry(
            object_type=object_type_of(record),
            object_id=str(record.public_id),  # type: ignore[attr-defined]
            object_label=_label_of(record),
            **common,
        )
        for record in records
    ] or [AccessLogEntry(**common)]
    return AccessLogEntry.objects.bulk_create(rows)


def record_security_event(
    request: HttpRequest | None, action: AccessAction, *, actor: Any = None, label: str = ""
) -> list[AccessLogEntry]:
    """Sign-in, failed sign-in, sign-out: one row for each territory the account works in,
    so that each territory's DPO sees its members' sign-ins and no one else's."""
    actor = actor if getattr(actor, "pk", None) else None
    territories: list[Territory | None] = list(Territory.objects.for_user(actor)) if actor else []
    common = {
        "actor": actor,
        "actor_label": (label or _actor_label(actor))[:254],
        "action": action,
        "path": request.path[:500] if request is not None else "",
        "ip_address": client_ip(request),
    }
    return AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(territory=territory, **common) for territory in territories or [None]]
    )
