"""Cells that a spreadsheet will not run: shared by every CSV and workbook export."""

from __future__ import annotations

from typing import Any

# A text starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"): an address or a title typed as "=HYPERLINK(...)" must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: Any) -> str:
    """`value` as text a spreadsheet shows as is: an apostrophe before a formula trigger."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def fill_table(
    tab: Any,
    header: list[str],
    rows: list[list[Any]],
    formats: dict[int, str],
    *,
    wide: dict[int, int],
) -> None:
    """A table on a workbook tab (openpyxl): header row bold and frozen, an autofilter over
    the table, column widths, formats. Shared by the strategy's and the TIG catalogue's
    workbooks."""
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    tab.append(header)
    for cell in tab[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        tab.append(row)
    for column, number_format in formats.items():
        for (cell,) in tab.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, title in enumerate(header, start=1):
        width = wide.get(index) or max(12, min(30, len(title) + 2))
        tab.column_dimensions[get_column_letter(index)].width = width
    tab.freeze_panes = "A2"
    tab.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
