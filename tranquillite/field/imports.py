"""The historical import: a city that kept its daily log in a spreadsheet before the platform
brings it in (CSV or XLSX, read by `core.imports`).

Four steps, each a state of an `ImportBatch`:
1. `receive` keeps the file and guesses which column holds what from the French headers
   (`MAPPING`);
2. the user confirms or corrects the columns (`choose_columns`), and `process` reads every
   row and checks it against the territory's teams, sectors, neighbourhoods and closed lists
   (`CHECKED`): errors by line and column in French, the first rows as they will read;
3. `process(apply=True)` reads and checks everything again and writes every entry in one
   transaction, or none (`DONE`);
4. a file above FIELD_IMPORT_BACKGROUND_ROWS rows is checked and imported by a task
   (field/tasks.py), the page showing its progress.

A re-run imports nothing twice: each row's identifier (`client_uuid`, unique in the
territory) is derived from its content, so the same row read again finds itself already
there. Each team's imported entries of a day go into one shift marked as imported, already
validated, with no clock-in: hours of presence are unknown and none are counted. Rows older
than the daily log's retention (3 years, field/retention.py) are not imported: they would be
destroyed the next night.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tranquillite.accounts.permissions import has_right
from tranquillite.core.bulk import write_rows
from tranquillite.core.identifiers import uuid7
from tranquillite.core.imports import (
    FileRejected,
    cell_text,
    is_blank,
    line_message,
    lines_of,
    normalise_header,
    parse_date,
    read_content,
)
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.geo import Cells, cells_of, nearest_neighbourhood
from tranquillite.field.guards import notes_warnings
from tranquillite.field.models import (
    CATEGORIES_BY_KIND,
    GROUP_SIZE_MAX,
    NOTE_MAX_LENGTH,
    Action,
    AgeBand,
    Category,
    Function,
    ImportBatch,
    ImportStatus,
    LocationSource,
    LogEntry,
    Outcome,
    Partner,
    Sector,
    SectorKind,
    Sex,
    Shift,
    Team,
)
from tranquillite.field.retention import field_log_cutoff

# The rows' identifiers: uuid5 of the territory and the row's content.
NAMESPACE = uuid.UUID("6f1d7a9e-3c2b-4e8f-9a51-2d7c0b8e4f13")
ERRORS_KEPT = 200
WARNINGS_KEPT = 50
PREVIEW_ROWS = 20
PROGRESS_EVERY = 5_000
NOTES_CHECKED_TOGETHER = 500
HEADER_SEARCH = 10


@dataclass(frozen=True)
class Column:
    label: str  # as the template and the messages name it
    aliases: tuple[str, ...]  # headers recognised, compared after normalise_header


# Field -> its column. The labels are French: the spreadsheets are.
COLUMNS: dict[str, Column] = {
    "date": Column("date", ("date", "jour", "date de l intervention", "date intervention")),
    "time": Column("heure", ("heure", "horaire", "heure de l intervention", "h")),
    "team": Column("équipe", ("equipe", "team", "nom de l equipe")),
    "sector": Column("secteur", ("secteur", "parc", "parcours", "sector")),
    "neighbourhood": Column("quartier", ("quartier", "lieu", "neighbourhood", "iris")),
    "latitude": Column("latitude", ("latitude", "lat")),
    "longitude": Column("longitude", ("longitude", "lon", "lng", "long")),
    "function": Column("fonction", ("fonction", "type d intervention", "type", "function")),
    "category": Column("situation", ("situation", "categorie", "motif", "category")),
    "age_band": Column("âge", ("age", "tranche d age", "ages", "public age", "age band")),
    "sex": Column("sexe", ("sexe", "genre", "sex")),
    "group_size": Column(
        "nombre", ("nombre", "nombre de personnes", "nb personnes", "nb", "effectif")
    ),
    "action": Column("action", ("action", "action menee", "reponse", "action taken")),
    "partner": Column("partenaire", ("partenaire", "orientation", "partenaire alerte")),
    "outcome": Column("issue", ("issue", "resultat", "outcome")),
    "follow_up": Column("suite à donner", ("suite a donner", "suite", "suivi", "a suivre")),
    "note": Column("note", ("note", "commentaire", "observations", "observation", "remarque")),
}
REQUIRED = ("date", "function", "category", "action")
CHOICES: dict[str, Any] = {
    "function": Function,
    "category": Category,
    "age_band": AgeBand,
    "sex": Sex,
    "action": Action,
    "partner": Partner,
    "outcome": Outcome,
}
# What a cell left empty means, for the columns that may be.
DEFAULTS = {
    "age_band": AgeBand.UNKNOWN,
    "sex": Sex.UNKNOWN,
    "partner": Partner.NONE,
    "outcome": Outcome.NOT_APPLICABLE,
}
# Words of the spreadsheets kept by hand, beside the lists' own labels.
SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {
        "f": Sex.FEMALE,
        "femme": Sex.FEMALE,
        "femmes": Sex.FEMALE,
        "h": Sex.MALE,
        "homme": Sex.MALE,
        "hommes": Sex.MALE,
        "mixte": Sex.MIXED,
        "nc": Sex.UNKNOWN,
    },
    "age_band": {"nc": AgeBand.UNKNOWN, "inconnu": AgeBand.UNKNOWN, "mixte": AgeBand.MIXED},
    "partner": {"aucun": Partner.NONE, "non": Partner.NONE, "pm": Partner.MUNICIPAL_POLICE},
}
YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}  # compared after normalise_header
NO = {"non", "n", "0", "faux", "no", "false"}


def _choice_lookup() -> dict[str, dict[str, str]]:
    """Field -> normalised label, English label or code -> value."""
    lookup: dict[str, dict[str, str]] = {}
    for name, choices in CHOICES.items():
        table: dict[str, str] = {}
        for value, label in choices.choices:
            table[normalise_header(value)] = value
            with translation.override("en"):
                table[normalise_header(str(label))] = value
            with translation.override("fr"):
                table[normalise_header(str(label))] = value
        table.update({word: str(value) for word, value in SYNONYMS.get(name, {}).items()})
        lookup[name] = table
    return lookup


# --- Step 1: the file -----------------------------------------------------------------------


def example_rows(territory: Territory) -> list[list[str]]:
    """A line per active team of the territory as the import reads it (its own names, the
    lists' labels in the user's language), for a spreadsheet to start from."""
    sector = (
        Sector.objects.filter(territory=territory, is_active=True)
        .select_related("neighbourhood")
        .order_by("kind", "name")
        .first()
    )
    if sector is None:
        return []
    day = f"{timezone.localdate() - timedelta(days=7):%d/%m/%Y}"
    rows = []
    for team in Team.objects.filter(territory=territory, is_active=True).order_by("kind", "name"):
        values = {
            "date": day,
            "time": "18h30",
            "team": team.name,
            "sector": sector.name,
            "neighbourhood": sector.neighbourhood.name,
            "function": Function.ACTIVE_PRESENCE.label,
            "category": CATEGORIES_BY_KIND[team.kind][1].label,
            "age_band": AgeBand.TEENAGERS.label,
            "sex": Sex.MIXED.label,
            "group_size": "4",
            "action": Action.DIALOGUE.label,
            "partner": Partner.NONE.label,
            "outcome": Outcome.SETTLED.label,
            "follow_up": _("no"),
        }
        rows.append([str(values.get(name, "")) for name in COLUMNS])
    return rows


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field -> index of the first column whose header is one of the field's names."""
    aliases = {alias: name for name, column in COLUMNS.items() for alias in column.aliases}
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = aliases.get(normalise_header(header))
        if name is not None and name not in mapping:
            mapping[name] = index
    return mapping


def _header_and_count(data: bytes) -> tuple[int, list[str], int]:
    """(the header's line, its cells, the number of rows below it). The header is the first
    of the first HEADER_SEARCH lines naming two known columns — a sheet kept by hand often
    opens with a title ("Main courante 2024") — or else the first line."""
    seen: list[tuple[int, list[str]]] = []
    header: tuple[int, list[str]] | None = None
    count = 0
    for line, cells in enumerate(lines_of(data), start=1):
        if is_blank(cells):
            continue
        if header is None:
            texts = [cell_text(cell) for cell in cells]
            seen.append((line, texts))
            if len(guess_mapping(texts)) >= 2:
                header = (line, texts)
            elif len(seen) == HEADER_SEARCH:
                header, count = seen[0], len(seen) - 1
            continue
        count += 1
        if count > settings.FIELD_IMPORT_MAX_ROWS:
            raise FileRejected(
                _("This file has more than %(max)s rows: split it into several files.")
                % {"max": f"{settings.FIELD_IMPORT_MAX_ROWS:,}".replace(",", "\u202f")}
            )
    if header is None:
        if not seen:
            raise FileRejected(_("This file is empty."))
        header, count = seen[0], len(seen) - 1
    if not count:
        raise FileRejected(_("This file has a header line but no entry."))
    line, headers = header
    while headers and not headers[-1]:
        headers.pop()
    return line, headers, count


def _require(actor: Any, territory: Territory) -> None:
    # Importing a territory's history is the coordination's (those who oversee the field).
    if not has_right(actor, "field.oversee_field", territory):
        raise PermissionDenied("field.oversee_field")


def receive(*, actor: Any, territory: Territory, upload: Any) -> ImportBatch:
    """Keep the file until it is imported, with its header line and a guess of its columns;
    `FileRejected` (a French message) for a file that cannot be read at all."""
    _require(actor, territory)
    data = read_content(upload, max_bytes=settings.FIELD_IMPORT_MAX_BYTES)
    header_line, headers, count = _header_and_count(data)
    return ImportBatch.objects.create(
        territory=territory,
        created_by=actor,
        file_name=str(getattr(upload, "name", "") or _("file"))[:200],
        content=data,
        header_line=header_line,
        headers=headers,
        mapping=guess_mapping(headers),
        status=ImportStatus.MAPPING,
        total_rows=count,
    )


# --- Step 2: the columns ----------------------------------------------------------------------


def mapping_problems(mapping: dict[str, int], *, has_default_team: bool) -> list[str]:
    """What the columns chosen leave out, in French; empty when they are enough."""
    problems = [
        _("Choose the column of “%(column)s”.") % {"column": COLUMNS[name].label}
        for name in REQUIRED
        if name not in mapping
    ]
    if "team" not in mapping and not has_default_team:
        problems.append(_("Choose the column of the team, or the team of every row."))
    if (
        not {"neighbourhood", "sector"} & mapping.keys()
        and not {
            "latitude",
            "longitude",
        }
        <= mapping.keys()
    ):
        problems.append(
            _("Choose the column of the neighbourhood, of the sector, or the two of the position.")
        )
    if ("latitude" in mapping) != ("longitude" in mapping):
        problems.append(_("The position needs both the latitude and the longitude columns."))
    chosen = Counter(mapping.values())
    if any(times > 1 for times in chosen.values()):
        problems.append(_("A column of the file is chosen for two fields."))
    return problems


@transaction.atomic
def choose_columns(
    *, actor: Any, batch: ImportBatch, mapping: dict[str, int], default_team: Team | None
) -> ImportBatch:
    """Record the columns the user confirmed; the batch is then checked again from scratch."""
    _require(actor, batch.territory)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (ImportStatus.MAPPING, ImportStatus.CHECKED):
        raise FileRejected(_("This import is under way or finished: its columns no longer change."))
    if default_team is not None and default_team.territory_id != batch.territory_id:
        raise PermissionDenied("team")
    problems = mapping_problems(mapping, has_default_team=default_team is not None)
    if problems:
        raise FileRejected(problems)
    batch.mapping = {name: int(index) for name, index in mapping.items()}
    batch.default_team = default_team
    batch.status = ImportStatus.CHECKING
    batch.processed_rows = 0
    batch.save(update_fields=["mapping", "default_team", "status", "processed_rows"])
    return batch


@transaction.atomic
def confirm(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """The user asks for the import of a batch checked without error."""
    _require(actor, batch.territory)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.CHECKED or batch.counts.get("errors"):
        raise FileRejected(_("Only a file checked without error can be imported."))
    batch.status = ImportStatus.IMPORTING
    batch.imported_by = actor
    batch.processed_rows = 0
    batch.save(update_fields=["status", "imported_by", "processed_rows"])
    return batch


@transaction.atomic
def abandon(*, actor: Any, batch: ImportBatch) -> None:
    """Drop a batch not imported: its file goes at once."""
    _require(actor, batch.territory)
    if batch.status in (ImportStatus.DONE, ImportStatus.UNDONE) or batch.is_running:
        raise FileRejected(_("This import is under way or finished."))
    batch.delete()


@transaction.atomic
def undo(*, actor: Any, batch: ImportBatch) -> int:
    """Take an import back: its entries and its shifts are deleted (a wrong file, a wrong
    team chosen); the batch stays, marked undone, with who and when. Returns how many
    entries went. The same file may then be imported again."""
    _require(actor, batch.territory)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.DONE:
        raise FileRejected(_("Only an import that was carried out can be undone."))
    deleted = LogEntry.objects.filter(
        territory=batch.territory, shift__import_batch=batch
    ).delete()[0]
    Shift.objects.filter(import_batch=batch).delete()
    batch.status = ImportStatus.UNDONE
    batch.undone_by = actor
    batch.undone_at = timezone.now()
    batch.counts = {**batch.counts, "undone": deleted}
    batch.save(update_fields=["status", "undone_by", "undone_at", "counts"])
    return deleted


def expire_files(*, now: datetime | None = None) -> int:
    """The daily purge: a file received more than FIELD_IMPORT_KEEP_HOURS ago and not
    imported is emptied (a note may hold a name; an abandoned file is no record to keep),
    its batch marked failed — a check or an import that never finished included."""
    limit = (now or timezone.now()) - timedelta(hours=settings.FIELD_IMPORT_KEEP_HOURS)
    return (
        ImportBatch.objects.filter(created_at__lt=limit)
        .exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.UNDONE])
        .update(
            content=b"",
            status=ImportStatus.FAILED,
            errors=[_("The file was not imported within a day: it was deleted. Send it again.")],
        )
    )


# --- Reading and checking the rows ---------------------------------------------------------


@dataclass
class Row:
    line: int
    team: Team
    sector: Sector
    neighbourhood: Neighbourhood
    occurred_at: datetime
    latitude: Decimal | None
    longitude: Decimal | None
    cells: Cells
    values: dict[str, Any]
    note: str
    client_uuid: uuid.UUID

    @property
    def day(self) -> date:
        return self.occurred_at.date()  # occurred_at is in the territory's local time

    def columns(self) -> tuple[Any, ...]:
        """The entry's own columns, in COLUMNS_WRITTEN's order."""
        v = self.values
        return (
            self.client_uuid,
            self.occurred_at,
            self.neighbourhood.pk,
            LocationSource.MAP if self.latitude is not None else LocationSource.LIST,
            self.latitude,
            self.longitude,
            self.cells.r6,
            self.cells.r8,
            self.cells.r10,
            *(v[name] for name in CHOICES),
            v["group_size"],
            v["follow_up_needed"],
            self.note,
            v.get("note_warnings", []),
        )

    def ready(self) -> Ready:
        return Ready(self.team.pk, self.sector.pk, self.day, self.columns())


class Ready(NamedTuple):
    """A row checked, as it will be written: its team, the sector and day of its imported
    shift, its own columns (COLUMNS_WRITTEN). A tuple: 100,000 of them are made at once."""

    team_id: int
    sector_id: int
    day: date
    columns: Sequence[Any]


class _Reader:
    """Turns the file's lines into `Row`s or messages: the territory's teams, sectors and
    neighbourhoods read once; dates, times and places parsed once per distinct text."""

    def __init__(self, batch: ImportBatch, today: date) -> None:
        territory = batch.territory
        self.batch = batch
        self.today = today
        self.mapping: dict[str, int] = {k: int(v) for k, v in batch.mapping.items()}
        self.names = {
            name: (batch.headers[index] if index < len(batch.headers) else "")
            or COLUMNS[name].label
            for name, index in self.mapping.items()
        }
        self.teams = {normalise_header(t.name): t for t in Team.objects.filter(territory=territory)}
        self.neighbourhoods = list(Neighbourhood.objects.filter(territory=territory))
        self.by_name = {normalise_header(n.name): n for n in self.neighbourhoods}
        sectors = list(
            Sector.objects.filter(territory=territory, is_active=True)
            .select_related("neighbourhood")
            .order_by("name")
        )
        self.sectors = {normalise_header(s.name): s for s in sectors}
        # A neighbourhood's sector for rows without one: a neighbourhood sector first.
        self.sector_of: dict[int, Sector] = {}
        for sector in sorted(sectors, key=lambda s: s.kind != SectorKind.NEIGHBOURHOOD):
            self.sector_of.setdefault(sector.neighbourhood_id, sector)
        self.choices = _choice_lookup()
        self.centre_cells: dict[int, Cells] = {}
        self.dates: dict[Any, date | str] = {}
        self.times: dict[tuple[Any, Any], time | None] = {}
        self.zone = timezone.get_current_timezone()
        self.prefix = f"{territory.public_id}|"
        self.now = timezone.now()
        self.cutoff = field_log_cutoff(self.now)
        self.seen: Counter[str] = Counter()
        self.normalised: dict[Any, str] = {}
        self.resolved: dict[str, dict[Any, str | tuple[str, str]]] = {name: {} for name in CHOICES}

    def normal(self, raw: Any) -> str:
        """normalise_header, once per distinct cell (a column of a few words repeated)."""
        text = self.normalised.get(raw)
        if text is None:
            text = normalise_header(raw) if raw is not None else ""
            self.normalised[raw] = text
        return text

    def column(self, name: str) -> str:
        return self.names.get(name, COLUMNS[name].label)

    def read(self, line: int, cells: Sequence[Any]) -> tuple[Row | None, list[str], bool]:
        """(row, messages, too old): a row with no message is ready to be written.

        A spreadsheet repeats a few words per column: each distinct cell of a closed-list
        column is resolved once (`self.resolved`), which keeps a row to a few dictionary
        lookups (docs/benchmarks.md, the import's 20,000 rows/s)."""
        problems: list[tuple[str, str]] = []
        width = len(cells)
        got = {name: cells[i] if i < width else None for name, i in self.mapping.items()}
        cell = got.get
        values: dict[str, Any] = {}
        for name in CHOICES:
            raw = got.get(name)
            resolved = self.resolved[name]
            value = resolved.get(raw)
            if value is None:
                value = resolved[raw] = self._choice(name, raw)
            if type(value) is tuple:
                problems.append(value)
            else:
                values[name] = value
        team = self._team(cell("team"), problems)
        category = values.get("category")
        if team is not None and category and category not in CATEGORIES_BY_KIND[team.kind]:
            problems.append(("category", _("this situation is not on the team's list.")))
        values["group_size"] = self._group_size(cell("group_size"), problems)
        values["follow_up_needed"] = self._yes_no(cell("follow_up"), problems)
        raw_note = cell("note")
        note = cell_text(raw_note) if raw_note else ""
        if len(note) > NOTE_MAX_LENGTH:
            problems.append(
                (
                    "note",
                    _("the note is longer than %(max)s characters.") % {"max": NOTE_MAX_LENGTH},
                )
            )
        occurred_at = self._moment(cell("date"), cell("time"), problems)
        place = self._place(cell, problems)
        if problems:
            return None, [line_message(line, [self.column(f)], p) for f, p in problems], False
        assert team is not None and occurred_at is not None and place is not None
        if occurred_at < self.cutoff:
            return None, [], True
        neighbourhood, sector, latitude, longitude, cells_ = place
        return (
            Row(
                line=line,
                team=team,
                sector=sector,
                neighbourhood=neighbourhood,
                occurred_at=occurred_at,
                latitude=latitude,
                longitude=longitude,
                cells=cells_,
                values=values,
                note=note,
                client_uuid=self.identify(
                    team, occurred_at, neighbourhood, latitude, longitude, values, note
                ),
            ),
            [],
            False,
        )

    def _choice(self, name: str, raw: Any) -> str | tuple[str, str]:
        """A closed-list cell's value, or the (field, problem) it makes."""
        text = self.normal(raw)
        if not text:
            if name in DEFAULTS:
                return str(DEFAULTS[name])
            return (name, _("this cell is empty."))
        value = self.choices[name].get(text)
        if value is None:
            return (name, _("“%(text)s” is not on the list.") % {"text": cell_text(raw)[:40]})
        return value

    def _team(self, raw: Any, problems: list[tuple[str, str]]) -> Team | None:
        if "team" not in self.mapping or (not cell_text(raw) and self.batch.default_team):
            return self.batch.default_team
        team = self.teams.get(self.normal(raw))
        if team is None:
            text = cell_text(raw)
            problems.append(
                ("team", _("no team named “%(name)s”.") % {"name": text[:60]})
                if text
                else ("team", _("this cell is empty."))
            )
        return team

    def _group_size(self, raw: Any, problems: list[tuple[str, str]]) -> int:
        text = cell_text(raw)
        if not text:
            return 1
        try:
            number = int(Decimal(text.replace(",", ".")))
        except (InvalidOperation, ValueError):
            number = 0
        if not 1 <= number <= GROUP_SIZE_MAX:
            problems.append(
                (
                    "group_size",
                    _("write a number of people from 1 to %(max)s.") % {"max": GROUP_SIZE_MAX},
                )
            )
        return number

    def _yes_no(self, raw: Any, problems: list[tuple[str, str]]) -> bool:
        if isinstance(raw, bool):
            return raw
        text = self.normal(raw)
        if not text or text in NO:
            return False
        if text in YES:
            return True
        problems.append(("follow_up", _("write “oui” or “non”.")))
        return False

    def _moment(
        self, raw_date: Any, raw_time: Any, problems: list[tuple[str, str]]
    ) -> datetime | None:
        key = raw_date  # every cell openpyxl or csv gives is hashable
        day = self.dates.get(key)
        if day is None:
            try:
                day = parse_date(raw_date, today=self.today)
            except ValueError as error:
                day = str(error)
            self.dates[key] = day
        if isinstance(day, str):
            problems.append(("date", day))
            return None
        raw_time = raw_time if "time" in self.mapping else None
        at = self.times.get((raw_time, raw_date))
        if at is None:
            at = _time_of(raw_time, raw_date)
            self.times[(raw_time, raw_date)] = at
        if at is None:
            problems.append(
                (
                    "time",
                    _("“%(text)s” is not a time: write it as 18:30 or 18h30.")
                    % {"text": cell_text(raw_time)[:20]},
                )
            )
            return None
        # The territory's local time (zoneinfo settles the offset, summer or winter).
        moment = datetime.combine(day, at, tzinfo=self.zone)
        if moment > self.now:
            problems.append(("time", _("this moment is in the future.")))
            return None
        return moment

    def _place(
        self, cell: Callable[[str], Any], problems: list[tuple[str, str]]
    ) -> tuple[Neighbourhood, Sector, Decimal | None, Decimal | None, Cells] | None:
        sector: Sector | None = None
        sector_text = cell_text(cell("sector"))
        if sector_text:
            sector = self.sectors.get(self.normal(sector_text))
            if sector is None:
                problems.append(
                    ("sector", _("no sector named “%(name)s”.") % {"name": sector_text[:60]})
                )
                return None
        latitude = longitude = None
        neighbourhood: Neighbourhood | None = None
        lat_text, lon_text = cell_text(cell("latitude")), cell_text(cell("longitude"))
        if lat_text or lon_text:
            try:
                latitude = Decimal(lat_text.replace(",", ".")).quantize(Decimal("0.000001"))
                longitude = Decimal(lon_text.replace(",", ".")).quantize(Decimal("0.000001"))
            except InvalidOperation:
                problems.append(("latitude", _("write the position in decimal degrees (48,8924).")))
                return None
            neighbourhood = nearest_neighbourhood(
                self.neighbourhoods, float(latitude), float(longitude)
            )
            if neighbourhood is None:
                problems.append(
                    (
                        "latitude",
                        _("this position is outside the territory of %(territory)s.")
                        % {"territory": self.batch.territory.name},
                    )
                )
                return None
        else:
            name = cell_text(cell("neighbourhood"))
            if name:
                neighbourhood = self.by_name.get(self.normal(name))
                if neighbourhood is None:
                    problems.append(
                        (
                            "neighbourhood",
                            _("no neighbourhood named “%(name)s”.") % {"name": name[:60]},
                        )
                    )
                    return None
            elif sector is not None:
                neighbourhood = sector.neighbourhood
            else:
                problems.append(("neighbourhood", _("the place is missing.")))
                return None
        if sector is None:
            sector = self.sector_of.get(neighbourhood.pk)
            if sector is None:
                problems.append(
                    (
                        "neighbourhood",
                        _(
                            "no sector of the territory lies in %(name)s: create one, or add a "
                            "“secteur” column."
                        )
                        % {"name": neighbourhood.name},
                    )
                )
                return None
        if latitude is not None and longitude is not None:
            cells_ = cells_of(latitude, longitude)
        else:
            cached = self.centre_cells.get(neighbourhood.pk)
            if cached is None:
                cached = cells_of(neighbourhood.centre_latitude, neighbourhood.centre_longitude)
                self.centre_cells[neighbourhood.pk] = cached
            cells_ = cached
        return neighbourhood, sector, latitude, longitude, cells_

    def identify(
        self,
        team: Team,
        occurred_at: datetime,
        neighbourhood: Neighbourhood,
        latitude: Decimal | None,
        longitude: Decimal | None,
        values: dict[str, Any],
        note: str,
    ) -> uuid.UUID:
        """The row's identifier: its content, and which occurrence of that content in the
        file it is (two identical lines are two entries; reading the file again gives each
        the same identifier)."""
        v = values
        content = (
            f"{team.pk}|{occurred_at.isoformat()}|{neighbourhood.pk}|{latitude}|{longitude}|"
            f"{v['function']}|{v['category']}|{v['age_band']}|{v['sex']}|{v['group_size']}|"
            f"{v['action']}|{v['partner']}|{v['outcome']}|{v['follow_up_needed']}|{note}"
        )
        self.seen[content] += 1
        return uuid.uuid5(NAMESPACE, f"{self.prefix}{content}|{self.seen[content]}")


def _time_of(raw: Any, raw_date: Any) -> time | None:
    """A time cell or text ("18:30", "18h30", "18h", "18:30:00"); none given: the time a
    date cell carries, or noon (the day is known, the hour is not)."""
    if isinstance(raw, datetime):
        return raw.time().replace(second=0, microsecond=0)
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0)
    if isinstance(raw, float) and 0 <= raw < 1:  # a workbook time that lost its format
        minutes = round(raw * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = cell_text(raw).lower().replace("h", ":").replace(".", ":")
    if not text:
        if isinstance(raw_date, datetime) and raw_date.time() != time(0):
            return raw_date.time().replace(second=0, microsecond=0)
        return time(12, 0)
    parts = text.split(":")
    try:
        hour = int(parts[0])
        minute = int(parts[1]) if len(parts) > 1 and parts[1] else 0
        return time(hour, minute)
    except ValueError:
        return None


# --- Step 3: checking, then writing ----------------------------------------------------------


def process(batch_id: int, *, apply: bool) -> ImportBatch:
    """Check every row of the batch; with `apply`, write the rows checked, all in one
    transaction. Run by the page for a small file, by a task for a large one.

    The import writes the rows as the check prepared them (what the user saw) as long as
    the teams, sectors and neighbourhoods they were checked against have not changed;
    otherwise it checks the file again from scratch. Either way, rows imported meanwhile
    and rows that passed their retention meanwhile are left out."""
    batch = ImportBatch.objects.select_related("territory", "default_team").get(pk=batch_id)
    actor = batch.imported_by if apply else batch.created_by
    try:
        _require(actor, batch.territory)
        reference = _reference_state(batch.territory)
        rows: list[Row] = []
        if apply and batch.prepared and batch.reference == reference:
            ready, errors, counts, warnings = _prepared(batch)
        else:
            rows, errors, counts, warnings = _check_all(batch, actor)
            ready = [row.ready() for row in rows] if apply else []
        if apply and not counts["errors"]:
            counts["imported"] = _write(batch, actor, ready)
    except FileRejected as error:
        return _finish(batch, ImportStatus.FAILED, errors=error.messages)
    except PermissionDenied:
        # The account that asked lost the right (or is gone) before the work was done.
        return _finish(
            batch,
            ImportStatus.FAILED,
            errors=[_("The account that asked for this import may no longer import here.")],
        )
    except IntegrityError:
        return _finish(
            batch,
            ImportStatus.FAILED,
            errors=[_("The daily log changed during the import: nothing was imported. Try again.")],
        )
    if apply and not counts["errors"]:
        return _finish(batch, ImportStatus.DONE, errors=[], counts=counts, warnings=warnings)
    return _finish(
        batch,
        ImportStatus.CHECKED,
        errors=errors,
        counts=counts,
        warnings=warnings,
        preview=[_preview(row) for row in rows[:PREVIEW_ROWS]],
        prepared=b"" if counts["errors"] else _pack(rows),
        reference=reference,
    )


def _finish(batch: ImportBatch, status: str, **fields: Any) -> ImportBatch:
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.status = status
    batch.processed_rows = batch.total_rows
    batch.finished_at = timezone.now()
    updated = ["status", "processed_rows", "finished_at", *fields]
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        # Neither the file nor its rows are kept once they are in (or refused).
        batch.content = batch.prepared = b""
        updated += ["content", "prepared"]
    batch.save(update_fields=list(dict.fromkeys(updated)))
    return batch


def _reference_state(territory: Territory) -> str:
    """A digest of what a row is checked against: the territory's teams (name, kind),
    active sectors and neighbourhoods (name, centre)."""
    parts = [
        list(
            Team.objects.filter(territory=territory)
            .order_by("pk")
            .values_list("pk", "name", "kind")
        ),
        list(
            Sector.objects.filter(territory=territory, is_active=True)
            .order_by("pk")
            .values_list("pk", "name", "neighbourhood_id")
        ),
        list(
            Neighbourhood.objects.filter(territory=territory)
            .order_by("pk")
            .values_list("pk", "name", "centre_latitude", "centre_longitude")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _pack(rows: list[Row]) -> bytes:
    """The checked rows, compact and ready to write: ids, not objects; the moment in UTC
    first, to compare with the retention's cutoff without reading it back."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, uuid.UUID | Decimal):
            return str(value)
        return value

    # By column, not by row: a list per column decodes in half the time of a list per row.
    columns = zip(*(row.columns() for row in rows), strict=True) if rows else iter(())
    data: dict[str, list[Any]] = {
        "utc": [row.occurred_at.astimezone(UTC).isoformat() for row in rows],
        "team": [row.team.pk for row in rows],
        "sector": [row.sector.pk for row in rows],
        "day": [row.day.isoformat() for row in rows],
        "columns": [[plain(value) for value in column] for column in columns],
    }
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)


def _prepared(batch: ImportBatch) -> tuple[list[Ready], list[str], dict[str, int], list[str]]:
    """The rows the check prepared, less those imported or past their retention since."""
    cutoff = field_log_cutoff().astimezone(UTC).isoformat()
    counts = dict(batch.counts)
    days: dict[str, date] = {}
    rows: list[Ready] = []
    firsts: list[str] = []
    data = json.loads(zlib.decompress(bytes(batch.prepared)))
    entries = zip(*data["columns"], strict=True) if data["columns"] else iter(())
    for utc, team, sector, day, columns in zip(
        data["utc"], data["team"], data["sector"], data["day"], entries, strict=True
    ):
        if utc < cutoff:  # ISO moments in UTC compare as text
            counts["too_old"] += 1
            continue
        firsts.append(utc)
        if day not in days:
            days[day] = date.fromisoformat(day)
        rows.append(Ready(team, sector, days[day], columns))
    already = _already_there(
        batch.territory,
        {str(row.columns[0]) for row in rows},
        datetime.fromisoformat(min(firsts, default=cutoff)),
        datetime.fromisoformat(max(firsts, default=cutoff)),
    )
    counts["already"] += len(already)
    rows = [row for row in rows if str(row.columns[0]) not in already]
    counts["new"] = len(rows)
    return rows, [], counts, list(batch.warnings)


def _progress(batch: ImportBatch, done: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)


def _check_all(
    batch: ImportBatch, actor: Any
) -> tuple[list[Row], list[str], dict[str, int], list[str]]:
    reader = _Reader(batch, timezone.localdate())
    rows: list[Row] = []
    errors: list[str] = []
    counts = {"rows": 0, "new": 0, "already": 0, "too_old": 0, "errors": 0, "warnings": 0}
    for line, cells in enumerate(lines_of(bytes(batch.content)), start=1):
        if line <= batch.header_line or is_blank(cells):
            continue
        counts["rows"] += 1
        if counts["rows"] > settings.FIELD_IMPORT_MAX_ROWS:
            raise FileRejected(_("This file has more rows than when it was received."))
        row, messages, too_old = reader.read(line, cells)
        if messages:
            counts["errors"] += 1
            if len(errors) < ERRORS_KEPT:
                errors.extend(messages[: ERRORS_KEPT - len(errors)])
        elif too_old:
            counts["too_old"] += 1
        elif row is not None:
            rows.append(row)
        if counts["rows"] % PROGRESS_EVERY == 0:
            _progress(batch, counts["rows"])
    moments = [row.occurred_at for row in rows]
    already = _already_there(
        batch.territory,
        {str(row.client_uuid) for row in rows},
        min(moments, default=reader.now),
        max(moments, default=reader.now),
    )
    counts["already"] = len(already)
    rows = [row for row in rows if str(row.client_uuid) not in already]
    counts["new"] = len(rows)
    warnings = _note_warnings(actor, batch.territory, rows, reader)
    warnings += _phone_overlaps(batch.territory, rows)
    counts["warnings"] = len(warnings)
    if counts["too_old"]:
        warnings.insert(
            0,
            ngettext(
                "%(count)s row is older than the daily log's retention (entries are kept 3 "
                "years, until %(date)s): it will not be imported.",
                "%(count)s rows are older than the daily log's retention (entries are kept 3 "
                "years, until %(date)s): they will not be imported.",
                counts["too_old"],
            )
            % {"count": counts["too_old"], "date": f"{timezone.localdate(reader.cutoff):%d/%m/%Y}"},
        )
    return rows, errors, counts, warnings[:WARNINGS_KEPT]


def _already_there(
    territory: Territory, client_uuids: set[str], first: datetime, last: datetime
) -> set[str]:
    """Which of these identifiers (of entries between `first` and `last`) are already in
    the daily log. Read as the identifiers of the territory's entries in that period (an
    index range, then a set intersection), not as 100,000 identifiers sent in IN lists:
    0.8 s of the 100,000-row benchmark."""
    if not client_uuids:
        return set()
    period = LogEntry.objects.filter(
        territory=territory, occurred_at__gte=first, occurred_at__lte=last
    ).values_list("client_uuid", flat=True)
    return client_uuids.intersection(str(found) for found in period.iterator(chunk_size=20_000))


def _note_warnings(actor: Any, territory: Territory, rows: list[Row], reader: _Reader) -> list[str]:
    """The free-text guard on every note (a warning, as on the phone), kept on the entry."""
    warnings: list[str] = []
    noted = [row for row in rows if row.note]
    for start in range(0, len(noted), NOTES_CHECKED_TOGETHER):
        chunk = noted[start : start + NOTES_CHECKED_TOGETHER]
        for row, found in zip(
            chunk, notes_warnings(actor, territory, [r.note for r in chunk]), strict=True
        ):
            row.values["note_warnings"] = found
            for message in found:
                warnings.append(line_message(row.line, [reader.column("note")], message))
    return warnings


def _phone_overlaps(territory: Territory, rows: list[Row]) -> list[str]:
    """Days for which the team already logged on the phone: the spreadsheet may repeat
    them (warned, not refused: the coordinator knows whether it does)."""
    days = {(row.team.pk, row.day) for row in rows}
    if not days:
        return []
    logged = (
        Shift.objects.filter(
            territory=territory,
            import_batch__isnull=True,
            team__in={team for team, _day in days},
            date__gte=min(day for _team, day in days),
            date__lte=max(day for _team, day in days),
        )
        .values("team__name", "team_id", "date")
        .annotate(logged=Count("entries"))
        .filter(logged__gt=0)
        .order_by("date")
    )
    return [
        ngettext(
            "%(team)s already logged %(count)s entry on the phone on %(date)s: check that "
            "the file does not repeat it.",
            "%(team)s already logged %(count)s entries on the phone on %(date)s: check that "
            "the file does not repeat them.",
            shift["logged"],
        )
        % {
            "team": shift["team__name"],
            "count": shift["logged"],
            "date": f"{shift['date']:%d/%m/%Y}",
        }
        for shift in logged
        if (shift["team_id"], shift["date"]) in days
    ]


# An entry's own columns, in the order Row.columns gives them (then CHOICES' order).
COLUMNS_WRITTEN = (
    "client_uuid",
    "occurred_at",
    "neighbourhood_id",
    "location_source",
    "latitude",
    "longitude",
    "h3_r6",
    "h3_r8",
    "h3_r10",
    *CHOICES,
    "group_size",
    "follow_up_needed",
    "note",
    "note_warnings",
)
ENTRY_FIELDS = (
    "public_id",
    "territory_id",
    "team_id",
    "shift_id",
    "author_id",
    *COLUMNS_WRITTEN,
    "photo",
    "created_at",
)


def _write(batch: ImportBatch, actor: Any, rows: list[Ready]) -> int:
    """Every entry, or none: the imported shifts (one per team and day, reused by a later
    import) and the entries in one transaction. The entries go in by `core.bulk.write_rows`
    (COPY on PostgreSQL): the ORM's bulk_create prepares each of a row's 27 values in Python,
    which kept 100,000 rows far below the issue's 20,000 rows/s (docs/benchmarks.md)."""
    with transaction.atomic():
        shifts = _imported_shifts(batch, actor, rows)
        now = timezone.now()
        territory_id, author_id = batch.territory_id, actor.pk
        write_rows(
            LogEntry,
            ENTRY_FIELDS,
            (
                (
                    uuid7(),  # time-ordered: the rows go to the end of the index
                    territory_id,
                    row.team_id,
                    shifts[(row.team_id, row.day)],
                    author_id,
                    *row.columns,
                    "",
                    now,
                )
                for row in rows
            ),
        )
    return len(rows)


def _imported_shifts(
    batch: ImportBatch, actor: Any, rows: Iterable[Ready]
) -> dict[tuple[int, date], int]:
    """(team, day) -> the id of this import's shift holding that team's entries of that
    day; its sector is that of the day's first row (the entries keep their own
    neighbourhood). Each import has its own shifts, so that undoing it removes its entries
    and nothing else."""
    wanted: dict[tuple[int, date], int] = {}
    for row in rows:
        wanted.setdefault((row.team_id, row.day), row.sector_id)
    now = timezone.now()
    zone = timezone.get_current_timezone()
    Shift.objects.bulk_create(
        [
            Shift(
                territory=batch.territory,
                team_id=team,
                sector_id=sector,
                date=day,
                # The day, not hours worked: an imported shift has no clock-in.
                planned_start=datetime.combine(day, time(0), tzinfo=zone),
                planned_end=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
                validated_at=now,
                validated_by=actor,
                import_batch=batch,
            )
            for (team, day), sector in wanted.items()
        ],
        batch_size=2_000,
    )
    return {
        (team, day): pk
        for pk, team, day in Shift.objects.filter(import_batch=batch).values_list(
            "pk", "team_id", "date"
        )
    }


def _preview(row: Row) -> dict[str, Any]:
    """A row as the preview table shows it: labels, not codes."""
    v = row.values
    return {
        "line": row.line,
        "when": f"{timezone.localtime(row.occurred_at):%d/%m/%Y %H:%M}",
        "team": row.team.name,
        "place": row.neighbourhood.name,
        "function": str(Function(v["function"]).label),
        "category": str(Category(v["category"]).label),
        "people": f"{v['group_size']} · {AgeBand(v['age_band']).label} · {Sex(v['sex']).label}",
        "action": str(Action(v["action"]).label),
        "outcome": str(Outcome(v["outcome"]).label),
        "note": row.note,
    }
