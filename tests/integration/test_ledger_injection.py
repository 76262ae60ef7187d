"""The auditors' ledger never turns people's text into live spreadsheet formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from service.audit.ledger_columns import CASE_COLUMNS, EVENT_COLUMNS, TIME
from service.audit.ledger_csv import write_csv
from service.audit.ledger_xlsx import Sheet, write_workbook

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1+2", "-3+4", "@SUM(A1:A9)", "\t=1+1"]
AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _row(columns, **values) -> dict:
    row = {c.key: AT if c.kind == TIME else f"普通{c.key}" for c in columns}
    row.update(seq=3, working_days=2, **values)
    return row


@pytest.fixture
def ctx(make_app):
    with make_app(seeded=False).app_context():
        yield


def test_xlsx_writes_formula_like_text_as_text(ctx, tmp_path):
    path = tmp_path / "ledger.xlsx"
    write_workbook([Sheet("案件", CASE_COLUMNS, [_row(CASE_COLUMNS, cadre=c) for c in [*HOSTILE, "张伟"]]),
                    Sheet("办理经过", EVENT_COLUMNS,
                          [_row(EVENT_COLUMNS, comment=c) for c in [*HOSTILE, "同意"]])], path)
    book = load_workbook(path)
    for title, column in (("案件", 3), ("办理经过", 9)):
        cells = [row[column] for row in book[title].iter_rows(min_row=2)]
        assert [c.value for c in cells] == [*HOSTILE, cells[-1].value]
        assert {c.data_type for c in cells} == {"s"}  # never "f" (formula)


def test_csv_prefixes_formula_like_text_with_an_apostrophe(ctx):
    out = io.BytesIO()
    write_csv(EVENT_COLUMNS, [_row(EVENT_COLUMNS, comment=c) for c in [*HOSTILE, "同意", "3-1 号文件"]], out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [r[9] for r in rows[1:]] == [*("'" + c for c in HOSTILE), "同意", "3-1 号文件"]
