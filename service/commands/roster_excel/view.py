"""An import's result as plain data: the API's JSON body and what the preview page renders."""

from __future__ import annotations

from typing import Any

from service.commands.roster_excel.importer import ERROR, STATUS_NAMES
from service.commands.roster_excel.imports import ImportResult
from service.commands.roster_excel.reader import ROW_KEY

COUNTED = ("new", "changed", "unchanged", "error")


def result_view(result: ImportResult) -> dict[str, Any]:
    outcome = result.outcome
    return {
        "id": result.id,
        "filename": result.filename,
        "sheet": result.sheet,
        "committed": result.committed,
        "ok": outcome.ok,
        "counts": {status: outcome.count(status) for status in COUNTED},
        "sheets": [{
            "kind": s.sheet.kind,
            "title": s.parsed.title,
            "headers": s.parsed.headers,
            "ignored_headers": s.parsed.ignored,
            "example_row": s.parsed.example_row,
            "counts": {status: s.count(status) for status in COUNTED},
            "rows": [{
                "row": r.row.number,
                "status": r.status,
                "status_name": STATUS_NAMES[r.status],
                "cells": r.row.cells,
                "changed": r.changed,
                # "" (the row as a whole) is named 整行 for people and clients alike
                "errors": {(h or "整行"): m for h, m in r.errors.items()},
            } for r in s.rows],
        } for s in outcome.sheets],
    }


def bad_rows_first(view: dict[str, Any]) -> dict[str, Any]:
    """The page lists rows with errors first (a long file's problems are not scrolled past)."""
    for sheet in view["sheets"]:
        sheet["rows"].sort(key=lambda r: (r["status"] != ERROR, r["row"]))
    return view


__all__ = ["ROW_KEY", "bad_rows_first", "result_view"]
