"""The blank workbook people fill in: headers, one example row, drop-down lists, notes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from service.commands.roster_excel.sheets import Sheet

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Data validation reaches this far down: enough rows for a county, cheap in the file.
VALIDATION_ROWS = 5000
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def style_header(worksheet: Worksheet, sheet: Sheet) -> None:
    """Bold headers (required ones red), notes as comments, widths, the header row frozen."""
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        note = "必填。" if column.required else ""
        note += column.note
        if note:
            cell.comment = Comment(note, "名册模板")
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = "A2"


def add_choice_lists(worksheet: Worksheet, sheet: Sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        if not column.choices:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                    allow_blank=True, showErrorMessage=True,
                                    errorTitle="输入有误",
                                    error="请从下拉列表中选择：" + "、".join(column.choices))
        validation.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
        worksheet.add_data_validation(validation)


def template_workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        style_header(worksheet, sheet)
        add_choice_lists(worksheet, sheet)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=2, column=index, value=column.example)
            if column.is_date:
                cell.number_format = DATE_FORMAT
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
