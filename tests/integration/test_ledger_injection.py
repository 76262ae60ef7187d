"""The auditors' ledger never turns people's text into live spreadsheet formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from service.audit import LEDGER_COLUMNS, write_csv, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1+2", "-3+4", "@SUM(A1:A9)", "\t=1+1"]


def _row(comment: str) -> dict:
    row = {key: f"普通{key}" for key, _ in LEDGER_COLUMNS}
    row.update(comment=comment, time=datetime(2026, 12, 7, 8, 0, tzinfo=UTC), seq=3)
    return row


@pytest.fixture
def ctx(make_app):
    with make_app(seeded=False).app_context():
        yield


def test_xlsx_writes_formula_like_text_as_text(ctx, tmp_path):
    path = tmp_path / "ledger.xlsx"
    write_xlsx([_row(c) for c in [*HOSTILE, "同意"]], path)
    sheet = load_workbook(path).active
    comments = [row[9] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in comments] == [*HOSTILE, "同意"]
    assert {c.data_type for c in comments} == {"s"}  # never "f" (formula)


def test_csv_prefixes_formula_like_text_with_an_apostrophe(ctx):
    out = io.BytesIO()
    write_csv([_row(c) for c in [*HOSTILE, "同意", "3-1 号文件"]], out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [r[9] for r in rows[1:]] == [*("'" + c for c in HOSTILE), "同意", "3-1 号文件"]
