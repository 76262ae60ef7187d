"""/presence: months in the village (在村天数) recorded, confirmed, imported from Excel; and
/cadres/{id}/presence: a cadre's year, month by month, with their leaves."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request, send_file

from service.commands.presence import confirm_presence, import_presence, presence_template, record_presence
from service.commands.roster_excel import MIME
from service.core.errors import ValidationFailed
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.presence import (
    CadrePresenceSchema,
    PresenceConfirmSchema,
    PresenceImportSchema,
    PresenceMonthSchema,
    PresenceQuerySchema,
    PresenceRecordSchema,
    PresenceUploadSchema,
    TemplateQuerySchema,
    YearQuerySchema,
)
from service.http.auth import authenticate, require_role
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import PresenceMonth
from service.queries.presence import (
    county_today,
    presence_items,
    visible_cadre,
    visible_presence_statement,
    year_of,
)

blp = Blueprint("presence", __name__, url_prefix="/api/v1", description="驻村干部在村天数（在岗管理）")
IMPORTERS = ("township", "county", "org_dept")


def _item(row: PresenceMonth) -> dict[str, Any]:
    db.session.refresh(row)
    return presence_items([row])[0]


@blp.post("/presence")
@blp.roles("cadre", "township")
@blp.arguments(PresenceRecordSchema)
@blp.response(201, PresenceMonthSchema)
@blp.alt_response(409, description="该月已由乡镇确认，驻村干部不能再修改")
def record_month(args: dict[str, Any]) -> dict[str, Any]:
    """填报某月在村天数：驻村干部填报本人的（待乡镇确认）；乡镇为本乡镇的驻村干部填报（即为确认）"""
    return _item(record_presence(authenticate(), args, source="api"))


@blp.post("/presence/<int:record_id>/confirm")
@blp.roles("township")
@blp.arguments(PresenceConfirmSchema)
@blp.response(200, PresenceMonthSchema)
def confirm_month(args: dict[str, Any], record_id: int) -> dict[str, Any]:
    """乡镇确认某月在村天数（可更正）；低于应在村天数时通知乡镇和派出单位（人事部门）"""
    return _item(confirm_presence(authenticate(), record_id, args, source="api"))


@blp.get("/presence")
@blp.arguments(PresenceQuerySchema, location="query")
@blp.response(200, page_schema(PresenceMonthSchema))
def list_months(args: dict[str, Any]) -> dict[str, Any]:
    """在村天数记录（可按干部、乡镇、年、月、状态筛选），只含可查看的"""
    page = paginate(visible_presence_statement(authenticate(), args), args["page"], args["per_page"])
    page["items"] = presence_items(page["items"])
    return page


@blp.post("/presence/imports")
@blp.roles(*IMPORTERS)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": PresenceUploadSchema}}})
@blp.response(200, PresenceImportSchema)
@blp.alt_response(422, description="文件有误，或有错误行：errors 列出每个有问题的单元格"
                  "（第N行 列名），全部不写入")
def import_months() -> dict[str, Any]:
    """从 Excel 导入在村天数（乡镇导入本乡镇的；全部或全不写入；导入即为确认）"""
    actor = require_role(*IMPORTERS)
    unknown = sorted(set(request.files) - {"file"}) + sorted(request.form)
    if unknown:
        raise ValidationFailed("未知字段。", errors={name: ["未知字段。"] for name in unknown})
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("请以 multipart 字段 file 上传 .xlsx 文件。", errors={"file": ["缺少文件。"]})
    return import_presence(actor, upload.read(), upload.filename or "presence.xlsx").as_dict()


@blp.get("/presence/template.xlsx")
@blp.roles(*IMPORTERS)
@blp.arguments(TemplateQuerySchema, location="query")
@blp.response(200, description="在村天数导入模板（.xlsx），列出该月在本乡镇任职的驻村干部", content_type=MIME)
def template(args: dict[str, Any]) -> Response:
    """在村天数导入模板"""
    content = presence_template(require_role(*IMPORTERS), args["year"], args["month"])
    name = f"在村天数-{args['year']}年{args['month']}月.xlsx"
    return send_file(io.BytesIO(content), mimetype=MIME, as_attachment=True, download_name=name)


@blp.get("/cadres/<string:cadre_id>/presence")
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, CadrePresenceSchema)
def cadre_year(args: dict[str, Any], cadre_id: str) -> dict[str, Any]:
    """干部某年（默认今年）的在村情况：逐月在村天数、批准请假天数、应在村天数、是否不足，及请假记录"""
    cadre = visible_cadre(authenticate(), cadre_id)
    return year_of(cadre.id, args.get("year") or county_today().year)
