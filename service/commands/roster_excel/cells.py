"""How one Excel cell becomes a value of the roster commands, and back.

A parser takes the raw cell (what openpyxl reads: str, int, float, bool, datetime or None; never
None here, blank cells are skipped before) and returns the code the roster commands take, or
raises CellError with the Chinese reason shown next to the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import from_excel


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the person."""


Parser = Callable[[Any], Any]
Formatter = Callable[[Any], Any]

# Quotes people type or leave out around 十三五/十四五, and spaces anywhere.
_NOISE = re.compile(r"[\s\"'“”‘’「」『』]")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
LIST_SEPARATORS = re.compile(r"[、,，;；]")


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(max_length: int) -> Parser:
    def parse(raw: Any) -> str:
        if isinstance(raw, bool):
            raise CellError("应为文字")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # 编码 typed as a number: Excel stores 1001 as 1001.0
        if isinstance(raw, datetime | date):
            raise CellError("应为文字，不是日期")
        value = str(raw).strip()
        if len(value) > max_length:
            raise CellError(f"不能超过 {max_length} 个字")
        return value
    return parse


def code(max_length: int = 64) -> Parser:
    """An id: text without spaces (ids end up in URLs and other sheets' reference columns)."""
    as_text = text(max_length)

    def parse(raw: Any) -> str:
        value = as_text(raw)
        if re.search(r"\s", value):
            raise CellError("编码不能含空格")
        return value
    return parse


def whole_number(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError("应为整数")
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    value = str(raw).strip()
    if not value.isdigit():
        raise CellError("应为整数")
    return int(value)


def as_date(raw: Any) -> date:
    """An Excel date cell, a date serial number, or text such as 2024-06-01, 2024/6/1, 2024年6月1日."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise CellError("应为日期，如 2024-06-01")
    if isinstance(raw, int | float):
        # A date cell that lost its format shows as the serial number (45444 = 2024-06-01).
        if not 1 <= raw < 2958466:
            raise CellError("应为日期，如 2024-06-01")
        value = from_excel(raw)
        return value.date() if isinstance(value, datetime) else value
    match = _DATE_TEXT.match(str(raw).strip())
    if match is None:
        raise CellError("应为日期，如 2024-06-01")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as err:
        raise CellError(f"日期不存在：{str(raw).strip()}") from err


def normalise_label(value: str) -> str:
    return _NOISE.sub("", value)


def choice(names: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Parser:
    """A Chinese label (as labels.py writes it, quotes and spaces optional) or the English code."""
    by_label = {normalise_label(label): code_ for code_, label in names.items()}
    by_label.update({normalise_label(label): code_ for label, code_ in (aliases or {}).items()})

    def parse(raw: Any) -> str:
        value = normalise_label(str(raw))
        if value in by_label:
            return by_label[value]
        if value in names:
            return value
        raise CellError("应为以下之一：" + "、".join(names.values()))
    return parse


def choices(names: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Parser:
    """Several labels separated by 、 (or a comma), the first the main one; no repeats."""
    one = choice(names, aliases)

    def parse(raw: Any) -> list[str]:
        parts = [p for p in LIST_SEPARATORS.split(str(raw)) if p.strip()]
        codes: list[str] = []
        for part in parts:
            try:
                value = one(part)
            except CellError as err:
                raise CellError(f"“{part.strip()}”不是有效的类别；{err}") from err
            if value in codes:
                raise CellError(f"“{part.strip()}”重复")
            codes.append(value)
        if not codes:
            raise CellError("至少填写一个")
        return codes
    return parse


YES_NO = {True: "是", False: "否"}
_YES = {"是", "y", "yes", "true", "1", "√"}
_NO = {"否", "n", "no", "false", "0", "×"}


def yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = normalise_label(str(raw)).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError("应为“是”或“否”")


# Formatters: a value of the database as the cell of an export (the parser reads it back the same).

def plain(value: Any) -> Any:
    return value


def label_of(names: Mapping[str, str]) -> Formatter:
    return lambda value: None if value is None else names.get(value, value)


def labels_of(names: Mapping[str, str]) -> Formatter:
    return lambda values: "、".join(names.get(v, v) for v in values) if values else None


def yes_no_label(value: Any) -> str | None:
    return None if value is None else YES_NO[bool(value)]
