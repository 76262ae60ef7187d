"""Audit endpoints: raw events, verification, point-in-time state."""

from marshmallow import RAISE, Schema, fields, validate

from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.http.api.schemas.bounds import within_years
from service.http.pagination import PaginationQuerySchema


class AuditEventSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor_login = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_scope = fields.String(allow_none=True)
    kind = fields.String(required=True)
    inputs = fields.Dict(required=True, metadata={"description": "命令的完整输入（重放所用）"})
    task_id = fields.String(allow_none=True)
    task_spec_id = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    state_hash = fields.String(required=True, metadata={"description": "命令执行后实例状态的哈希"})
    prev_hash = fields.String(allow_none=True)
    event_hash = fields.String(required=True)


class VerifySchema(Schema):
    instance_id = fields.String(required=True)
    chain = fields.String(required=True, validate=validate.OneOf(("ok", "broken")))
    replay = fields.String(required=True, validate=validate.OneOf(("ok", "diverged")))
    events = fields.Integer(required=True)
    first_bad_seq = fields.Integer(allow_none=True, required=True)
    detail = fields.String(required=True, metadata={"description": "中文说明"})
    attachments = fields.String(validate=validate.OneOf(("ok", "mismatch")), metadata={
        "description": "附件：保存的文件与记录它们的历史事件（名称、大小、sha256）及其内容是否一致"})


class StateQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    at = fields.AwareDateTime(required=True, format="iso", validate=within_years("at"), metadata={
        "description": f"ISO 8601 时间，须带时区偏移，如 2026-12-03T10:00:00+08:00；"
                       f"{EARLIEST_YEAR}-{LATEST_YEAR} 年之间"})


class PastTaskSchema(Schema):
    id = fields.String(required=True)
    spec_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    scope_kind = fields.String(allow_none=True)
    scope_id = fields.String(allow_none=True)
    decisions = fields.List(fields.String())
    ready_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    candidates = fields.List(fields.String(), required=True,
                             metadata={"description": "当时可办理者：持有该角色和管辖范围的用户"})


class PastTimerSchema(Schema):
    id = fields.String(required=True)
    spec_id = fields.String()
    name = fields.String()
    kind = fields.String(allow_none=True)
    what = fields.String(allow_none=True)
    notify = fields.String(allow_none=True)
    fire_at = fields.DateTime(allow_none=True)
    task_id = fields.String(allow_none=True)


class StateAtSchema(Schema):
    instance_id = fields.String(required=True)
    process = fields.String(required=True)
    version = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    as_of_seq = fields.Integer(required=True, metadata={"description": "截至该时间的最后一条事件序号"})
    status = fields.String(required=True)
    status_name = fields.String()
    open_tasks = fields.List(fields.Nested(PastTaskSchema), required=True)
    timers = fields.List(fields.Nested(PastTimerSchema), required=True)
    data = fields.Dict(required=True)


class AuditEventsQuerySchema(PaginationQuerySchema):
    pass
