"""Every write of field presence. The field pages' forms and the API (`tranquillite.api`)
call these same functions: one write path, one set of rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.permissions import has_right
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.core.validation import clean_text
from tranquillite.field.geo import cells_of, nearest_neighbourhood
from tranquillite.field.guards import notes_warnings
from tranquillite.field.models import (
    CATEGORIES_BY_KIND,
    LocationSource,
    LogEntry,
    Sector,
    SectorKind,
    Shift,
    Team,
    TeamKind,
    TeamMembership,
)
from tranquillite.field.permissions import may_validate, works_in
from tranquillite.field.photos import reencode
from tranquillite.field.selectors import field_staff

# A phone's clock may be a little ahead of the server's.
CLOCK_TOLERANCE = timedelta(minutes=5)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@transaction.atomic
def create_team(
    *,
    actor: Any,
    territory: Territory,
    name: str,
    kind: TeamKind | str,
    supervisor: Any = None,
    members: list[Any] | None = None,
) -> Team:
    _require(has_right(actor, "field.oversee_field", territory))
    name = _check_team_name(territory, name)
    _check_staff(territory, [*(members or []), *([supervisor] if supervisor else [])], "members")
    team = Team.objects.create(territory=territory, name=name, kind=kind, supervisor=supervisor)
    TeamMembership.objects.bulk_create(
        [TeamMembership(territory=territory, team=team, user=user) for user in members or []]
    )
    return team


def _check_staff(territory: Territory, users: list[Any], field: str) -> None:
    """Members and supervisors are the territory's field staff (mediators, park wardens)."""
    allowed = set(field_staff(territory).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in users):
        raise ValidationError({field: _("Choose among the field staff of the territory.")})


def _check_team_name(territory: Territory, name: str, team: Team | None = None) -> str:
    name = clean_text(name).strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    same = Team.objects.filter(territory=territory, name__iexact=name)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise ValidationError({"name": _("A team of the territory already has this name.")})
    return name


@transaction.atomic
def update_team(
    *,
    actor: Any,
    team: Team,
    name: str,
    kind: TeamKind | str,
    supervisor: Any,
    members: list[Any],
    is_active: bool = True,
) -> Team:
    """Change a team: its name, kind, supervisor, members (those who leave keep their past
    entries: their membership is made inactive, not deleted) and whether it still works."""
    _require(has_right(actor, "field.oversee_field", team.territory))
    team.name = _check_team_name(team.territory, name, team)
    _check_staff(team.territory, [*members, *([supervisor] if supervisor else [])], "members")
    if kind != team.kind and team.entries.exists():
        raise ValidationError({"kind": _("A team that has entries keeps its kind.")})
    team.kind = kind
    team.supervisor = supervisor
    team.is_active = is_active
    team.save()
    wanted = {user.pk for user in members}
    current = {m.user_id: m for m in TeamMembership.objects.filter(team=team)}
    for user_id, membership in current.items():
        active = user_id in wanted
        if membership.is_active != active:
            membership.is_active = active
            membership.save(update_fields=["is_active"])
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(territory=team.territory, team=team, user=user)
            for user in members
            if user.pk not in current
        ]
    )
    return team


@transaction.atomic
def update_sector(
    *,
    actor: Any,
    sector: Sector,
    name: str,
    kind: SectorKind | str,
    neighbourhood: Neighbourhood,
    is_active: bool = True,
) -> Sector:
    _require(has_right(actor, "field.oversee_field", sector.territory))
    if neighbourhood.territory_id != sector.territory_id:
        raise ValidationError({"neighbourhood": _("This neighbourhood is not in the territory.")})
    name = clean_text(name).strip()
    same = Sector.objects.filter(territory=sector.territory, name__iexact=name)
    if not name or same.exclude(pk=sector.pk).exists():
        raise ValidationError({"name": _("A sector of the territory already has this name.")})
    sector.name, sector.kind, sector.neighbourhood = name, kind, neighbourhood
    sector.is_active = is_active
    sector.save()
    return sector


@transaction.atomic
def create_sector(
    *,
    actor: Any,
    territory: Territory,
    name: str,
    kind: SectorKind | str,
    neighbourhood: Neighbourhood,
) -> Sector:
    _require(has_right(actor, "field.oversee_field", territory))
    if neighbourhood.territory_id != territory.pk:
        raise ValidationError({"neighbourhood": _("This neighbourhood is not in the territory.")})
    name = clean_text(name).strip()
    if not name or Sector.objects.filter(territory=territory, name__iexact=name).exists():
        raise ValidationError({"name": _("A sector of the territory already has this name.")})
    return Sector.objects.create(
        territory=territory, name=name, kind=kind, neighbourhood=neighbourhood
    )


@transaction.atomic
def plan_shift(
    *,
    actor: Any,
    team: Team,
    sector: Sector,
    planned_start: datetime,
    planned_end: datetime,
    members: list[Any] | None = None,
) -> Shift:
    _require(may_validate(actor, team))
    if sector.territory_id != team.territory_id:
        raise ValidationError({"sector": _("This sector is not in the territory.")})
    if planned_end <= planned_start:
        raise ValidationError({"planned_end": _("The end must come after the start.")})
    if planned_end - planned_start > timedelta(hours=24):
        raise ValidationError({"planned_end": _("A shift lasts at most 24 hours.")})
    if not sector.is_active:
        raise ValidationError({"sector": _("This sector is no longer in use.")})
    team_members = set(
        TeamMembership.objects.filter(team=team, is_active=True).values_list("user_id", flat=True)
    )
    if any(user.pk not in team_members for user in members or []):
        raise ValidationError({"members": _("Choose among the team's members.")})
    shift = Shift.objects.create(
        territory=team.territory,
        team=team,
        sector=sector,
        date=timezone.localdate(planned_start),
        planned_start=planned_start,
        planned_end=planned_end,
    )
    if members:
        shift.members.add(*members)
    return shift


@transaction.atomic
def clock_in(*, actor: Any, team: Team, sector: Sector) -> Shift:
    """Start (or join) the team's shift of the day. Clocking in twice is harmless: the member
    joins the shift already open instead of opening a second one."""
    _require(works_in(actor, team))
    if sector.territory_id != team.territory_id or not sector.is_active:
        raise ValidationError({"sector": _("This sector is not in the territory.")})
    now = timezone.now()
    today = timezone.localdate(now)
    team_shifts = Shift.objects.select_for_update().filter(team=team, validated_at__isnull=True)
    shift = team_shifts.filter(started_at__isnull=False, ended_at__isnull=True).first()
    if shift is None:
        shift = team_shifts.filter(date=today, started_at__isnull=True, sector=sector).first()
        if shift is None:
            shift = Shift(
                territory=team.territory,
                team=team,
                sector=sector,
                date=today,
                planned_start=now,
                planned_end=now + timedelta(hours=settings.FIELD_DEFAULT_SHIFT_HOURS),
            )
        shift.started_at = now
        shift.save()
    shift.members.add(actor)
    return shift


@transaction.atomic
def clock_out(*, actor: Any, shift: Shift) -> Shift:
    """End the shift (clocking out twice keeps the first time)."""
    _require(works_in(actor, shift.team))
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.started_at is None:
        raise ValidationError(_("This shift has not started."))
    if shift.ended_at is None:
        shift.ended_at = max(timezone.now(), shift.started_at)
        shift.save(update_fields=["ended_at"])
    return shift


@transaction.atomic
def validate_shift(*, actor: Any, shift: Shift) -> Shift:
    """The supervisor checks the day's entries and closes the shift: an open shift ends now;
    once validated, neither the shift nor its entries change."""
    _require(may_validate(actor, shift.team))
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.started_at is None:
        raise ValidationError(_("A shift that never started cannot be validated."))
    if shift.validated_at is not None:
        return shift
    now = timezone.now()
    if shift.ended_at is None:
        shift.ended_at = max(now, shift.started_at)
    shift.validated_at = now
    shift.validated_by = actor
    shift.save(update_fields=["ended_at", "validated_at", "validated_by"])
    return shift


def may_read_flagged_note(user: Any, entry: LogEntry) -> bool:
    """A note the free-text guard flagged may name someone: its author reads it, and so does
    whoever validates the team's shifts (who must be able to correct it); each such read by
    someone else is logged (CNIL: traceability of access to possibly nominative data)."""
    return entry.author_id == user.pk or may_validate(user, entry.team)


@transaction.atomic
def remove_note(*, actor: Any, entry: LogEntry) -> LogEntry:
    """The supervisor erases a note that names someone. Allowed on a validated shift too:
    a name that should never have been written is removed, whatever the shift's state (RGPD
    art. 5(1)(c), data minimisation; art. 16, rectification). No copy is kept (the daily log
    has no change history)."""
    _require(may_validate(actor, entry.team))
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.note:
        return entry
    entry.note = ""
    entry.note_warnings = [
        _("Note removed by the supervisor on %(date)s.")
        % {"date": timezone.localdate().strftime("%d/%m/%Y")}
    ]
    entry.save(update_fields=["note", "note_warnings"])
    return entry


@dataclass(frozen=True)
class EntryInput:
    client_uuid: uuid.UUID
    occurred_at: datetime
    function: str
    category: str
    age_band: str
    sex: str
    group_size: int
    action: str
    partner: str
    outcome: str
    follow_up_needed: bool = False
    note: str = ""
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    neighbourhood: Neighbourhood | None = None
    location_source: str | None = None


def _six_places(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _place(
    shift: Shift, data: EntryInput, neighbourhoods: list[Neighbourhood]
) -> tuple[Neighbourhood, Decimal | None, Decimal | None, str]:
    territory = shift.territory
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude.")})
    if data.latitude is not None and data.longitude is not None:
        lat, lon = float(data.latitude), float(data.longitude)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError({"latitude": _("This position is not a valid position.")})
        snapped = nearest_neighbourhood(neighbourhoods, lat, lon)
        if snapped is None:
            message = _("This position is outside the territory of %(territory)s.")
            raise ValidationError({"latitude": message % {"territory": territory.name}})
        source = data.location_source or LocationSource.DEVICE
        if source == LocationSource.LIST:
            source = LocationSource.DEVICE
        return snapped, _six_places(lat), _six_places(lon), source
    if data.neighbourhood is None:
        raise ValidationError(
            {"neighbourhood": _("Give the position or choose a neighbourhood from the list.")}
        )
    if data.neighbourhood.territory_id != territory.pk:
        raise ValidationError({"neighbourhood": _("This neighbourhood is not in the territory.")})
    return data.neighbourhood, None, None, LocationSource.LIST


def _check(shift: Shift, data: EntryInput) -> None:
    errors: dict[str, str] = {}
    now = timezone.now()
    if data.occurred_at > now + CLOCK_TOLERANCE:
        errors["occurred_at"] = _("An entry cannot be in the future.")
    elif data.occurred_at < now - timedelta(days=settings.FIELD_MAX_BACKDATE_DAYS):
        errors["occurred_at"] = _("An entry cannot be more than %(days)d days old.") % {
            "days": settings.FIELD_MAX_BACKDATE_DAYS
        }
    if data.category not in CATEGORIES_BY_KIND[shift.team.kind]:
        errors["category"] = _("This situation is not on the list of this team.")
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class EntryResult:
    """What became of one entry sent: saved (`created`), found already saved under its
    identifier (a replay: `entry`, not `created`), or refused (`error`)."""

    client_uuid: uuid.UUID
    entry: LogEntry | None = None
    created: bool = False
    error: ValidationError | None = None


def log_entry(*, actor: Any, shift: Shift, data: EntryInput) -> tuple[LogEntry, bool]:
    """Add an entry to the shift's daily log; returns (entry, created).

    Idempotent: the phone gives each entry its own identifier (Idempotency-Key) and a resend
    of the same identifier returns the entry already saved — never a second row (the unique
    constraint on (territory, client_uuid) settles two resends racing each other)."""
    result = log_entries(actor=actor, shift=shift, items=[data])[0]
    if result.error is not None:
        raise result.error
    assert result.entry is not None
    return result.entry, result.created


def log_entries(*, actor: Any, shift: Shift, items: list[EntryInput]) -> list[EntryResult]:
    """Add several entries to the shift's daily log at once — a phone's queue sent when the
    network comes back, or a partner's application — with the rules of `log_entry`, one
    result per item in order: each is saved, replayed (its identifier already saved: the
    entry as it was) or refused with its reason, whatever becomes of the others.

    Whoever may not log in the shift's team is refused the whole batch (PermissionDenied),
    as is a shift validated or not started; replays are answered first, as for one entry.
    The replays are read in one query, the rights and the territory's neighbourhoods once,
    the notes checked together (guards.notes_warnings) and the new entries written in one
    INSERT: what makes 500 entries a second possible on two workers (docs/benchmarks.md)."""
    territory = shift.territory
    results: list[EntryResult | None] = [None] * len(items)
    saved = _saved(territory, [item.client_uuid for item in items])
    fresh: list[int] = []
    for index, item in enumerate(items):
        found = saved.get(item.client_uuid)
        if found is None:
            fresh.append(index)
        else:
            results[index] = _replayed(actor, item.client_uuid, found)
    if fresh:
        _require(works_in(actor, shift.team))
        if shift.validated_at is not None:
            raise ValidationError(_("This shift is validated: it takes no more entries."))
        if shift.started_at is None:
            raise ValidationError(_("This shift has not started."))
        neighbourhoods = list(Neighbourhood.objects.filter(territory=territory))
        warnings = notes_warnings(actor, territory, [items[i].note for i in fresh])
        built: dict[uuid.UUID, int] = {}  # client identifier -> index of its first item
        new: list[LogEntry] = []
        for index, notes in zip(fresh, warnings, strict=True):
            item = items[index]
            if item.client_uuid in built:  # sent twice in one batch: answered as a replay
                continue
            try:
                entry = _entry(actor, shift, item, neighbourhoods, notes)
            except ValidationError as error:
                results[index] = EntryResult(item.client_uuid, error=error)
                continue
            built[item.client_uuid] = index
            new.append(entry)
        for entry, created in _insert(actor, territory, new):
            results[built[entry.client_uuid]] = EntryResult(entry.client_uuid, entry, created)
        for index in fresh:
            if results[index] is None:  # the second of a pair: what became of the first
                first = results[built[items[index].client_uuid]]
                assert first is not None
                results[index] = EntryResult(first.client_uuid, first.entry, False, first.error)
    return [result for result in results if result is not None]


def _entry(
    actor: Any,
    shift: Shift,
    data: EntryInput,
    neighbourhoods: list[Neighbourhood],
    warnings: list[str],
) -> LogEntry:
    _check(shift, data)
    neighbourhood, latitude, longitude, source = _place(shift, data, neighbourhoods)
    cells = cells_of(
        latitude if latitude is not None else neighbourhood.centre_latitude,
        longitude if longitude is not None else neighbourhood.centre_longitude,
    )
    entry = LogEntry(
        territory=shift.territory,
        team=shift.team,
        shift=shift,
        author=actor,
        client_uuid=data.client_uuid,
        occurred_at=data.occurred_at,
        neighbourhood=neighbourhood,
        location_source=source,
        latitude=latitude,
        longitude=longitude,
        h3_r6=cells.r6,
        h3_r8=cells.r8,
        h3_r10=cells.r10,
        function=data.function,
        category=data.category,
        age_band=data.age_band,
        sex=data.sex,
        group_size=data.group_size,
        action=data.action,
        partner=data.partner,
        outcome=data.outcome,
        follow_up_needed=data.follow_up_needed,
        note=data.note.strip(),
        note_warnings=warnings,
    )
    # Uniqueness is the database's: (territory, client_uuid) is settled by the replay above
    # and the constraint below it, the public identifier is a fresh random UUID.
    entry.full_clean(
        exclude=["territory", "team", "shift", "neighbourhood", "author"], validate_unique=False
    )
    return entry


def _insert(
    actor: Any, territory: Territory, entries: list[LogEntry]
) -> list[tuple[LogEntry, bool]]:
    """One INSERT for all; if a resend raced one of them (the unique constraint), each on its
    own, the raced ones answered as replays."""
    if not entries:
        return []
    try:
        with transaction.atomic():
            LogEntry.objects.bulk_create(entries)
        return [(entry, True) for entry in entries]
    except IntegrityError:
        pass
    done = []
    for entry in entries:
        entry.pk = None
        try:
            with transaction.atomic():
                entry.save()
            done.append((entry, True))
        except IntegrityError:
            existing = _saved(territory, [entry.client_uuid]).get(entry.client_uuid)
            if existing is None:
                raise
            done.append((existing, False))
    return done


@transaction.atomic
def attach_photo(*, actor: Any, entry: LogEntry, upload: Any) -> LogEntry:
    """Attach (or replace) the entry's photo, re-encoded without its metadata. Sending the same
    photo again replaces it: a resend from the phone never adds a second one."""
    _require(works_in(actor, entry.team))
    entry = LogEntry.objects.select_for_update().select_related("shift").get(pk=entry.pk)
    if entry.shift.validated_at is not None:
        raise ValidationError(_("This shift is validated: it takes no more entries."))
    content = reencode(upload, upload.size)
    previous = entry.photo.name if entry.photo else ""
    entry.photo.save("photo.jpg", ContentFile(content), save=True)
    if previous:
        storage = entry.photo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return entry


def _saved(territory: Territory, client_uuids: list[uuid.UUID]) -> dict[uuid.UUID, LogEntry]:
    """The entries already saved under these identifiers in the territory."""
    return {
        entry.client_uuid: entry
        for entry in LogEntry.objects.filter(
            territory=territory, client_uuid__in=client_uuids
        ).select_related("neighbourhood", "shift", "team")
    }


def _replayed(actor: Any, client_uuid: uuid.UUID, entry: LogEntry) -> EntryResult:
    """A resend answers with the entry already saved. Another author's identifier is a
    conflict, not a replay: it is refused without showing that entry."""
    if entry.author_id != actor.pk:
        return EntryResult(
            client_uuid,
            error=ValidationError(
                {"client_uuid": _("This identifier is already used by another entry.")}
            ),
        )
    return EntryResult(client_uuid, entry, False)
