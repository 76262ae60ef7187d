"""Tasks: inbox, detail, claim/unclaim, complete, transfer."""

from marshmallow import Schema, ValidationError, fields, validate

from service.core.labels import PROCESS_NAMES
from service.core.text_limits import COMMENT
from service.http.api.schemas.attachments import attachment_ids
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.queries.inbox import MAX_DUE_DAYS, MAX_SEARCH, SORTS, normal_due
from workflows.parsing import DECISIONS


def _due(raw: str) -> None:
    if normal_due(raw) is None:
        raise ValidationError(f"须为 overdue（已超期）或 0-{MAX_DUE_DAYS} 的工作日数（该工作日数内到期）。")


class TaskQuerySchema(PaginationQuerySchema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "done")),
                           metadata={"description": "open：待办（可办理的）；done：本人已办"})
    # The inbox's filters and order (queries.inbox), as the 待办 page offers them.
    q = fields.String(validate=validate.Length(max=MAX_SEARCH, error=f"不超过 {MAX_SEARCH} 个字符。"),
                      metadata={"description": "查找：干部（被调整、原任、新任）或村的名称中的字；"
                                               "以空格分隔的每个词都须找到"})
    process = fields.String(validate=validate.OneOf(tuple(PROCESS_NAMES)), metadata={"description": "流程"})
    township_id = fields.String(metadata={"description": "事项所在乡镇"})
    unit_id = fields.String(metadata={"description": "事项的派出单位"})
    due = fields.String(validate=_due, metadata={
        "description": f"overdue：已超期；0-{MAX_DUE_DAYS}：该数量的工作日内到期（0：今日到期），未超期"})
    sort = fields.String(validate=validate.OneOf(tuple(SORTS)), metadata={
        "description": "due：按办理期限（默认）；received：按收到时间，最新的在前；"
                       "process：按流程，再按期限"})


class TaskItemSchema(Schema):
    id = fields.String(required=True)
    instance_id = fields.String(required=True)
    process = fields.String(required=True)
    process_name = fields.String()
    spec_id = fields.String()
    name = fields.String(required=True)
    role = fields.String(required=True)
    role_name = fields.String()
    scope_kind = fields.String()
    scope_id = fields.String(allow_none=True)
    status = fields.String()
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    decisions = fields.List(fields.String(), required=True)
    decision_names = fields.Dict(metadata={"description": "本环节各决定的名称（流程定义中的环节用语）"})
    claimed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_name = fields.String(allow_none=True, metadata={"description": "已作出的决定（本环节用语）"})
    claimed_by_name = fields.String(allow_none=True, metadata={"description": "认领人姓名"})
    comment = fields.String(allow_none=True)
    summary = fields.Dict()


class TaskDetailSchema(TaskItemSchema):
    form_fields = fields.List(fields.Dict(), required=True)
    comment_required = fields.List(fields.String(), required=True)
    data = fields.Dict(metadata={"description": "流程业务数据"})
    sections = fields.List(fields.Dict(), metadata={
        "description": "本环节办理依据：各分节（id、title、kind=facts|table、focus、rows/columns），"
                       "供人阅读"})
    can_act = fields.Boolean()


class CompleteSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=COMMENT))
    data = fields.Dict(keys=fields.String(), load_default=dict)
    attachments = attachment_ids("本环节（修改申请、编制交接清单、本人陈述、核实问题）")


class CompletedSchema(Schema):
    task = fields.Nested(TaskItemSchema, required=True)
    instance_id = fields.String(required=True)
    instance_status = fields.String(required=True)
    started_instances = fields.List(fields.String(), required=True)
    open_tasks = fields.List(fields.Dict())


class TransferSchema(StrictSchema):
    to_user = fields.String(required=True, validate=validate.Length(min=1),
                             metadata={"description": "登录名"})
