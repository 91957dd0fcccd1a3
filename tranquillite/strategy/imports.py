"""Measurements imported from a spreadsheet: the monitoring committee's table, many sheets at
once.

The file (CSV or XLSX, 2 MB and 5,000 rows at most) has the columns fiche (the sheet's
number), indicateur (the indicator's name), date, valeur and, optionally, note; headers are
matched without regard to case or accents. CSV: `;` or `,`, UTF-8 with or without BOM, or
Windows-1252 (French Excel). Values take French decimals ("12,5"); dates are JJ/MM/AAAA,
ISO (AAAA-MM-JJ) or, in a workbook, date cells.

Three steps:
1. `read_table` turns the upload into `ParsedRow`s, refusing the whole file for a file-level
   problem (`FileRejected`: too big, unreadable, a column missing, too many rows);
2. `check` looks every row up in the database (sheet of the strategy, indicator of the sheet,
   the user's right to report on it, a value already there, the same indicator and date twice)
   and gives each a status: new, replaces, unchanged or error, with a French message naming
   the line and the column;
3. `apply_import` checks everything again and writes every row in one transaction, or nothing.

Between the preview and the confirmation, the parsed rows wait in the session behind a
one-time token (`keep_for_confirmation`, `take_for_confirmation`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tranquillite.core.imports import (
    MAX_COLUMNS,
    FileRejected,
    cell_text,
    is_blank,
    line_message,
    lines_of,
    normalise_header,
    parse_date,
    read_content,
)
from tranquillite.strategy.charts import number
from tranquillite.strategy.indicators import MAX_VALUE
from tranquillite.strategy.models import (
    ActionSheet,
    Indicator,
    Measurement,
    MeasurementOrigin,
    Strategy,
)
from tranquillite.strategy.permissions import can_report_on

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NOTE_LENGTH = 300

# Field → the header names accepted for it (compared after `normalise_header`).
HEADERS: dict[str, tuple[str, ...]] = {
    "sheet": ("fiche", "fiche action", "n fiche", "no fiche", "numero de fiche", "sheet"),
    "indicator": ("indicateur", "nom de l indicateur", "indicator"),
    "date": ("date", "date de mesure", "date de la mesure"),
    "value": ("valeur", "value"),
    "note": ("note", "commentaire", "remarque"),
}
REQUIRED = ("sheet", "indicator", "date", "value")
# The name each column has in the template and in the messages.
CANONICAL = {
    "sheet": "fiche",
    "indicator": "indicateur",
    "date": "date",
    "value": "valeur",
    "note": "note",
}
SESSION_KEY = "strategy.indicator_imports"
TOKEN_LIFETIME = timedelta(hours=1)
PENDING_IMPORTS = 3


_ALIASES = {alias: name for name, aliases in HEADERS.items() for alias in aliases}


# --- Reading the file -----------------------------------------------------------------------


@dataclass
class ParsedRow:
    """A line of the file, its cells read; `problems` are (field, message) pairs."""

    line: int
    sheet: str = ""
    indicator: str = ""
    measured_on: date | None = None
    value: Decimal | None = None
    note: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        """JSON-ready, for the session (rows kept only when they have no problem)."""
        return {
            "line": self.line,
            "sheet": self.sheet,
            "indicator": self.indicator,
            "date": self.measured_on.isoformat() if self.measured_on else None,
            "value": str(self.value) if self.value is not None else None,
            "note": self.note,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ParsedRow:
        return cls(
            line=int(data["line"]),
            sheet=str(data["sheet"]),
            indicator=str(data["indicator"]),
            measured_on=date.fromisoformat(data["date"]) if data["date"] else None,
            value=Decimal(data["value"]) if data["value"] is not None else None,
            note=str(data["note"]),
        )


@dataclass
class Table:
    rows: list[ParsedRow]
    # Field → the header as the file wrote it, to name columns in messages.
    headers: dict[str, str]


def read_table(upload: Any) -> Table:
    """The upload's rows, each cell parsed; `FileRejected` for a problem with the whole file."""
    return _parse(lines_of(read_content(upload, max_bytes=MAX_BYTES)))


def _columns(cells: Sequence[Any]) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(cells[:MAX_COLUMNS]):
        name = _ALIASES.get(normalise_header(cell))
        if name is None:
            continue
        if name in positions:
            raise FileRejected(
                _("Two columns stand for “%(column)s”: keep only one.")
                % {"column": CANONICAL[name]}
            )
        positions[name] = index
        headers[name] = str(cell).strip()
    missing = [CANONICAL[name] for name in REQUIRED if name not in positions]
    if missing:
        raise FileRejected(
            ngettext(
                "The column %(columns)s is missing. The first line must name the columns "
                "fiche, indicateur, date, valeur and, if you wish, note.",
                "The columns %(columns)s are missing. The first line must name the columns "
                "fiche, indicateur, date, valeur and, if you wish, note.",
                len(missing),
            )
            % {"columns": ", ".join(f"« {column} »" for column in missing)}
        )
    return positions, headers


def _parse(lines: Iterable[Sequence[Any]]) -> Table:
    positions: dict[str, int] | None = None
    headers: dict[str, str] = {}
    rows: list[ParsedRow] = []
    for line, cells in enumerate(lines, start=1):
        if is_blank(cells):
            continue
        if positions is None:
            positions, headers = _columns(cells)
            continue
        if len(rows) == MAX_ROWS:
            raise FileRejected(
                _("This file has more than %(max)s rows: split it into several files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")}
            )

        def cell(
            name: str, cells: Sequence[Any] = cells, positions: dict[str, int] = positions
        ) -> Any:
            index = positions.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        rows.append(_parse_row(line, cell))
    if positions is None:
        raise FileRejected(_("This file is empty."))
    if not rows:
        raise FileRejected(_("This file has a header line but no measurement."))
    return Table(rows=rows, headers={**CANONICAL, **headers})


def _parse_row(line: int, cell: Any) -> ParsedRow:
    row = ParsedRow(
        line=line, sheet=cell_text(cell("sheet")), indicator=cell_text(cell("indicator"))
    )
    row.note = cell_text(cell("note"))
    if not row.sheet:
        row.problems.append(("sheet", _("the sheet number is missing.")))
    if not row.indicator:
        row.problems.append(("indicator", _("the indicator's name is missing.")))
    if len(row.note) > NOTE_LENGTH:
        row.problems.append(
            ("note", _("the note is longer than %(max)s characters.") % {"max": NOTE_LENGTH})
        )
    try:
        row.measured_on = parse_date(cell("date"))
    except ValueError as error:
        row.problems.append(("date", str(error)))
    try:
        row.value = parse_value(cell("value"))
    except ValueError as error:
        row.problems.append(("value", str(error)))
    return row


def parse_value(raw: Any) -> Decimal:
    """A number cell, or text with a French or English decimal mark ("12,5", "1 250,5",
    "12.5", "40 %"); `ValueError` with a French message otherwise."""
    if isinstance(raw, bool):
        raise ValueError(_("“%(text)s” is not a number.") % {"text": raw})
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(round(raw, 6)))
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = cell_text(raw)
        if not text:
            raise ValueError(_("the value is missing."))
        cleaned = "".join(text.split()).replace("\u00a0", "").replace("\u202f", "")
        cleaned = cleaned.removesuffix("%")
        if "," in cleaned:
            # French: a comma marks the decimals, points (if any) group the thousands.
            cleaned = cleaned.replace(".", "").replace(",", ".", 1)
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise ValueError(
                _("“%(text)s” is not a number (write e.g. 12 or 12,5).") % {"text": text[:40]}
            )
    shown = cell_text(raw)[:40]
    # The size first: quantizing 1e30 to cents exceeds the decimal context and raises.
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValueError(_("“%(text)s” is too large.") % {"text": shown})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("“%(text)s” has more than two decimals.") % {"text": shown})
    return value.quantize(Decimal("0.01"))


# --- Checking against the database ----------------------------------------------------------


NEW = "new"
REPLACES = "replaces"
UNCHANGED = "unchanged"
ERROR = "error"


@dataclass
class RowResult:
    row: ParsedRow
    status: str = NEW
    errors: list[str] = field(default_factory=list)
    indicator: Indicator | None = None
    existing: Measurement | None = None

    @property
    def replaced(self) -> Decimal | None:
        return self.existing.value if self.existing else None

    @property
    def value_display(self) -> str:
        return number(self.row.value)

    @property
    def replaced_display(self) -> str:
        return number(self.replaced)


@dataclass
class Checked:
    results: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [result for result in self.results if result.status == ERROR]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def check(
    rows: Sequence[ParsedRow],
    *,
    actor: Any,
    strategy: Strategy,
    headers: dict[str, str],
    lock: bool = False,
) -> Checked:
    """Every row's status. Four queries plus one or two per sheet named (the right to
    report on it), whatever the number of rows; `lock` holds the indicators and measurements
    until the transaction ends (confirmation)."""
    sheets: dict[str, list[ActionSheet]] = {}
    for candidate in (
        ActionSheet.objects.visible_to(actor)
        .in_territory(strategy.territory)
        .filter(axis__strategy=strategy)
        .select_related("territory")
    ):
        sheets.setdefault(_key(candidate.number), []).append(candidate)
    named = {_key(row.sheet) for row in rows}
    in_file = [sheet for key in named for sheet in sheets.get(key, [])]
    indicators_qs = Indicator.objects.filter(sheet__in=in_file)
    if lock:
        indicators_qs = indicators_qs.select_for_update()
    indicators = {(i.sheet_id, _key(i.name)): i for i in indicators_qs}
    dates = {row.measured_on for row in rows if row.measured_on}
    measurements_qs = Measurement.objects.filter(
        indicator__in=list(indicators.values()), measured_on__in=dates
    )
    if lock:
        measurements_qs = measurements_qs.select_for_update()
    existing = {(m.indicator_id, m.measured_on): m for m in measurements_qs}
    reports: dict[int, bool] = {}
    seen: dict[tuple[int, date], int] = {}
    results = []

    def column(name: str) -> str:
        return headers.get(name, CANONICAL[name])

    for row in rows:
        result = RowResult(row=row)
        result.errors = [line_message(row.line, [column(f)], p) for f, p in row.problems]
        matching = sheets.get(_key(row.sheet), []) if row.sheet else []
        sheet = matching[0] if len(matching) == 1 else None
        if row.sheet and not matching:
            result.errors.append(
                line_message(
                    row.line,
                    [column("sheet")],
                    _("no sheet numbered “%(number)s” in %(strategy)s.")
                    % {"number": row.sheet, "strategy": strategy.title},
                )
            )
        elif len(matching) > 1:
            result.errors.append(
                line_message(
                    row.line,
                    [column("sheet")],
                    _("several sheets are numbered “%(number)s”.") % {"number": row.sheet},
                )
            )
        if sheet is not None:
            if sheet.pk not in reports:
                reports[sheet.pk] = can_report_on(actor, sheet)
            if not reports[sheet.pk]:
                result.errors.append(
                    line_message(
                        row.line,
                        [column("sheet")],
                        _("you do not report on sheet %(number)s.") % {"number": sheet.number},
                    )
                )
            indicator = indicators.get((sheet.pk, _key(row.indicator)))
            if indicator is None and row.indicator:
                result.errors.append(
                    line_message(
                        row.line,
                        [column("indicator")],
                        _("sheet %(number)s has no indicator named “%(name)s”.")
                        % {"number": sheet.number, "name": row.indicator},
                    )
                )
            elif indicator is not None and indicator.is_computed:
                result.errors.append(
                    line_message(
                        row.line,
                        [column("indicator")],
                        _("“%(name)s” is computed by the platform: it takes no imported value.")
                        % {"name": indicator.name},
                    )
                )
            elif indicator is not None:
                result.indicator = indicator
        if result.indicator is not None and row.measured_on is not None:
            key = (result.indicator.pk, row.measured_on)
            if key in seen:
                result.errors.append(
                    line_message(
                        row.line,
                        [column("indicator"), column("date")],
                        _("same indicator and same date as line %(line)s.") % {"line": seen[key]},
                    )
                )
            else:
                seen[key] = row.line
            result.existing = existing.get(key)
        if result.errors:
            result.status = ERROR
        elif result.existing is None:
            result.status = NEW
        elif result.existing.value == row.value and result.existing.note == row.note:
            result.status = UNCHANGED
        else:
            result.status = REPLACES
        results.append(result)
    return Checked(results)


# --- Writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    checked: Checked
    added: int = 0
    replaced: int = 0
    unchanged: int = 0

    @property
    def written(self) -> bool:
        return self.checked.is_valid


@transaction.atomic
def apply_import(
    *,
    actor: Any,
    strategy: Strategy,
    rows: Sequence[ParsedRow],
    headers: dict[str, str],
) -> Outcome:
    """Checks every row again (the data may have changed since the preview) and writes them
    all, or — if any row is now in error — nothing."""
    if not actor.has_perm("strategy.report_on_actions", strategy.territory):
        raise PermissionDenied("strategy.report_on_actions")
    checked = check(rows, actor=actor, strategy=strategy, headers=headers, lock=True)
    if not checked.is_valid:
        return Outcome(checked)
    added = replaced = 0
    for result in checked.results:
        if result.status == UNCHANGED:
            continue
        assert result.indicator is not None and result.row.measured_on is not None
        assert result.row.value is not None
        measurement = result.existing or Measurement(
            territory=result.indicator.territory,
            indicator=result.indicator,
            measured_on=result.row.measured_on,
        )
        measurement.value = result.row.value
        measurement.note = result.row.note
        measurement.origin = MeasurementOrigin.IMPORT
        measurement.recorded_by = actor
        measurement.save()
        if result.existing is None:
            added += 1
        else:
            replaced += 1
    return Outcome(checked, added=added, replaced=replaced, unchanged=checked.count(UNCHANGED))


# --- The rows between preview and confirmation -----------------------------------------------


def keep_for_confirmation(
    session: Any, *, strategy: Strategy, table: Table, now: datetime | None = None
) -> str:
    """Keeps the parsed rows in the session; returns the one-time token that confirms them."""
    now = now or timezone.now()
    pending = {
        token: entry
        for token, entry in session.get(SESSION_KEY, {}).items()
        if datetime.fromisoformat(entry["created"]) > now - TOKEN_LIFETIME
    }
    # A few files previewed in other tabs stay confirmable; older ones are dropped.
    for token in sorted(pending, key=lambda t: pending[t]["created"])[: -PENDING_IMPORTS + 1]:
        del pending[token]
    token = secrets.token_urlsafe(24)
    pending[token] = {
        "created": now.isoformat(),
        "territory": strategy.territory_id,
        "strategy": str(strategy.public_id),
        "headers": table.headers,
        "rows": [row.as_data() for row in table.rows],
    }
    session[SESSION_KEY] = pending
    return token


@dataclass(frozen=True)
class Pending:
    strategy_id: str
    territory_id: int
    headers: dict[str, str]
    rows: list[ParsedRow]


def take_for_confirmation(
    session: Any, token: str, *, now: datetime | None = None
) -> Pending | None:
    """The rows kept behind `token`, removed from the session: a token serves once. None
    when the token is unknown, already used or older than an hour."""
    now = now or timezone.now()
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None) if token else None
    session[SESSION_KEY] = pending
    if entry is None or datetime.fromisoformat(entry["created"]) <= now - TOKEN_LIFETIME:
        return None
    return Pending(
        strategy_id=entry["strategy"],
        territory_id=int(entry["territory"]),
        headers=dict(entry["headers"]),
        rows=[ParsedRow.from_data(data) for data in entry["rows"]],
    )
