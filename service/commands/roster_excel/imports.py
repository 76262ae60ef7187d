"""The import use cases: upload and preview, preview again, commit, and the demo county's import.

An upload is kept by its sha256 (persistence/models/roster_imports.py); the commit applies those
stored bytes, so what is written is exactly what was previewed, and every change it makes names the
file: source "import:<sha256>".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from service.commands.roster import may_edit_roster
from service.commands.roster_excel.importer import Outcome, apply_rows
from service.commands.roster_excel.reader import AUTO, ParsedSheet, read_workbook
from service.commands.roster_excel.sheets import SHEETS_BY_KIND
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Forbidden, NotFound, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import RosterImport

FILENAME_MAX = 200


@dataclass
class ImportResult:
    id: str  # sha256 of the file
    filename: str
    sheet: str  # a sheet kind or AUTO
    outcome: Outcome
    committed: bool = False


def _require_editor(actor: Principal) -> None:
    if not may_edit_roster(actor):
        raise Forbidden("无权导入名册：只有县委组织部、系统管理员、派出单位人事和乡镇"
                        "可以导入各自范围内的名册。")


def _check_kind(kind: str) -> str:
    if kind != AUTO and kind not in SHEETS_BY_KIND:
        kinds = "、".join(f"{k}（{s.title}）" for k, s in SHEETS_BY_KIND.items())
        raise ValidationFailed("名册类型无效。",
                               errors={"sheet": [f"名册类型应为 all（按工作表名称）或：{kinds}"]})
    return kind


def source_of(sha: str) -> str:
    return f"import:{sha}"


def dry_run(actor: Principal, parsed: list[ParsedSheet], sha: str) -> Outcome:
    """What the commit would do, written and then rolled back: nothing stays."""
    try:
        return apply_rows(actor, parsed, source=source_of(sha))
    finally:
        db.session.rollback()


def upload(actor: Principal, content: bytes, filename: str, kind: str = AUTO) -> ImportResult:
    """Read and preview an uploaded workbook, and keep it for the commit. Nothing else is written."""
    _require_editor(actor)
    _check_kind(kind)
    parsed = read_workbook(content, kind)
    sha = hashlib.sha256(content).hexdigest()
    outcome = dry_run(actor, parsed, sha)
    name = (filename or "roster.xlsx").strip()[-FILENAME_MAX:] or "roster.xlsx"
    with unit_of_work():
        row = db.session.get(RosterImport, sha)
        if row is None:
            row = RosterImport(id=sha, content=content, size=len(content))
            db.session.add(row)
        row.sheet, row.filename, row.uploaded_by, row.uploaded_at = kind, name, actor.login, now()
    return ImportResult(sha, name, kind, outcome)


def stored(import_id: str) -> RosterImport:
    row = db.session.get(RosterImport, import_id) if len(import_id) == 64 else None
    if row is None:
        raise NotFound(f"导入文件 {import_id} 不存在（请重新上传）。")
    return row


def preview(actor: Principal, import_id: str) -> ImportResult:
    _require_editor(actor)
    row = stored(import_id)
    parsed = read_workbook(row.content, row.sheet)
    result = ImportResult(row.id, row.filename, row.sheet, Outcome([]),
                          committed=row.committed_at is not None)
    result.outcome = dry_run(actor, parsed, row.id)
    return result


class ImportRejected(ValidationFailed):
    """The commit found bad rows: nothing was written; `outcome` holds every bad cell."""

    def __init__(self, result: ImportResult) -> None:
        errors = result.outcome.error_map()
        first = next(iter(errors.items()))
        more = len(errors) - 1
        super().__init__(f"导入未执行（全部不写入）：{first[0]}：{first[1][0]}"
                         + (f"；另有 {more} 处问题" if more else ""), errors=errors)
        self.result = result


def commit(actor: Principal, import_id: str) -> ImportResult:
    """Apply the stored file in ONE transaction: every row is written, or none."""
    _require_editor(actor)
    row = stored(import_id)
    parsed = read_workbook(row.content, row.sheet)
    result = ImportResult(row.id, row.filename, row.sheet, Outcome([]), committed=True)
    with unit_of_work():
        result.outcome = apply_rows(actor, parsed, source=source_of(row.id))
        if not result.outcome.ok:
            result.committed = False
            raise ImportRejected(result)
        row = stored(import_id)  # the rows' writes expired nothing, but be explicit
        row.committed_by, row.committed_at = actor.login, now()
    return result


def import_file(actor: Principal, content: bytes, kind: str, *, source: str) -> Outcome:
    """Read and apply a workbook in the caller's unit_of_work (the demo county's files, source
    "demo"); a bad row refuses the whole file."""
    outcome = apply_rows(actor, read_workbook(content, kind), source=source)
    if not outcome.ok:
        errors = outcome.error_map()
        first = "；".join(f"{k}：{v[0]}" for k, v in list(errors.items())[:3])
        raise ValidationFailed(f"名册文件有误：{first}", errors=errors)
    return outcome
