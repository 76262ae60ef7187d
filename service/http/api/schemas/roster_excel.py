"""Schemas of the roster's Excel endpoints (templates, import preview and commit, export)."""

from marshmallow import fields, validate

from service.commands.roster_excel import AUTO, SHEETS
from service.http.api.schemas.base import StrictSchema

SHEET_KINDS = [s.kind for s in SHEETS]


class ExportQuerySchema(StrictSchema):
    sheet = fields.String(load_default=AUTO, validate=validate.OneOf([AUTO, *SHEET_KINDS]),
                          metadata={"description": "all（全部工作表）或 " + "、".join(
                              f"{s.kind}（{s.title}）" for s in SHEETS)})


class RosterUploadSchema(StrictSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": ".xlsx 文件"})
    sheet = fields.String(metadata={"description": "名册类型：all（按工作表名称，默认）或 "
                                    + "、".join(f"{s.kind}（{s.title}）" for s in SHEETS)})
    commit = fields.Boolean(metadata={"description": "true：预览无误即导入（仍是全部或全不）"})


class RowSchema(StrictSchema):
    row = fields.Integer(metadata={"description": "Excel 中的行号"})
    status = fields.String(metadata={"description": "new | changed | unchanged | error"})
    status_name = fields.String()
    cells = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "列名 -> 单元格"})
    changed = fields.List(fields.String(), metadata={"description": "将被修改的列"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "列名（或“整行”）-> 原因"})


class CountsSchema(StrictSchema):
    new = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    error = fields.Integer()


class SheetResultSchema(StrictSchema):
    kind = fields.String()
    title = fields.String(metadata={"description": "工作表名称"})
    headers = fields.List(fields.String())
    ignored_headers = fields.List(fields.String(), metadata={"description": "未识别而忽略的列"})
    example_row = fields.Integer(allow_none=True, metadata={"description": "未修改的模板示例行（已跳过）"})
    counts = fields.Nested(CountsSchema)
    rows = fields.List(fields.Nested(RowSchema))


class ImportResultSchema(StrictSchema):
    id = fields.String(metadata={"description": "文件的 sha256，提交时用"})
    filename = fields.String()
    sheet = fields.String()
    committed = fields.Boolean(metadata={"description": "是否已写入"})
    ok = fields.Boolean(metadata={"description": "没有错误行"})
    counts = fields.Nested(CountsSchema)
    sheets = fields.List(fields.Nested(SheetResultSchema))
