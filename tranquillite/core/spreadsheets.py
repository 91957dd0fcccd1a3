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
