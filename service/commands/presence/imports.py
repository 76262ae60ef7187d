"""在村天数 from Excel: a township (or the county) imports a month's days for many cadres at once.

One sheet, one row per cadre and month: 干部编号, 姓名 (checked against the roster when given), 年份,
月份, 在村天数, 备注. Every row is checked first and every bad cell named ("第 3 行 在村天数"); one bad
row and nothing is written. Imported months count as confirmed by the importer (source
`import:<sha256 of the file>` in the change log), and each one below the rule alerts like a
confirmation. The template lists the cadres the caller confirms, posted in a given month.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from service.commands.actor import first_grant
from service.commands.presence.months import (
    checked_days,
    checked_month,
    checked_note,
    month_snapshot,
    posting_in_month,
    write_month,
)

# The roster import's whole-file checks (size, a real .xlsx, no zip bomb) hold for this file too.
from service.commands.roster_excel.reader import _check_container, refuse
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Forbidden, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Posting, PresenceMonth, Village
from service.queries.presence import county_today, month_of, month_span

# Who imports: the township for its villages' cadres; the county leading group and the
# Organization Department for any.
IMPORTERS = ("township", "county", "org_dept")
COUNTY_IMPORTERS = ("county", "org_dept")
SHEET_TITLE = "在村天数"
HEADERS = {"cadre_id": "干部编号", "cadre_name": "姓名", "year": "年份", "month": "月份",
           "days_present": "在村天数", "note": "备注"}
REQUIRED = ("cadre_id", "year", "month", "days_present")
HEADER_SEARCH_ROWS = 5
MAX_ROWS = 5000


@dataclass
class ImportedMonths:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    short: list[dict[str, Any]] = field(default_factory=list)  # the months below the rule

    def as_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "short": self.short}


def _importer(actor: Principal) -> str:
    grant = first_grant(actor, *IMPORTERS)
    if grant is None:
        raise Forbidden("无权导入在村天数：乡镇导入本乡镇各村驻村干部的，"
                        "县驻村工作领导小组或县委组织部可导入全县的。")
    return grant.role


def _whole_number(value: Any) -> Any:
    """What people type for a number: 20, 20.0, "20", " 20 " -> 20; anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _read(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number, values by field) of the first worksheet (or the one named 在村天数)."""
    _check_container(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise refuse("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from err
    try:
        names = [n for n in workbook.sheetnames if n.strip() == SHEET_TITLE]
        sheet = workbook[names[0]] if names else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        positions: dict[str, int] = {}
        number = 0
        by_header = {header: name for name, header in HEADERS.items()}
        for number, raw in enumerate(rows, start=1):
            labels = ["".join(str(v).split()).strip("*＊") if v is not None else "" for v in raw]
            if HEADERS["cadre_id"] in labels:
                positions = {by_header[h]: i for i, h in enumerate(labels) if h in by_header}
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        missing = [HEADERS[name] for name in REQUIRED if name not in positions]
        if missing:
            raise refuse(f"找不到表头或缺少必需的列：{'、'.join(missing)}"
                         f"（表头应为：{'、'.join(HEADERS.values())}）。")
        out: list[tuple[int, dict[str, Any]]] = []
        for row_number, raw in enumerate(rows, start=number + 1):
            values = {name: raw[i] if i < len(raw) else None for name, i in positions.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue
            if len(out) >= MAX_ROWS:
                raise refuse(f"数据行过多：一次最多导入 {MAX_ROWS} 行，请分批导入。")
            out.append((row_number, values))
        if not out:
            raise refuse("文件中没有数据行。")
        return out
    finally:
        workbook.close()


def import_presence(actor: Principal, content: bytes, filename: str) -> ImportedMonths:
    """Check every row, then write all of them (confirmed) in one transaction, or none."""
    role = _importer(actor)
    rows = _read(content)
    source = "import:" + hashlib.sha256(content).hexdigest()
    at, today = now(), county_today()
    result = ImportedMonths(filename=filename[:200], rows=len(rows))
    with unit_of_work():
        errors: dict[str, list[str]] = {}
        checked: list[tuple[Cadre, Posting, int, int, int, str | None]] = []
        seen: dict[tuple[str, int, int], int] = {}
        for number, values in rows:
            found = _check_row(actor, role, number, values, today, errors, seen)
            if found is not None:
                checked.append(found)
        if errors:
            first_key, first_messages = next(iter(errors.items()))
            more = sum(len(v) for v in errors.values()) - 1
            raise ValidationFailed(f"导入未执行（全部不写入）：{first_key}：{first_messages[0]}"
                                   + (f"；另有 {more} 处问题" if more else ""), errors=errors)
        for cadre, posting, year, month, days, note in checked:
            row = db.session.execute(sa.select(PresenceMonth).where(
                PresenceMonth.cadre_id == cadre.id, PresenceMonth.year == year,
                PresenceMonth.month == month)).scalar_one_or_none()
            if row is not None and row.status == "confirmed" and (row.days_present, row.note) == (days, note):
                result.unchanged += 1
                continue
            if row is None:
                result.created += 1
            else:
                result.updated += 1
            row = write_month(actor, role, cadre, posting, year, month, days, note, confirmed=True,
                              source=source, at=at, row=row)
            tally = month_of(cadre.id, year, month)
            if tally.short:
                result.short.append({**month_snapshot(row), "cadre_name": cadre.name,
                                     "required_days": tally.required_days})
    return result


def _check_row(actor: Principal, role: str, number: int, values: dict[str, Any], today: date,
               errors: dict[str, list[str]], seen: dict[tuple[str, int, int], int]
               ) -> tuple[Cadre, Posting, int, int, int, str | None] | None:
    where = f"第 {number} 行 "
    row_errors: dict[str, list[str]] = {}
    cadre_id = _text(values.get("cadre_id"))
    cadre = db.session.get(Cadre, cadre_id) if cadre_id else None
    if cadre is None:
        missing = "请填写干部编号。" if not cadre_id else f"干部 {cadre_id} 不存在。"
        row_errors[HEADERS["cadre_id"]] = [missing]
    name = _text(values.get("cadre_name"))
    if cadre is not None and name and name != cadre.name:
        row_errors[HEADERS["cadre_name"]] = [f"与干部编号 {cadre.id} 的姓名（{cadre.name}）不符。"]
    month_errors: dict[str, list[str]] = {}
    when = checked_month(_whole_number(values.get("year")), _whole_number(values.get("month")), today,
                         month_errors)
    for key, messages in month_errors.items():
        row_errors[HEADERS[key]] = messages
    note_errors: dict[str, list[str]] = {}
    note = checked_note(_text(values.get("note")), note_errors)
    if note_errors:
        row_errors[HEADERS["note"]] = note_errors["note"]
    posting = days = None
    if cadre is not None and when is not None:
        posting = posting_in_month(cadre.id, *when, today)
        if posting is None:
            row_errors[HEADERS["month"]] = [f"{cadre.name} {when[0]} 年 {when[1]} 月没有在村任职。"]
        elif role not in COUNTY_IMPORTERS and \
                db.session.get_one(Village, posting.village_id).township_id not in actor.scopes("township"):
            row_errors[HEADERS["cadre_id"]] = [f"{cadre.name} 该月不在本乡镇的村任职，由其所在乡镇导入。"]
        else:
            day_errors: dict[str, list[str]] = {}
            days = checked_days(_whole_number(values.get("days_present")), cadre.id, *when, day_errors)
            if day_errors:
                row_errors[HEADERS["days_present"]] = day_errors["days_present"]
        repeat = (cadre.id, when[0], when[1])
        if repeat in seen:
            row_errors.setdefault(HEADERS["cadre_id"], []).append(
                f"与第 {seen[repeat]} 行重复（同一干部同一月份）。")
        else:
            seen[repeat] = number
    for header, messages in row_errors.items():
        errors[where + header] = messages
    if row_errors or cadre is None or when is None or posting is None or days is None:
        return None
    return cadre, posting, when[0], when[1], days, note


def presence_template(actor: Principal, year: int, month: int) -> bytes:
    """The import sheet with the cadres the caller confirms, posted in that month (days left blank)."""
    role = _importer(actor)
    first, last = month_span(year, month)
    stmt = (sa.select(Village.township_id, Village.id.label("village_id"), Cadre.id, Cadre.name)
            .join(Posting, Posting.cadre_id == Cadre.id).join(Village, Village.id == Posting.village_id)
            .where(Posting.term_start <= last, sa.or_(Posting.term_end.is_(None), Posting.term_end >= first))
            .order_by(Village.township_id, Village.id, Cadre.id))
    if role not in COUNTY_IMPORTERS:
        stmt = stmt.where(Village.township_id.in_(sorted(actor.scopes("township"))))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    listed: set[str] = set()
    for row in db.session.execute(stmt).all():
        if row.id not in listed:  # two postings in the month: one row
            listed.add(row.id)
            sheet.append([row.id, row.name, year, month, None, None])
    for column, width in zip("ABCDEF", (16, 10, 8, 6, 10, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
