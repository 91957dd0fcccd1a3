"""The field API's request and response bodies (OpenAPI schema at /api/v1/openapi.json)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from tranquillite.field.models import (
    Action,
    AgeBand,
    Category,
    Function,
    LocationSource,
    LogEntry,
    Outcome,
    Partner,
    Sector,
    Sex,
)


class SectorOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    kind: str
    neighbourhood: str

    @staticmethod
    def resolve_neighbourhood(sector: Sector) -> str:
        return sector.neighbourhood.name


class TeamOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    kind: str


class ShiftOut(Schema):
    id: UUID = Field(alias="public_id")
    team: TeamOut
    sector: SectorOut
    date: date
    planned_start: datetime
    planned_end: datetime
    started_at: datetime | None
    ended_at: datetime | None
    hours: float | None
    validated_at: datetime | None


class ClockIn(Schema):
    team: UUID
    sector: UUID


class EntryIn(Schema):
    client_uuid: UUID | None = Field(
        None, description="The phone's identifier of the entry; or the Idempotency-Key header."
    )
    occurred_at: datetime
    function: Function
    category: Category
    age_band: AgeBand
    sex: Sex
    group_size: int = Field(ge=1, le=200)
    action: Action
    partner: Partner
    outcome: Outcome
    follow_up_needed: bool = False
    note: str = Field("", max_length=280)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    neighbourhood: UUID | None = None
    location_source: LocationSource | None = None


class EntryOut(Schema):
    id: UUID = Field(alias="public_id")
    client_uuid: UUID
    shift: UUID
    team: str
    occurred_at: datetime
    neighbourhood: str
    location_source: str
    latitude: float | None
    longitude: float | None
    function: str
    function_label: str
    category: str
    category_label: str
    age_band: str
    sex: str
    group_size: int
    action: str
    partner: str
    outcome: str
    follow_up_needed: bool
    note: str
    warnings: list[str] = Field(alias="note_warnings")
    has_photo: bool
    created_at: datetime

    @staticmethod
    def resolve_has_photo(entry: LogEntry) -> bool:
        return bool(entry.photo)

    @staticmethod
    def resolve_note(entry: LogEntry, context: Any) -> str:
        # A note the guard flagged may name someone: only its author gets it through the API;
        # the supervisor reads it on its page, where the reading is logged (field/views.py).
        request = (context or {}).get("request")
        by_author = request is not None and request.user.pk == entry.author_id
        if entry.note_warnings and entry.note and not by_author:
            return ""
        return entry.note

    @staticmethod
    def resolve_shift(entry: LogEntry) -> UUID:
        return entry.shift.public_id

    @staticmethod
    def resolve_team(entry: LogEntry) -> str:
        return entry.team.name

    @staticmethod
    def resolve_neighbourhood(entry: LogEntry) -> str:
        return entry.neighbourhood.name

    @staticmethod
    def resolve_function_label(entry: LogEntry) -> str:
        return entry.get_function_display()

    @staticmethod
    def resolve_category_label(entry: LogEntry) -> str:
        return entry.get_category_display()


class ErrorItem(Schema):
    field: str
    message: str


# The most entries one batch may carry: a phone's evening offline, a partner's hourly sync.
BATCH_MAX = 100


class EntryBatchIn(Schema):
    entries: list[EntryIn] = Field(
        min_length=1,
        max_length=BATCH_MAX,
        description="Up to 100 entries, each with its own client_uuid.",
    )


class EntryResultOut(Schema):
    client_uuid: UUID | None
    status: str = Field(description="created, replayed (already saved) or refused.")
    entry: EntryOut | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


class EntryBatchOut(Schema):
    results: list[EntryResultOut]


class Errors(Schema):
    errors: list[ErrorItem]


class CellOut(Schema):
    cell: str = Field(description="The h3 cell (hexadecimal index).")
    count: int
    latitude: float
    longitude: float
    place: str = Field("", description="The nearest neighbourhood of the cell's centre.")
    outline: list[list[float]] = Field(
        default_factory=list, description="The hexagon's corners as [latitude, longitude]."
    )


class PointOut(Schema):
    latitude: float
    longitude: float
    function: str
    category: str


class PointsOut(Schema):
    shown: bool = Field(description="False when zoomed out or when too many entries are in view.")
    points: list[PointOut]
