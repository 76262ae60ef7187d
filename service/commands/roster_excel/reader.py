"""Reading an uploaded workbook into rows of field values, every unreadable cell named.

Whole-file problems (not an .xlsx, too big, too many rows, a required column missing) refuse the
file with a 422 naming `file`; a bad cell only marks its row, so the preview shows all of them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from service.commands.roster_excel.cells import CellError, blank
from service.commands.roster_excel.sheets import SHEETS, SHEETS_BY_KIND, SHEETS_BY_TITLE, Sheet
from service.core.errors import ValidationFailed

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # data rows of the whole workbook
# Unpacked size of the workbook's parts: refuses a small zip that inflates into gigabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 5  # a title line or two may stand above the headers
ROW_KEY = ""  # the errors of a row as a whole (not of one cell)
AUTO = "all"  # sheet kind: every worksheet named like a roster sheet


@dataclass
class ParsedRow:
    number: int  # as Excel numbers it
    cells: dict[str, str] = field(default_factory=dict)  # header -> the cell as shown, for the preview
    values: dict[str, Any] = field(default_factory=dict)  # field -> value for the roster command
    names: dict[str, str] = field(default_factory=dict)  # code field -> the name in its name column
    errors: dict[str, list[str]] = field(default_factory=dict)  # header (or ROW_KEY) -> reasons

    def add_error(self, header: str, message: str) -> None:
        self.errors.setdefault(header, []).append(message)


@dataclass
class ParsedSheet:
    sheet: Sheet
    title: str  # the worksheet's own name
    headers: list[str]  # the sheet's headers present in the file, in the sheet's order
    rows: list[ParsedRow]
    ignored: list[str] = field(default_factory=list)  # headers the sheet does not know
    example_row: int | None = None  # the template's example, left in unchanged: skipped


def refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"file": [message]})


def read_workbook(content: bytes, kind: str) -> list[ParsedSheet]:
    """The roster sheets of the workbook: the first worksheet (or the one so named) as `kind`, or
    with kind AUTO every worksheet named like a roster sheet, in the order they are applied."""
    _check_container(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise refuse("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from err
    try:
        chosen = _choose_worksheets(workbook, kind)
        parsed: list[ParsedSheet] = []
        budget = MAX_ROWS
        for sheet, worksheet in chosen:
            result = _read_sheet(sheet, worksheet, budget)
            budget -= len(result.rows)
            parsed.append(result)
        return parsed
    finally:
        workbook.close()


def _check_container(content: bytes) -> None:
    if len(content) > MAX_FILE_BYTES:
        raise refuse(f"文件过大：不能超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请分批导入。")
    if not content.startswith(b"PK\x03\x04"):
        raise refuse("只能导入 Excel .xlsx 文件（请勿上传 .xls、.csv 或其他格式，"
                     "可在 Excel 中“另存为”.xlsx）。")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile as err:
        raise refuse("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from err
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse("文件解压后过大，请分批导入。")
    if "xl/workbook.xml" not in names:
        raise refuse("只能导入 Excel .xlsx 文件（该文件不是 Excel 工作簿）。")


def _choose_worksheets(workbook: Any, kind: str) -> list[tuple[Sheet, Any]]:
    if kind == AUTO:
        found = {SHEETS_BY_TITLE[name.strip()].kind: workbook[name]
                 for name in workbook.sheetnames if name.strip() in SHEETS_BY_TITLE}
        if not found:
            titles = "、".join(s.title for s in SHEETS)
            raise refuse(f"请选择名册类型，或按模板给工作表命名（{titles}）。")
        return [(s, found[s.kind]) for s in SHEETS if s.kind in found]
    sheet = SHEETS_BY_KIND.get(kind)
    if sheet is None:
        raise ValidationFailed("名册类型无效。", errors={"sheet": ["名册类型应为：" + "、".join(
            f"{s.kind}（{s.title}）" for s in SHEETS)]})
    named = next((workbook[n] for n in workbook.sheetnames if n.strip() == sheet.title), None)
    return [(sheet, named if named is not None else workbook.worksheets[0])]


def _read_sheet(sheet: Sheet, worksheet: Any, budget: int) -> ParsedSheet:
    rows = worksheet.iter_rows(values_only=True)
    known = {c.header: c for c in sheet.columns}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    header_number = 0
    for header_number, raw in enumerate(rows, start=1):
        labels = [_header(v) for v in raw]
        if any(label in known for label in labels):
            for index, label in enumerate(labels):
                if label in known and label not in positions:
                    positions[label] = index
                elif label and label not in known:
                    ignored.append(label)
            break
        if header_number >= HEADER_SEARCH_ROWS:
            break
    if not positions:
        raise refuse(f"工作表“{worksheet.title}”找不到{sheet.title}名册的表头（第一行应为："
                     + "、".join(known) + "）。")
    # Only the columns that say which record a row is are needed: a sheet may carry just the
    # columns it changes (a new record's other required fields are checked row by row).
    missing = [f for f in sheet.identity if not _has_column(sheet, f, positions)]
    if missing and not (sheet.kind == "postings" and "任职编号" in positions):
        headers = [sheet.header_of(f) or f for f in missing]
        raise refuse(f"工作表“{worksheet.title}”缺少必需的列：" + "、".join(headers) + "。")
    parsed = ParsedSheet(sheet, worksheet.title, [c.header for c in sheet.columns if c.header in positions],
                         [], ignored)
    example = {c.header: _shown(c.example) for c in sheet.columns}
    for number, raw in enumerate(rows, start=header_number + 1):
        if all(blank(v) for v in raw):
            continue
        if number == header_number + 1 and all(
                _shown(raw[i] if i < len(raw) else None) == example[h] for h, i in positions.items()):
            parsed.example_row = number  # the template's example (示例), left in: not data
            continue
        if len(parsed.rows) >= budget:
            raise refuse(f"数据行过多：一次最多导入 {MAX_ROWS} 行，请分批导入。")
        parsed.rows.append(_read_row(sheet, number, raw, positions))
    _mark_repeats(parsed)
    return parsed


def _header(value: Any) -> str:
    # Templates of other offices mark required columns with * and wrap long headers.
    return "".join(str(value).split()).strip("*＊") if value is not None else ""


def _has_column(sheet: Sheet, name: str, positions: dict[str, int]) -> bool:
    """The field's column, or the name column that can stand in for its code."""
    return any((c.field == name or c.names == name) and c.header in positions for c in sheet.columns)


def _read_row(sheet: Sheet, number: int, raw: tuple[Any, ...], positions: dict[str, int]) -> ParsedRow:
    row = ParsedRow(number)
    for column in sheet.columns:
        if column.field is None and column.names is None:
            continue  # shown by the export only (实际离任日期, 任职状态): nothing to read
        index = positions.get(column.header)
        value = raw[index] if index is not None and index < len(raw) else None
        row.cells[column.header] = _shown(value)
        if blank(value):
            continue  # not given: a new row's required fields are checked by the roster command
        try:
            parsed = column.parse(value)
        except CellError as err:
            row.add_error(column.header, str(err))
            continue
        if column.field is not None:
            row.values[column.field] = parsed
        elif column.names is not None:
            row.names[column.names] = parsed
    return row


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def row_key(sheet: Sheet, values: dict[str, Any]) -> tuple[Any, ...] | None:
    """What names a row: its id, or a posting without one by cadre, village, role and start."""
    if values.get("id") is not None:
        return ("id", values["id"])
    if sheet.kind == "postings":
        parts = tuple(values.get(f) for f in ("cadre_id", "village_id", "role", "term_start"))
        return parts if None not in parts else None
    return None


def _mark_repeats(parsed: ParsedSheet) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    header = parsed.sheet.columns[0].header
    for row in parsed.rows:
        key = row_key(parsed.sheet, row.values)
        if key is None:
            continue
        if key in seen:
            target = header if key[0] == "id" else ROW_KEY
            row.add_error(target, f"与第 {seen[key]} 行重复")
        else:
            seen[key] = row.number
