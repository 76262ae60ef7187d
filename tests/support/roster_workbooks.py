"""Building and reading roster workbooks in tests (openpyxl, in memory)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def workbook(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """{worksheet title: (headers, rows)} -> .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    for title, (headers, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def post_file(client: Any, headers: dict[str, str], content: bytes, sheet: str = "all",
              commit: bool | None = None, filename: str = "名册.xlsx") -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(content), filename), "sheet": sheet}
    if commit is not None:
        data["commit"] = "true" if commit else "false"
    return client.post("/api/v1/roster/imports", data=data, headers=headers,
                       content_type="multipart/form-data")


def bad_cells(body: dict[str, Any]) -> dict[tuple[str, int, str], list[str]]:
    """(sheet kind, Excel row, header) -> reasons, from an import result."""
    return {(s["kind"], r["row"], h): m for s in body["sheets"] for r in s["rows"]
            for h, m in r["errors"].items()}


def statuses(body: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {(s["kind"], r["row"]): r["status"] for s in body["sheets"] for r in s["rows"]}
