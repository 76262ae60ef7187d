"""The auditors' ledger (审批台账) of a period: its cases and its history events.

Excel: a case sheet (one row per case with history in the period) and an event sheet (one row per
event). CSV: the event sheet alone. Both are written as the rows are read, so the size of the
period does not decide the memory an export takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import IO, BinaryIO

from service.audit.ledger_cases import case_rows
from service.audit.ledger_columns import CASE_COLUMNS, CASE_SHEET, EVENT_COLUMNS, EVENT_SHEET
from service.audit.ledger_csv import write_csv
from service.audit.ledger_events import event_rows
from service.audit.ledger_xlsx import Sheet, write_workbook


@dataclass(frozen=True)
class LedgerCounts:
    cases: int
    events: int


def write_ledger_xlsx(start: datetime, end: datetime, out: str | IO[bytes]) -> LedgerCounts:
    """The ledger of start <= at < end as a workbook written to `out` (a path or a binary file)."""
    cases, events = write_workbook([Sheet(CASE_SHEET, CASE_COLUMNS, case_rows(start, end)),
                                    Sheet(EVENT_SHEET, EVENT_COLUMNS, event_rows(start, end))], out)
    return LedgerCounts(cases, events)


def write_ledger_csv(start: datetime, end: datetime, out: BinaryIO) -> int:
    """The events of start <= at < end as CSV; returns their number."""
    return write_csv(EVENT_COLUMNS, event_rows(start, end), out)
