"""The ledger's event sheet as CSV, for tools other than Excel (`cadreflow audit export --format csv`).

UTF-8 with a BOM (Excel then reads the Chinese correctly); times ISO 8601 with their offset.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any, BinaryIO

from service.audit.ledger_columns import Column, header

# A spreadsheet takes a cell starting with one of these for a formula (CSV injection): comments
# and names are people's text, so such a cell is written with a leading apostrophe, which
# spreadsheets read as "text follows" (OWASP's advice for CSV exports).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def write_csv(columns: tuple[Column, ...], rows: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([header(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_value(row[c.key]) for c in columns])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count
