"""Attachments (附件): upload, list, metadata; the download is the file itself."""

from marshmallow import Schema, fields, validate

from service.core.attachments import FILES_PER_STEP
from service.core.file_types import ACCEPTED_TEXT, KINDS
from service.http.pagination import PaginationQuerySchema

CONTENT_TYPES = sorted({kind.content_type for kind in KINDS.values()})


def attachment_ids(what: str) -> fields.List:
    """The `attachments` field of a body that submits files: ids of the caller's pending uploads."""
    return fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=list,
                       validate=validate.Length(max=FILES_PER_STEP), metadata={
                           "description": f"{what}附带的附件：先上传（POST /api/v1/attachments 或 "
                                          "/api/v1/instances/{id}/attachments）得到的 id；"
                                          "提交后其名称、大小和 sha256 记入本环节的历史事件。"
                                          f"至多 {FILES_PER_STEP} 个"})


class FileUploadSchema(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": f"一个文件：{ACCEPTED_TEXT}；按内容识别类型，扩展名须与内容相符；大小上限见 "
                       "CADREFLOW_ATTACHMENT_MAX_BYTES（默认 20 MB）；文件名（可为中文）原样保留"})


class AttachmentSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "文件名（上传时的名称）"})
    kind = fields.String(required=True, metadata={"description": "按内容识别的类型：" + "、".join(KINDS)})
    kind_name = fields.String()
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "字节数"})
    size_text = fields.String()
    sha256 = fields.String(required=True, metadata={"description": "内容的 SHA-256（十六进制）"})
    sha256_short = fields.String()
    uploaded_by = fields.String(required=True)
    uploaded_by_name = fields.String()
    uploaded_at = fields.DateTime(required=True)
    instance_id = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(("pending", "submitted")), metadata={
        "description": "pending：已上传、待所附环节提交（仅上传人可见）；submitted：已随环节提交"})
    step = fields.String(allow_none=True, metadata={
        "description": "提交它的环节：start（提出申请/启动召回）或任务环节 id"})
    step_name = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    event_seq = fields.Integer(allow_none=True, metadata={"description": "记录它的历史事件序号"})
    version = fields.Integer(allow_none=True, metadata={
        "description": "同名文件在本案件中的版本（1、2……，旧版本保留）"})
    submitted_at = fields.DateTime(allow_none=True)


class AttachmentQuerySchema(PaginationQuerySchema):
    pass
