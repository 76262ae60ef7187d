"""/roster/templates, /roster/imports, /roster/export.xlsx: the roster in and out of Excel.

An upload answers with a preview (every row: new, changed, unchanged or its bad cells) and writes
nothing but the kept file; POST /roster/imports/{id}/commit then applies exactly that file, all
rows or none (a bad row: 422 with every bad cell in `errors`, nothing written).
"""

from __future__ import annotations

import io
import tempfile
from typing import Any

from flask import Response, request, send_file

from service.commands.roster_excel import (
    AUTO,
    MIME,
    SHEETS,
    SHEETS_BY_KIND,
    ImportRejected,
    commit,
    preview,
    template_workbook,
    upload,
    write_export,
)
from service.commands.roster_excel.view import result_view
from service.core.errors import NotFound, ValidationFailed
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.roster_excel import ExportQuerySchema, ImportResultSchema, RosterUploadSchema
from service.http.auth import authenticate, require_role

blp = Blueprint("roster_excel", __name__, url_prefix="/api/v1/roster",
                description="名册 Excel：模板、导入、导出")

# Who reads the whole roster in one file: the county's bodies (unit HR and townships see theirs
# through the pages and /cadres).
EXPORTERS = ("admin", "org_dept", "county", "rrb", "auditor")
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}
SPOOL_BYTES = 8 * 1024 * 1024  # an export bigger than this goes to a temporary file, not memory


@blp.get("/templates/<string:sheet>.xlsx")
@blp.response(200, description="名册模板（.xlsx）", content_type=MIME)
def template(sheet: str) -> Response:
    """名册模板：中文表头、一行示例、下拉选项；sheet 为 all 时含全部工作表"""
    authenticate()
    chosen = list(SHEETS) if sheet == AUTO else [SHEETS_BY_KIND[sheet]] if sheet in SHEETS_BY_KIND else None
    if chosen is None:
        raise NotFound(f"没有名为 {sheet} 的名册模板（可选 all、" + "、".join(SHEETS_BY_KIND) + "）。")
    name = "名册模板" if sheet == AUTO else f"{chosen[0].title}名册模板"
    return _xlsx(template_workbook(chosen), f"{name}.xlsx")


def _xlsx(content: bytes, filename: str) -> Response:
    return send_file(io.BytesIO(content), mimetype=MIME, as_attachment=True, download_name=filename)


def _flag(raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValidationFailed("commit 须为 true 或 false。", errors={"commit": ["须为 true 或 false。"]})


@blp.post("/imports")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": RosterUploadSchema}}})
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, description="文件不是 .xlsx、过大、行数过多或缺少必需的列；commit=true 而有"
                  "错误行时，errors 列出每个有问题的单元格（工作表!第N行 列名），且全部不写入")
def upload_import() -> dict[str, Any]:
    """上传名册 .xlsx：逐行校验并预览（新增 / 修改 / 无变化 / 错误），不写入名册；commit=true 时无误即导入"""
    actor = authenticate()
    unknown = sorted(set(request.files) - {"file"}) + sorted(set(request.form) - {"sheet", "commit"})
    if unknown:
        raise ValidationFailed("未知字段。", errors={name: ["未知字段。"] for name in unknown})
    upload_file = request.files.get("file")
    if upload_file is None:
        raise ValidationFailed("请以 multipart 字段 file 上传 .xlsx 文件。", errors={"file": ["缺少文件。"]})
    wants_commit = _flag(request.form.get("commit"))
    result = upload(actor, upload_file.read(), upload_file.filename or "roster.xlsx",
                    request.form.get("sheet") or AUTO)
    if wants_commit and result.outcome.ok:
        result = commit(actor, result.id)
    elif wants_commit:
        raise ImportRejected(result)
    return result_view(result)


@blp.get("/imports/<string:import_id>")
@blp.response(200, ImportResultSchema)
def show_import(import_id: str) -> dict[str, Any]:
    """已上传文件的预览（按当前名册重新校验）"""
    return result_view(preview(authenticate(), import_id))


@blp.post("/imports/<string:import_id>/commit")
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, description="有错误行：errors 列出每个有问题的单元格，全部不写入")
def commit_import(import_id: str) -> dict[str, Any]:
    """导入已预览的文件：全部行在一个事务中写入，任何一行有误则全部不写入；再次导入同一文件不产生变化"""
    return result_view(commit(authenticate(), import_id))


@blp.get("/export.xlsx")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, description="名册（.xlsx），可修改后按原样导入", content_type=MIME)
def export(args: dict[str, Any]) -> Response:
    """导出名册（全部工作表，或 sheet 指定的一张，如 postings 驻村任职），格式与导入模板相同"""
    require_role(*EXPORTERS)
    sheets = list(SHEETS) if args["sheet"] == AUTO else [SHEETS_BY_KIND[args["sheet"]]]
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    write_export(sheets, out)
    out.seek(0)
    name = "名册" if args["sheet"] == AUTO else sheets[0].title
    return send_file(out, mimetype=MIME, as_attachment=True, download_name=f"{name}.xlsx")
