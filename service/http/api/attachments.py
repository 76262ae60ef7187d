"""/attachments and /instances/{id}/attachments: upload a file, list a case's files, download one.

An upload is pending until the step that carries it is submitted with its id (`attachments` of
POST /adjustments, POST /recalls or POST /tasks/{id}/complete): that step's history event then
names the file's name, size and SHA-256. Downloads follow the case's access rule (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import Response, request

from service.commands.attachments import NewFile, upload_attachment
from service.core.errors import ValidationFailed
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.attachments import (
    CONTENT_TYPES,
    AttachmentQuerySchema,
    AttachmentSchema,
    FileUploadSchema,
)
from service.http.auth import authenticate
from service.http.files import accepts_files, attachment_response
from service.http.pagination import page_schema, paginate
from service.queries.attachments import (
    attachment_content,
    attachment_items,
    case_attachments_query,
    visible_attachment,
)
from service.queries.instances import visible_instance

blp = Blueprint("attachments", __name__, url_prefix="/api/v1", description="附件（证明材料文件）")

OPENERS = ("unit_hr", "org_dept", "rrb", "county")  # who files a request or opens a recall
UPLOAD_DOC = {"requestBody": {"required": True,
                              "content": {"multipart/form-data": {"schema": FileUploadSchema}}}}
REFUSED = "缺少文件、空文件、超过大小上限、类型不受支持或内容与扩展名不符（errors.file）"
DOWNLOAD_DOC = {"responses": {"200": {
    "description": "文件内容；Content-Disposition 带原文件名（RFC 5987 filename*，UTF-8），ETag 为其 sha256",
    "content": {ct: {"schema": {"type": "string", "format": "binary"}} for ct in CONTENT_TYPES}}}}


def _the_file() -> NewFile:
    unknown = sorted(set(request.files) - {"file"}) + sorted(request.form)
    if unknown:
        raise ValidationFailed("未知字段：" + "、".join(unknown),
                               errors={name: ["未知字段。"] for name in unknown})
    uploads = request.files.getlist("file")
    if not uploads:
        raise ValidationFailed("请以 multipart 字段 file 上传一个文件。", errors={"file": ["缺少文件。"]})
    if len(uploads) > 1:
        raise ValidationFailed("一次上传一个文件。", errors={"file": ["一次上传一个文件。"]})
    return NewFile(uploads[0].filename, uploads[0].read())


@blp.post("/attachments")
@blp.roles(*OPENERS)
@blp.doc(**UPLOAD_DOC)
@blp.response(201, AttachmentSchema)
@blp.alt_response(413, description="请求体超过上限")
@blp.alt_response(422, description=REFUSED)
@accepts_files(1)
def upload_for_request() -> dict[str, Any]:
    """上传附件，用于尚未提交的调整申请或召回（派出单位人事部门、县委组织部、县乡村振兴局、县领导小组）

    返回的 id 在 POST /api/v1/adjustments 或 /api/v1/recalls 的 attachments 中引用；提交前仅上传人可见。
    """
    return attachment_items([upload_attachment(authenticate(), _the_file())])[0]


@blp.post("/instances/<string:instance_id>/attachments")
@blp.doc(**UPLOAD_DOC)
@blp.response(201, AttachmentSchema)
@blp.alt_response(403, description="调用者在该案件中没有可以附带附件的待办环节")
@blp.alt_response(404, description="案件不存在或无权查看")
@blp.alt_response(413, description="请求体超过上限")
@blp.alt_response(422, description=REFUSED)
@accepts_files(1)
def upload_for_step(instance_id: str) -> dict[str, Any]:
    """为案件中本人的待办环节上传附件（修改申请、编制交接清单、本人陈述、核实问题）

    返回的 id 在办理该任务时（POST /api/v1/tasks/{id}/complete 的 attachments）引用；提交前仅上传人可见。
    """
    return attachment_items([upload_attachment(authenticate(), _the_file(), instance_id)])[0]


@blp.get("/instances/<string:instance_id>/attachments")
@blp.arguments(AttachmentQuerySchema, location="query")
@blp.response(200, page_schema(AttachmentSchema))
@blp.alt_response(404, description="案件不存在或无权查看")
def list_for_case(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """案件已提交的附件（按提交顺序；同名文件的各版本都在，各有其 sha256）"""
    row = visible_instance(authenticate(), instance_id)
    page = paginate(case_attachments_query(row.id), args["page"], args["per_page"])
    page["items"] = attachment_items(page["items"])
    return page


@blp.get("/attachments/<string:ref>")
@blp.response(200, AttachmentSchema)
@blp.alt_response(404, description="附件不存在或无权查看")
def get_attachment(ref: str) -> dict[str, Any]:
    """附件信息（ref 为附件 id 或内容的 sha256）"""
    return attachment_items([visible_attachment(authenticate(), ref)])[0]


@blp.get("/attachments/<string:ref>/download")
@blp.doc(**DOWNLOAD_DOC)
@blp.alt_response(404, description="附件不存在或无权查看（与案件的查看权限相同）")
def download(ref: str) -> Response:
    """下载附件（ref 为附件 id 或内容的 sha256）；可查看案件者方可下载"""
    row = visible_attachment(authenticate(), ref)
    return attachment_response(row, attachment_content(row))
