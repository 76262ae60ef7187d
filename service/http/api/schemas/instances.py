"""Instances: list, detail, terminate, history timeline, diagram."""

from marshmallow import Schema, fields, validate

from service.core.text_limits import SHORT_TEXT
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import INSTANCE_STATUSES


class InstanceQuerySchema(PaginationQuerySchema):
    status = fields.String(validate=validate.OneOf(INSTANCE_STATUSES))
    process = fields.String()
    village_id = fields.String()
    cadre_id = fields.String(metadata={"description": "匹配被调整/原任/新任干部"})


class InstanceItemSchema(Schema):
    id = fields.String(required=True)
    process = fields.String(required=True)
    process_name = fields.String()
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    status_name = fields.String()
    business_key = fields.String(allow_none=True)
    submitter = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    revision = fields.Integer()
    cadre_id = fields.String(allow_none=True)
    old_cadre_id = fields.String(allow_none=True)
    new_cadre_id = fields.String(allow_none=True)
    village_id = fields.String(allow_none=True)
    township_id = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    summary = fields.Dict()


class TimerSchema(Schema):
    id = fields.String()
    fire_at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    what = fields.String(required=True, metadata={"description": "定时器到期时做什么（中文）"})
    notify = fields.String(allow_none=True)
    task = fields.Dict(allow_none=True)
    calendar_uncovered = fields.Boolean()


class InstanceDetailSchema(InstanceItemSchema):
    process_name = fields.String()
    data = fields.Dict(required=True)
    open_tasks = fields.List(fields.Dict(), required=True)
    timers = fields.List(fields.Nested(TimerSchema), required=True)
    related = fields.List(fields.Dict(), metadata={"description": "关联实例（交接、来源申请）"})
    error = fields.String(allow_none=True)


class WithdrawSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=SHORT_TEXT),
                           metadata={"description": "撤回原因（记入办理经过，并告知当前待办的办理人）"})


class TerminateSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=SHORT_TEXT),
                           metadata={"description": "终止原因（记入办理经过）"})


class SuspendSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=SHORT_TEXT),
                           metadata={"description": "挂起原因（记入办理经过）"})


class ResumeSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=SHORT_TEXT),
                           metadata={"description": "恢复运行原因（记入办理经过）"})


class ActorSchema(Schema):
    login = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)


class HistoryEntrySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    kind = fields.String(required=True)
    kind_name = fields.String()
    decision = fields.String(allow_none=True)
    decision_name = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    task_spec_id = fields.String(allow_none=True)
    task_name = fields.String(allow_none=True)
    description = fields.String()
    attachments = fields.List(fields.Dict(), metadata={
        "description": "本事件提交的附件（名称、大小、sha256 等，与事件记录的哈希一致）"})


class HistoryQuerySchema(PaginationQuerySchema):
    pass


class DiagramSchema(Schema):
    process = fields.String(required=True)
    version = fields.Integer(required=True)
    xml = fields.String(required=True, metadata={"description": "BPMN 2.0 XML（含 BPMNDI）"})
    completed = fields.List(fields.String(), required=True, metadata={"description": "已完成的元素 id"})
    active = fields.List(fields.String(), required=True, metadata={"description": "当前活动的元素 id"})
    completed_element_ids = fields.List(fields.String())
    active_element_ids = fields.List(fields.String())
