"""POST /adjustments: a mid-term replacement request (中途调整申请)."""

from marshmallow import fields, validate

from service.core.bounds import EARLIEST_YEAR, EFFECTIVE_DATE_YEARS_AHEAD
from service.core.text_limits import EVIDENCE_ITEMS, LONG_TEXT, SHORT_TEXT
from service.http.api.schemas.attachments import attachment_ids
from service.http.api.schemas.base import StrictSchema
from service.http.api.schemas.bounds import within_years
from workflows.rules import REASONS, ROLES


class AdjustmentSchema(StrictSchema):
    cadre_id = fields.String(required=True, validate=validate.Length(min=1),
                             metadata={"description": "被调整干部"})
    village_id = fields.String(required=True, validate=validate.Length(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    reason = fields.String(required=True, validate=validate.OneOf(tuple(REASONS)),
                           metadata={"description": "health | post_change | family_hardship | other"})
    justification = fields.String(allow_none=True, load_default="", validate=validate.Length(max=LONG_TEXT),
                                  metadata={"description": "具体理由（原因为 other 时必填）"})
    nominee_id = fields.String(required=True, validate=validate.Length(min=1),
                             metadata={"description": "接任人选"})
    effective_date = fields.Date(required=True, validate=within_years("effective_date"), metadata={
        "description": f"生效日期：{EARLIEST_YEAR} 年起，至多为今天起 {EFFECTIVE_DATE_YEARS_AHEAD} 年内"})
    evidence = fields.List(fields.String(validate=validate.Length(max=SHORT_TEXT)), load_default=list,
                           validate=validate.Length(max=EVIDENCE_ITEMS), metadata={"description": "证明材料"})
    attachments = attachment_ids("申请")


class StartedSchema(StrictSchema):
    instance_id = fields.String(required=True)
    status = fields.String(required=True)
    process = fields.String(required=True)
    version = fields.Integer(required=True)
    open_tasks = fields.List(fields.Dict(), required=True)
    rule_violations = fields.List(fields.Dict(), metadata={"description": "流程规则校验结果"})
