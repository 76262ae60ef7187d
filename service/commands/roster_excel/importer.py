"""Applying parsed roster rows through the roster commands, row by row, every failure kept.

The same pass serves the preview (run, then rolled back by the caller) and the commit (run inside
one unit_of_work, refused as a whole when any row fails), so the preview shows exactly what the
commit would do: new, changed (which cells) or unchanged rows, and each bad cell with its reason,
permission refusals of the roster commands included.

Cost: the rows a sheet names are loaded once per sheet (one query per 500 ids), and names given
instead of codes are looked up in maps built once per sheet; the roster commands then find them
in the session instead of asking the database row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from service.commands.roster import (
    save_cadre,
    save_posting,
    save_township,
    save_unit,
    save_village,
    validate_cadre,
    validate_posting,
    validate_township,
    validate_unit,
    validate_village,
)
from service.commands.roster.posting import find_posting
from service.commands.roster_excel.reader import ROW_KEY, ParsedRow, ParsedSheet
from service.commands.roster_excel.sheets import Sheet
from service.commands.roster_log import as_json_value
from service.core.errors import ApiError
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, RosterChange, Village

Save = Callable[..., RosterChange | None]
SAVERS: dict[str, Save] = {
    "townships": save_township, "units": save_unit, "villages": save_village, "cadres": save_cadre,
    "postings": save_posting,
}
VALIDATORS: dict[str, Callable[[dict[str, Any]], dict[str, list[str]]]] = {
    "townships": validate_township, "units": validate_unit, "villages": validate_village,
    "cadres": validate_cadre, "postings": validate_posting,
}
MODELS: dict[str, Any] = {"townships": Org, "units": Org, "villages": Village, "cadres": Cadre,
                          "postings": Posting}
CHUNK = 500  # ids per IN (...) list
WHAT = {"township": "乡镇", "org": "单位", "village": "村", "cadre": "干部"}

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
STATUS_NAMES = {NEW: "新增", CHANGED: "修改", UNCHANGED: "无变化", ERROR: "有错误"}


@dataclass
class RowOutcome:
    row: ParsedRow
    status: str = UNCHANGED
    changed: list[str] = field(default_factory=list)  # headers of the cells that change

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.row.errors


@dataclass
class SheetOutcome:
    parsed: ParsedSheet
    rows: list[RowOutcome]

    @property
    def sheet(self) -> Sheet:
        return self.parsed.sheet

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


@dataclass
class Outcome:
    sheets: list[SheetOutcome]

    @property
    def ok(self) -> bool:
        return not any(r.status == ERROR for s in self.sheets for r in s.rows)

    def count(self, status: str) -> int:
        return sum(s.count(status) for s in self.sheets)

    def error_map(self) -> dict[str, list[str]]:
        """Every bad cell as `工作表!第N行 列名` -> reasons (a 422's `errors`)."""
        out: dict[str, list[str]] = {}
        for sheet in self.sheets:
            for outcome in sheet.rows:
                for header, messages in outcome.errors.items():
                    where = f"{sheet.parsed.title}!第{outcome.row.number}行"
                    where += f" {header}" if header else ""
                    out.setdefault(where, []).extend(messages)
        return out


def apply_rows(actor: Principal, sheets: Sequence[ParsedSheet], *, source: str) -> Outcome:
    """Save every readable row of every sheet, in order (townships and units before the villages
    and cadres naming them). Writes in the caller's transaction; the caller commits or rolls back."""
    outcome = Outcome([])
    for parsed in sheets:
        names = NameIndex(parsed.sheet)
        stored_ids = _preload(parsed)
        results = []
        for row in parsed.rows:
            names.resolve(row)
            results.append(_apply_row(actor, parsed.sheet, row, source, stored_ids))
        outcome.sheets.append(SheetOutcome(parsed, results))
    return outcome


def _apply_row(actor: Principal, sheet: Sheet, row: ParsedRow, source: str,
               stored_ids: set[Any] | None) -> RowOutcome:
    result = RowOutcome(row)
    if row.errors:
        # The cells that did read are still checked, so the preview names every bad cell at once
        # (a cell that did not read is not also reported as missing).
        for name, messages in VALIDATORS[sheet.kind](dict(row.values)).items():
            header = sheet.header_of(name) or ROW_KEY
            if header not in row.errors:
                for message in messages:
                    row.add_error(header, message)
        result.status = ERROR
        return result
    known_new = stored_ids is not None and row.values.get("id") not in stored_ids
    if not known_new and _unchanged(sheet, row.values):
        return result  # not even validated: a row that changes nothing cannot make anything worse
    try:
        change = SAVERS[sheet.kind](actor, dict(row.values), source=source)
    except ApiError as err:
        _blame(sheet, row, err)
        result.status = ERROR
        return result
    if change is None:
        return result
    result.status = NEW if change.action == "create" else CHANGED
    if result.status == CHANGED:
        result.changed = [h for h in (sheet.header_of(f) for f in (change.after or {})) if h]
    return result


def _blame(sheet: Sheet, row: ParsedRow, err: ApiError) -> None:
    """The roster command's errors by field become errors of the cells that hold those fields."""
    if not err.errors:
        row.add_error(ROW_KEY, err.detail)
        return
    for name, messages in err.errors.items():
        header = sheet.header_of(name) or ROW_KEY  # a field without a column: the row as a whole
        for message in messages:
            row.add_error(header, message)


def _stored(sheet: Sheet, values: dict[str, Any]) -> Any:
    if sheet.kind == "postings":
        return find_posting(values)
    if values.get("id") is None:
        return None
    row = db.session.get(MODELS[sheet.kind], values["id"])
    if sheet.kind in ("townships", "units") and row is not None:
        wanted = "township" if sheet.kind == "townships" else "dispatch_unit"
        return row if row.kind == wanted else None
    return row


def _unchanged(sheet: Sheet, values: dict[str, Any]) -> bool:
    row = _stored(sheet, values)
    if row is None:
        return False
    for name, value in values.items():
        stored = row.categories if name == "categories" else getattr(row, name, None)
        if as_json_value(stored) != as_json_value(value):
            return False
    return True


def _preload(parsed: ParsedSheet) -> set[Any] | None:
    """Load the stored rows this sheet names into the session, a chunk of ids per query; returns
    the ids found (None for postings, which may be named without an id)."""
    model = MODELS[parsed.sheet.kind]
    if parsed.sheet.kind == "postings":
        keys = {r.values["cadre_id"] for r in parsed.rows if isinstance(r.values.get("cadre_id"), str)}
        for chunk in _chunks(sorted(keys)):
            db.session.execute(sa.select(Cadre).where(Cadre.id.in_(chunk))).scalars().all()
            db.session.execute(sa.select(Posting).where(Posting.cadre_id.in_(chunk))).scalars().all()
        keys = {r.values["village_id"] for r in parsed.rows if isinstance(r.values.get("village_id"), str)}
        for chunk in _chunks(sorted(keys)):
            db.session.execute(sa.select(Village).where(Village.id.in_(chunk))).scalars().all()
        return None
    ids = {r.values["id"] for r in parsed.rows if isinstance(r.values.get("id"), str)}
    found: set[Any] = set()
    for chunk in _chunks(sorted(ids)):
        found.update(row.id for row in db.session.execute(
            sa.select(model).where(model.id.in_(chunk))).scalars())
    return found


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


class NameIndex:
    """Names of the entities a sheet's code columns refer to, to fill a code left blank."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.kinds = {c.field: c.refers for c in sheet.columns if c.refers and c.field}
        wanted = set(self.kinds.values())
        self.ids: dict[str, dict[str, list[str]]] = {kind: defaultdict(list) for kind in wanted}
        if wanted & {"township", "org"}:
            for org_id, name, kind in db.session.execute(sa.select(Org.id, Org.name, Org.kind)):
                if kind == "township" and "township" in wanted:
                    self.ids["township"][name].append(org_id)
                if kind in ("township", "dispatch_unit") and "org" in wanted:
                    self.ids["org"][name].append(org_id)
        if "village" in wanted:
            for village_id, name in db.session.execute(sa.select(Village.id, Village.name)):
                self.ids["village"][name].append(village_id)
        if "cadre" in wanted:
            for cadre_id, name in db.session.execute(sa.select(Cadre.id, Cadre.name)):
                self.ids["cadre"][name].append(cadre_id)

    def resolve(self, row: ParsedRow) -> None:
        for code_field, name in row.names.items():
            if code_field in row.values or code_field not in self.kinds:
                continue
            header = self.sheet.header_of(code_field) or ROW_KEY
            found = self.ids[self.kinds[code_field] or ""].get(name, [])
            what = WHAT.get(self.kinds[code_field] or "", "")
            if len(found) == 1:
                row.values[code_field] = found[0]
            elif not found:
                row.add_error(header, f"找不到名称为“{name}”的{what}，请填写编码")
            else:
                row.add_error(header, f"名称为“{name}”的{what}有 {len(found)} 个（{'、'.join(found[:5])}），"
                                      "请填写编码")
