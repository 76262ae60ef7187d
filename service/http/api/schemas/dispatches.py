"""POST /dispatches (选派, 期满轮换) and POST/GET /dispatch-rounds (选派批次)."""

from marshmallow import Schema, fields, validate

from service.core.text_limits import SHORT_TEXT
from service.http.api.schemas.base import StrictSchema
from service.http.api.schemas.bounds import within_years
from service.persistence.models import VILLAGE_CATEGORIES
from workflows.rules import ROLES

ID = validate.Length(min=1, max=64)


class DispatchSchema(StrictSchema):
    village_id = fields.String(required=True, validate=ID)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    cadre_id = fields.String(required=True, validate=ID, metadata={"description": "拟选派干部"})
    term_start = fields.Date(load_default=None, validate=within_years("term_start"),
                             metadata={"description": "任期开始日期（批次内提名可省略，取批次的）"})
    planned_end = fields.Date(load_default=None, validate=within_years("planned_end"),
                              metadata={"description": "计划期满日，默认与名册相同：任期满 2 年即止"
                                                       "（2027-03-01 起至 2029-02-28），不得少于 2 年"})
    predecessor_cadre_id = fields.String(load_default=None, allow_none=True, validate=ID,
                                         metadata={"description": "期满轮换：任期届满的同村同岗干部"})
    round_id = fields.String(load_default=None, allow_none=True, validate=ID,
                             metadata={"description": "所属选派批次"})


class RoundSchema(StrictSchema):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=SHORT_TEXT))
    term_start = fields.Date(required=True, validate=within_years("term_start"))
    term_end = fields.Date(required=True, validate=within_years("term_end"),
                           metadata={"description": "计划期满日（任期不少于 2 年）"})
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list,
                        validate=validate.Length(max=len(ROLES)))
    village_ids = fields.List(fields.String(validate=ID), load_default=list,
                              validate=validate.Length(max=1000))
    township_id = fields.String(load_default=None, allow_none=True, validate=ID)
    categories = fields.List(fields.String(validate=validate.OneOf(VILLAGE_CATEGORIES)), load_default=list,
                             validate=validate.Length(max=len(VILLAGE_CATEGORIES)))


class RoundEntrySchema(Schema):
    instance_id = fields.String(allow_none=True)
    state = fields.String()
    state_name = fields.String()
    steps = fields.List(fields.String())
    cadre_id = fields.String(allow_none=True)
    cadre_name = fields.String(allow_none=True)
    rotation = fields.Boolean()
    created_at = fields.DateTime()


class RoundItemSchema(Schema):
    village_id = fields.String()
    village_name = fields.String()
    township_id = fields.String()
    township_name = fields.String(allow_none=True)
    categories = fields.List(fields.String())
    category_names = fields.List(fields.String())
    role = fields.String()
    role_name = fields.String()
    state = fields.String(metadata={"description": "none|running|handover|posted|rejected|withdrawn"})
    state_name = fields.String()
    dispatches = fields.List(fields.Nested(RoundEntrySchema))


class RoundViewSchema(Schema):
    id = fields.String()
    name = fields.String()
    term_start = fields.Date()
    term_end = fields.Date()
    roles = fields.List(fields.String())
    village_ids = fields.List(fields.String())
    created_by = fields.String()
    created_at = fields.DateTime()
    items = fields.List(fields.Nested(RoundItemSchema))
    summary = fields.Dict()
