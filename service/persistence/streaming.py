"""Reading a result too large to hold: rows come from the database a batch at a time.

On PostgreSQL `yield_per` opens a server-side cursor, so the server keeps the result and the
process holds one batch; SQLite's cursor steps through the result as it is read. Either way the
caller iterates rows without the whole result ever being in memory (the auditors' ledger reads a
year of a province's history this way).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db

BATCH_ROWS = 2000


def stream_rows(stmt: sa.Select, batch: int | None = None) -> Iterator[sa.Row[Any]]:
    result = db.session.execute(stmt.execution_options(yield_per=batch or BATCH_ROWS))
    try:
        for partition in result.partitions():
            yield from partition
    finally:
        result.close()  # also when the reader stops early: the server-side cursor is released
