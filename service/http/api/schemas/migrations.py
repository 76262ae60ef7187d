"""Instance migration: a plan from one version of a definition to another, its dry run, the move."""

from marshmallow import Schema, fields, validate

from service.core.text_limits import SHORT_TEXT
from service.http.api.schemas.base import StrictSchema

VERSION = validate.Range(min=1, max=10**6)
ELEMENT_ID = validate.Length(min=1, max=100)


class PlanRequestSchema(StrictSchema):
    from_version = fields.Integer(required=True, strict=True, validate=VERSION,
                                  metadata={"description": "源版本号"})
    to_version = fields.Integer(required=True, strict=True, validate=VERSION,
                                metadata={"description": "目标版本号"})
    mapping = fields.Dict(
        keys=fields.String(validate=ELEMENT_ID),
        values=fields.String(allow_none=True, validate=validate.Length(max=100)),
        validate=validate.Length(max=200), load_default=dict,
        metadata={"description": "改动默认对应的环节：源环节编号 → 目标环节编号（null 或空串：不对应）。"
                                 "默认按编号相同且类型相同对应"})
    instance_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                               validate=validate.Length(min=1, max=500),
                               metadata={"description": "只检查（或迁移）这些实例；"
                                                        "省略则为源版本全部办理中、已挂起的实例"})


class MigrateRequestSchema(PlanRequestSchema):
    reason = fields.String(allow_none=True, validate=validate.Length(max=SHORT_TEXT),
                           metadata={"description": "迁移原因（记入每个实例的历史事件）"})


class ChoiceSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class PlanStepSchema(Schema):
    source_id = fields.String(required=True)
    source_name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "user_task、timer_catch、message_catch、"
                                                                 "receive_task、join；其余暂不支持迁移"})
    kind_name = fields.String(required=True)
    target_id = fields.String(allow_none=True, required=True)
    target_name = fields.String(allow_none=True, required=True)
    default_target_id = fields.String(allow_none=True, required=True)
    problem = fields.String(allow_none=True, required=True,
                            metadata={"description": "停在此环节的实例为何不能迁移（null：可以迁移）"})
    choices = fields.List(fields.Nested(ChoiceSchema), required=True,
                          metadata={"description": "目标版本中同类型、可供对应的环节"})


class PlanSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    steps = fields.List(fields.Nested(PlanStepSchema), required=True)


class ActiveElementSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class InstanceCheckSchema(Schema):
    instance_id = fields.String(required=True)
    status = fields.String(required=True)
    status_name = fields.String(required=True)
    title = fields.String(required=True)
    active = fields.List(fields.Nested(ActiveElementSchema), required=True,
                         metadata={"description": "实例当前停留的环节"})
    movable = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True,
                          metadata={"description": "不能迁移的原因（中文，指明环节）"})


class DryRunSchema(Schema):
    plan = fields.Nested(PlanSchema, required=True)
    instances = fields.List(fields.Nested(InstanceCheckSchema), required=True)
    movable = fields.Integer(required=True)
    not_movable = fields.Integer(required=True)


class MovedSchema(Schema):
    instance_id = fields.String(required=True)
    moved = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={"description": "未迁移的原因"})


class MigrationResultSchema(Schema):
    plan = fields.Nested(PlanSchema, required=True)
    items = fields.List(fields.Nested(MovedSchema), required=True)
    moved = fields.Integer(required=True)
    not_moved = fields.Integer(required=True)
