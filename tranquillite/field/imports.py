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

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tranquillite.accounts.permissions import has_right
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
NOTE_LENGTH = 280
MAX_GROUP = 200
NOTES_CHECKED_TOGETHER = 500


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
YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
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


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field -> index of the first column whose header is one of the field's names."""
    aliases = {alias: name for name, column in COLUMNS.items() for alias in column.aliases}
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = aliases.get(normalise_header(header))
        if name is not None and name not in mapping:
            mapping[name] = index
    return mapping


def _header_and_count(data: bytes) -> tuple[list[str], int]:
    headers: list[str] | None = None
    count = 0
    for cells in lines_of(data):
        if is_blank(cells):
            continue
        if headers is None:
            headers = [cell_text(cell) for cell in cells]
            continue
        count += 1
        if count > settings.FIELD_IMPORT_MAX_ROWS:
            raise FileRejected(
                _("This file has more than %(max)s rows: split it into several files.")
                % {"max": f"{settings.FIELD_IMPORT_MAX_ROWS:,}".replace(",", "\u202f")}
            )
    if headers is None:
        raise FileRejected(_("This file is empty."))
    if not count:
        raise FileRejected(_("This file has a header line but no entry."))
    while headers and not headers[-1]:
        headers.pop()
    return headers, count


def _require(actor: Any, territory: Territory) -> None:
    # Importing a territory's history is the coordination's (those who oversee the field).
    if not has_right(actor, "field.oversee_field", territory):
        raise PermissionDenied("field.oversee_field")


def receive(*, actor: Any, territory: Territory, upload: Any) -> ImportBatch:
    """Keep the file until it is imported, with its header line and a guess of its columns;
    `FileRejected` (a French message) for a file that cannot be read at all."""
    _require(actor, territory)
    data = read_content(upload, max_bytes=settings.FIELD_IMPORT_MAX_BYTES)
    headers, count = _header_and_count(data)
    return ImportBatch.objects.create(
        territory=territory,
        created_by=actor,
        file_name=str(getattr(upload, "name", "") or _("file"))[:200],
        content=data,
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
    if batch.status == ImportStatus.DONE or batch.is_running:
        raise FileRejected(_("This import is under way or finished."))
    batch.delete()


def expire_files(*, now: datetime | None = None) -> int:
    """The daily purge: a file received more than FIELD_IMPORT_KEEP_HOURS ago and not
    imported is emptied (a note may hold a name; an abandoned file is no record to keep),
    its batch marked failed — a check or an import that never finished included."""
    limit = (now or timezone.now()) - timedelta(hours=settings.FIELD_IMPORT_KEEP_HOURS)
    return (
        ImportBatch.objects.filter(created_at__lt=limit)
        .exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
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
        self.moments: dict[tuple[date, time], datetime] = {}
        self.now = timezone.now()
        self.cutoff = field_log_cutoff(self.now)
        self.seen: Counter[str] = Counter()
        self.normalised: dict[Any, str] = {}

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
        """(row, messages, too old): a row with no message is ready to be written."""
        problems: list[tuple[str, str]] = []

        def cell(name: str) -> Any:
            index = self.mapping.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        values: dict[str, Any] = {}
        for name in CHOICES:
            raw = cell(name)
            text = self.normal(raw)
            if not text:
                if name in DEFAULTS:
                    values[name] = DEFAULTS[name]
                else:
                    problems.append((name, _("this cell is empty.")))
                continue
            value = self.choices[name].get(text)
            if value is None:
                problems.append(
                    (name, _("“%(text)s” is not on the list.") % {"text": cell_text(raw)[:40]})
                )
            else:
                values[name] = value
        team = self._team(cell("team"), problems)
        category = values.get("category")
        if team is not None and category and category not in CATEGORIES_BY_KIND[team.kind]:
            problems.append(("category", _("this situation is not on the team's list.")))
        values["group_size"] = self._group_size(cell("group_size"), problems)
        values["follow_up_needed"] = self._yes_no(cell("follow_up"), problems)
        note = cell_text(cell("note"))
        if len(note) > NOTE_LENGTH:
            problems.append(
                ("note", _("the note is longer than %(max)s characters.") % {"max": NOTE_LENGTH})
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
        if not 1 <= number <= MAX_GROUP:
            problems.append(
                (
                    "group_size",
                    _("write a number of people from 1 to %(max)s.") % {"max": MAX_GROUP},
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
        at = _time_of(raw_time if "time" in self.mapping else None, raw_date)
        if at is None:
            problems.append(
                (
                    "time",
                    _("“%(text)s” is not a time: write it as 18:30 or 18h30.")
                    % {"text": cell_text(raw_time)[:20]},
                )
            )
            return None
        moment = self.moments.get((day, at))
        if moment is None:
            moment = timezone.make_aware(datetime.combine(day, at))
            self.moments[(day, at)] = moment
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
        parts = (team.pk, occurred_at.isoformat(), neighbourhood.pk, latitude, longitude)
        content = "|".join(str(part) for part in (*parts, *sorted(values.items()), note))
        self.seen[content] += 1
        return uuid.uuid5(
            NAMESPACE, f"{self.batch.territory.public_id}|{content}|{self.seen[content]}"
        )


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
    """Read and check every row of the batch; with `apply` (and no error), write them all in
    one transaction. Run by the page for a small file, by a task for a large one."""
    batch = ImportBatch.objects.select_related("territory", "default_team").get(pk=batch_id)
    actor = batch.imported_by if apply else batch.created_by
    try:
        _require(actor, batch.territory)
        rows, errors, counts, warnings = _check_all(batch, actor)
        if apply and not counts["errors"]:
            counts["imported"] = _write(batch, actor, rows)
    except FileRejected as error:
        return _finish(batch, ImportStatus.FAILED, errors=error.messages)
    except IntegrityError:
        return _finish(
            batch,
            ImportStatus.FAILED,
            errors=[_("The daily log changed during the import: nothing was imported. Try again.")],
        )
    preview = [_preview(row) for row in rows[:PREVIEW_ROWS]]
    done = apply and not counts["errors"]
    return _finish(
        batch,
        ImportStatus.DONE if done else ImportStatus.CHECKED,
        errors=errors,
        counts=counts,
        warnings=warnings,
        preview=preview,
    )


def _finish(batch: ImportBatch, status: str, **fields: Any) -> ImportBatch:
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.status = status
    batch.processed_rows = batch.total_rows
    batch.finished_at = timezone.now()
    updated = ["status", "processed_rows", "finished_at", *fields]
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        batch.content = b""  # the file is not kept once its rows are in (or it is refused)
        updated.append("content")
    batch.save(update_fields=updated)
    return batch


def _progress(batch: ImportBatch, done: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)


def _check_all(
    batch: ImportBatch, actor: Any
) -> tuple[list[Row], list[str], dict[str, int], list[str]]:
    reader = _Reader(batch, timezone.localdate())
    rows: list[Row] = []
    errors: list[str] = []
    counts = {"rows": 0, "new": 0, "already": 0, "too_old": 0, "errors": 0, "warnings": 0}
    header_seen = False
    for line, cells in enumerate(lines_of(bytes(batch.content)), start=1):
        if is_blank(cells):
            continue
        if not header_seen:
            header_seen = True
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
    already = _already_there(batch.territory, [row.client_uuid for row in rows])
    counts["already"] = len(already)
    rows = [row for row in rows if row.client_uuid not in already]
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


def _already_there(territory: Territory, client_uuids: list[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(client_uuids), 5_000):
        found.update(
            LogEntry.objects.filter(
                territory=territory, client_uuid__in=client_uuids[start : start + 5_000]
            ).values_list("client_uuid", flat=True)
        )
    return found


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
    days = {(row.team.pk, timezone.localdate(row.occurred_at)) for row in rows}
    if not days:
        return []
    logged = (
        Shift.objects.filter(
            territory=territory,
            import_batch__isnull=True,
            team__in={team for team, _day in days},
            date__in={day for _team, day in days},
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


def _write(batch: ImportBatch, actor: Any, rows: list[Row]) -> int:
    """Every entry, or none: the imported shifts (one per team, day and sector, reused by a
    later import) and the entries in one transaction, the entries by bulk INSERT."""
    with transaction.atomic():
        shifts = _imported_shifts(batch, actor, rows)
        entries = [
            LogEntry(
                territory=batch.territory,
                team=row.team,
                shift=shifts[(row.team.pk, timezone.localdate(row.occurred_at), row.sector.pk)],
                author=actor,
                client_uuid=row.client_uuid,
                occurred_at=row.occurred_at,
                neighbourhood=row.neighbourhood,
                location_source=LocationSource.MAP
                if row.latitude is not None
                else LocationSource.LIST,
                latitude=row.latitude,
                longitude=row.longitude,
                h3_r6=row.cells.r6,
                h3_r8=row.cells.r8,
                h3_r10=row.cells.r10,
                function=row.values["function"],
                category=row.values["category"],
                age_band=row.values["age_band"],
                sex=row.values["sex"],
                group_size=row.values["group_size"],
                action=row.values["action"],
                partner=row.values["partner"],
                outcome=row.values["outcome"],
                follow_up_needed=row.values["follow_up_needed"],
                note=row.note,
                note_warnings=row.values.get("note_warnings", []),
            )
            for row in rows
        ]
        LogEntry.objects.bulk_create(entries, batch_size=2_000)
    return len(entries)


def _imported_shifts(
    batch: ImportBatch, actor: Any, rows: Iterable[Row]
) -> dict[tuple[int, date, int], Shift]:
    wanted: dict[tuple[int, date, int], Row] = {}
    for row in rows:
        wanted.setdefault((row.team.pk, timezone.localdate(row.occurred_at), row.sector.pk), row)
    if not wanted:
        return {}
    existing = {
        (shift.team_id, shift.date, shift.sector_id): shift
        for shift in Shift.objects.filter(
            territory=batch.territory,
            import_batch__isnull=False,
            date__in={day for _team, day, _sector in wanted},
        )
    }
    now = timezone.now()
    new = []
    for key, row in wanted.items():
        if key in existing:
            continue
        _team, day, _sector = key
        start = timezone.make_aware(datetime.combine(day, time(0)))
        new.append(
            Shift(
                territory=batch.territory,
                team=row.team,
                sector=row.sector,
                date=day,
                # The day, not hours worked: an imported shift has no clock-in.
                planned_start=start,
                planned_end=timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0))),
                validated_at=now,
                validated_by=actor,
                import_batch=batch,
            )
        )
    Shift.objects.bulk_create(new, batch_size=2_000)
    if new and new[0].pk is None:  # a database that does not return the new keys
        existing = {
            (shift.team_id, shift.date, shift.sector_id): shift
            for shift in Shift.objects.filter(
                territory=batch.territory,
                import_batch__isnull=False,
                date__in={day for _team, day, _sector in wanted},
            )
        }
    else:
        existing.update({(s.team_id, s.date, s.sector_id): s for s in new})
    return existing


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
