"""The ledger as an Excel workbook: a case sheet and an event sheet, each with Chinese headers in a
bold frozen row, column widths and filters.

openpyxl's write-only mode sends each row to a temporary file as it is appended (strings inline,
no shared-string table), so a year of a province is written without its cells in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from service.audit.ledger_columns import TIME, Column, header

# A spreadsheet takes a cell starting with one of these for a formula (CSV injection): comments
# and names are people's text. Such a cell is written as a text cell, which Excel never evaluates,
# and keeps the text as it was written (the auditor reads the comment exactly).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: Iterable[dict[str, Any]]


def _text(sheet: WriteOnlyWorksheet, value: str, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store a string starting with "=" as a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _cells(sheet: WriteOnlyWorksheet, columns: tuple[Column, ...], row: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for column in columns:
        raw = row[column.key]
        if column.kind == TIME and raw is not None:
            # Excel has no time zones: the local wall time, the zone in the header. openpyxl
            # gives a datetime a date-and-time number format of its own.
            out.append(raw.replace(tzinfo=None))
        elif isinstance(raw, str) and raw.startswith(FORMULA_STARTS):
            out.append(_text(sheet, raw))
        else:
            out.append(raw)
    return out


def _write(workbook: Workbook, spec: Sheet) -> int:
    sheet = workbook.create_sheet(spec.title)
    # A write-only sheet takes its layout before the first row.
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, header(c), bold=True) for c in spec.columns])
    count = 0
    for row in spec.rows:
        sheet.append(_cells(sheet, spec.columns, row))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count + 1}"
    return count


def write_workbook(sheets: Iterable[Sheet], out: str | IO[bytes]) -> list[int]:
    """Writes the sheets in order to `out` (a path or a binary file); returns each one's row count."""
    workbook = Workbook(write_only=True)
    counts = [_write(workbook, spec) for spec in sheets]
    workbook.save(out)
    return counts
