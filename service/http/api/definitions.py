"""/definitions: deployed processes, BPMN upload (admin), starting any deployed process."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request

from service.commands import deploy, start_process
from service.core.errors import ValidationFailed
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.definitions import (
    DefinitionQuerySchema,
    DefinitionSchema,
    StartSchema,
    UploadSchema,
)
from service.http.auth import authenticate, require_role
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import ProcessDefinition
from service.queries.instances import started_view

blp = Blueprint("definitions", __name__, url_prefix="/api/v1", description="流程定义")


def definition_body(row: ProcessDefinition, latest: bool, created: bool | None = None) -> dict[str, Any]:
    body = {
        "id": row.id, "key": row.key, "version": row.version, "name": row.name,
        "content_hash": row.content_hash, "files": sorted(row.files), "deployed_at": row.deployed_at,
        "deployed_by": row.deployed_by, "latest": latest, "warnings": list(row.warnings or []),
    }
    if created is not None:
        body["created"] = created
    return body


def _latest_versions() -> dict[str, int]:
    return dict(db.session.execute(sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version))
                                   .group_by(ProcessDefinition.key)).all())


@blp.get("/definitions")
@blp.arguments(DefinitionQuerySchema, location="query")
@blp.response(200, page_schema(DefinitionSchema))
def list_definitions(args: dict[str, Any]) -> dict[str, Any]:
    """已部署的流程定义及版本"""
    authenticate()
    stmt = sa.select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    if "key" in args:
        stmt = stmt.where(ProcessDefinition.key == args["key"])
    page = paginate(stmt, args["page"], args["per_page"])
    latest = _latest_versions()
    page["items"] = [definition_body(r, latest.get(r.key) == r.version) for r in page["items"]]
    return page


@blp.post("/definitions")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": UploadSchema}}})
@blp.response(201, DefinitionSchema)
@blp.alt_response(200, schema=DefinitionSchema, description="内容与已有版本相同：沿用该版本")
def upload_definition() -> tuple[dict[str, Any], int]:
    """上传 BPMN/DMN 文件（multipart 字段 files），校验后成为该流程的新版本（仅管理员）

    用 bpmn.io / Camunda Modeler 画的图无需 cadreflow 的扩展属性：用户任务、人工任务按所在泳道的名称
    确定办理角色（如“乡镇”“组织部”），缺少的决定与办理范围取默认值，普通任务直接通过；每一项默认
    都写在应答的 warnings 中（并随版本保存）。无法执行的元素（服务任务、没有人发送的消息等）
    以 422 拒绝，指明元素与文件。
    """
    actor = require_role("admin")
    unknown = sorted(set(request.files) - {"files"}) + sorted(request.form)
    if unknown:
        raise ValidationFailed("未知字段。", errors={name: ["未知字段。"] for name in unknown})
    uploads = request.files.getlist("files")
    if not uploads:
        raise ValidationFailed("请以 multipart 字段 files 上传 .bpmn / .dmn 文件。",
                               errors={"files": ["缺少文件。"]})
    files = {u.filename or "upload.bpmn": u.read() for u in uploads}
    row, created = deploy(actor, files)
    body = definition_body(row, _latest_versions().get(row.key) == row.version, created)
    return body, 201 if created else 200


@blp.post("/definitions/<string:key>/instances")
@blp.arguments(StartSchema)
@blp.response(201, StartedSchema)
@blp.alt_response(403, description="无权发起；或该流程有专用接口（mid_term_replacement："
                  "POST /api/v1/adjustments；recall：POST /api/v1/recalls；handover：审批通过后自动启动），"
                  "errors.key 指明去处")
@blp.alt_response(409, description="unit_duties：该派出单位该年度的流程已发起")
def start_instance(args: dict[str, Any], key: str) -> dict[str, Any]:
    """启动已部署流程（管理员，或流程开始节点所在泳道的角色）

    有专用接口的流程只能从专用接口发起：中途调整（POST /api/v1/adjustments）、召回（POST /api/v1/recalls）；
    工作交接由审批通过自动启动；unit_duties 只接受 unit_id 与 year，由系统按配置生成其余数据。
    启动数据不得含由系统填写的字段（deadline_*、duty_*、*_facts、以 _ 开头的字段）；
    干部、村对应的姓名、村名、派出单位与乡镇以登记信息为准，与之不符为 422。
    """
    actor = authenticate()
    row = start_process(actor, key, args["data"], args.get("business_key"))
    return started_view(row)
