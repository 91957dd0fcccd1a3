"""Reading a spreadsheet a user uploads (CSV or XLSX): what every import of the product shares
(the monitoring committee's measurements in `strategy.imports`, the historical daily log in
`field.imports`).

CSV: `;`, `,` or a tab, UTF-8 with or without BOM, or Windows-1252 (French Excel's "CSV
(séparateur : point-virgule)"). XLSX: the first sheet, read lazily by openpyxl. An old .xls
is refused with a message saying how to save it. Headers are compared without case, accents
or punctuation (`normalise_header`); dates are JJ/MM/AAAA, ISO or workbook date cells and
never in the future (`parse_date`); messages name the line and the column the user sees
(`line_message`).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_COLUMNS = 30
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


class FileRejected(ValidationError):
    """The whole file is refused; the message says why, in French."""


def normalise_header(text: Any) -> str:
    """ "N° Fiche", "fiche" and "FICHE " all read "n fiche"/"fiche": no accents, no case,
    punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def cell_text(raw: Any) -> str:
    """A cell as text, spaces collapsed; a whole number typed in a workbook (3.0) reads 3."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return " ".join(str(raw).split())


def is_blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")


def read_content(upload: Any, *, max_bytes: int) -> bytes:
    """The upload's bytes; `FileRejected` when it is too large, empty or an old .xls."""
    size = getattr(upload, "size", None) or 0
    limit = {"size": _megabytes(size), "max": _megabytes(max_bytes)}
    if size > max_bytes:
        raise FileRejected(
            _("This file weighs %(size)s MB: %(max)s MB at most. Split it into several files.")
            % limit
        )
    data: bytes = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRejected(_("This file is larger than %(max)s MB.") % limit)
    if not data.strip():
        raise FileRejected(_("This file is empty."))
    name = str(getattr(upload, "name", "")).lower()
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            _("This is an old Excel file (.xls): save it as .xlsx or as CSV, then import it.")
        )
    if name.endswith((".xlsx", ".xlsm")) and not data.startswith(b"PK"):
        raise FileRejected(_("This file is not a readable Excel workbook (.xlsx)."))
    return data


def lines_of(data: bytes) -> Iterator[Sequence[Any]]:
    """The file's lines as cells, a workbook's first sheet or a CSV, read lazily."""
    return _xlsx_lines(data) if data.startswith(b"PK") else _csv_lines(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French Excel saves "CSV (séparateur : point-virgule)" in Windows-1252.
        return data.decode("cp1252", errors="replace")


def _csv_lines(data: bytes) -> Iterator[Sequence[Any]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count) if any(d in first for d in ";,\t") else ";"
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_lines(data: bytes) -> Iterator[Sequence[Any]]:
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileRejected(_("This file is not a readable Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRejected(_("This workbook has no sheet."))
        # Read lazily: a truncated file may fail only here, row by row.
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError) as error:
        raise FileRejected(_("This file is not a readable Excel workbook (.xlsx).")) from error
    finally:
        workbook.close()


def parse_date(raw: Any, *, today: date | None = None) -> date:
    """A date cell, or text as JJ/MM/AAAA, JJ/MM/AA, AAAA-MM-JJ, JJ-MM-AAAA or JJ.MM.AAAA;
    `ValueError` with a French message otherwise. Never in the future."""
    day: date | None = None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 < raw < 80000:
        # A workbook date cell that lost its date format: Excel's serial day number.
        day = date(1899, 12, 30) + timedelta(days=int(raw))
    else:
        text = cell_text(raw)
        if not text:
            raise ValueError(_("the date is missing."))
        # "31/03/2025 00:00" or "2025-03-31T00:00:00": the day is what counts.
        text = text.split(" ")[0].split("T")[0]
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise ValueError(
                _("“%(text)s” is not a date: write it as DD/MM/YYYY (e.g. 31/03/2025).")
                % {"text": text[:40]}
            )
    if day > (today or timezone.localdate()):
        raise ValueError(_("the date %(date)s is in the future.") % {"date": f"{day:%d/%m/%Y}"})
    return day


def line_message(line: int, columns: Sequence[str], problem: str) -> str:
    """ "Line 12, column “Quartier”: …" — the line as the spreadsheet numbers it."""
    if len(columns) == 1:
        return _("Line %(line)s, column “%(column)s”: %(problem)s") % {
            "line": line,
            "column": columns[0],
            "problem": problem,
        }
    return _("Line %(line)s, columns %(columns)s: %(problem)s") % {
        "line": line,
        "columns": _(" and ").join(f"« {column} »" for column in columns),
        "problem": problem,
    }
