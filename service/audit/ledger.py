"""The ledger auditors open in Excel: one row per history event in a time range."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from service.config import get_settings
from service.core.labels import EVENT_KIND_NAMES, PROCESS_NAMES, ROLE_NAMES, decision_word
from service.persistence.db import db
from service.persistence.models import Cadre, HistoryEvent, HumanTask, ProcessInstance, User, Village
from service.queries.decision_words import step_words

# (key, Chinese header); the order is the column order of both formats.
LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("instance_id", "实例编号"), ("process", "流程"), ("cadre", "干部"), ("village", "村"),
    ("step", "环节"), ("event", "事项"), ("actor", "办理人"), ("role", "角色"),
    ("decision", "决定"), ("comment", "意见"), ("time", "时间"), ("seq", "序号"),
)
BATCH = 500


def ledger_rows(start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Events with start <= at < end, by time then instance and seq; read in batches."""
    stmt = (sa.select(HistoryEvent).where(HistoryEvent.at >= start, HistoryEvent.at < end)
            .order_by(HistoryEvent.at, HistoryEvent.instance_id, HistoryEvent.seq))
    tz = get_settings().tz
    offset = 0
    while True:
        events = db.session.execute(stmt.limit(BATCH).offset(offset)).scalars().all()
        if not events:
            return
        yield from _rows(events, tz)
        offset += len(events)
        db.session.expunge_all()  # a long range must not pile up in the identity map


def _rows(events: Sequence[HistoryEvent], tz: Any) -> Iterator[dict[str, Any]]:
    instances = _instances({e.instance_id for e in events})
    cadre_ids = {c for i in instances.values() for c in (i.cadre_id, i.new_cadre_id) if c}
    cadres = _names(Cadre, cadre_ids)
    villages = _names(Village, {i.village_id for i in instances.values() if i.village_id})
    users = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_({e.actor_login for e in events if e.actor_login}))).all())
    tasks = _names(HumanTask, {e.task_id for e in events if e.task_id})
    words = step_words((instances[e.instance_id].definition_id, e.task_spec_id) for e in events
                       if e.decision and e.task_spec_id and e.instance_id in instances)
    for e in events:
        inst = instances.get(e.instance_id)
        step_key = (inst.definition_id if inst else 0, e.task_spec_id or "")
        cadre = cadres.get(inst.cadre_id or "", inst.cadre_id) if inst else None
        if inst is not None and inst.process_key == "handover" and inst.new_cadre_id:
            cadre = f"{cadre} → {cadres.get(inst.new_cadre_id, inst.new_cadre_id)}"
        actor = users.get(e.actor_login or "")
        yield {
            "instance_id": e.instance_id,
            "process": PROCESS_NAMES.get(inst.process_key, inst.process_key) if inst else None,
            "cadre": cadre, "village": villages.get(inst.village_id or "", inst.village_id) if inst else None,
            "step": tasks.get(e.task_id or "") or e.task_spec_id,
            "event": EVENT_KIND_NAMES.get(e.kind, e.kind),
            "actor": f"{actor}（{e.actor_login}）" if actor else ("系统" if e.actor_login == "system"
                                                                 else e.actor_login),
            "role": ROLE_NAMES.get(e.actor_role or "", e.actor_role),
            "decision": decision_word(e.decision, words.get(step_key)),
            "comment": e.comment, "time": e.at.astimezone(tz), "seq": e.seq,
        }


def _instances(ids: set[str]) -> dict[str, ProcessInstance]:
    if not ids:
        return {}
    stmt = (sa.select(ProcessInstance).where(ProcessInstance.id.in_(ids))
            .options(sa.orm.defer(ProcessInstance.state)))
    return {r.id: r for r in db.session.execute(stmt).scalars()}


def _names(model: type[Cadre] | type[Village] | type[HumanTask], ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all())


def write_csv(rows: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    """UTF-8 with a BOM (Excel then reads the Chinese correctly); times ISO 8601 with offset."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([header for _, header in LEDGER_COLUMNS])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(row[key]) for key, _ in LEDGER_COLUMNS])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count


# A spreadsheet takes a cell starting with one of these for a formula (CSV injection): comments
# and names are people's text, so such a cell is written with a leading apostrophe, which
# spreadsheets read as "text follows" (OWASP's advice for CSV exports).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Text always as a text cell: openpyxl would store a string starting with "=" as a formula."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(rows: Iterable[dict[str, Any]], path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审批台账")
    tz_name = get_settings().timezone
    headers = [f"{header}（{tz_name}）" if key == "time" else header for key, header in LEDGER_COLUMNS]
    sheet.append(headers)
    count = 0
    for row in rows:
        # Excel has no time zones: the time is written as local wall time, the zone in the header.
        sheet.append([row[key].replace(tzinfo=None) if key == "time" else _xlsx_cell(sheet, row[key])
                      for key, _ in LEDGER_COLUMNS])
        count += 1
    workbook.save(path)
    return count
