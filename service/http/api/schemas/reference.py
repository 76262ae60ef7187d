"""Reference data: organisations, villages, cadres with postings and eligibility."""

from marshmallow import fields, validate

from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import (
    EMPLOYMENT_TYPES,
    ORG_KINDS,
    PARTY_STATUSES,
    POSTING_ROLES,
    UNIT_KINDS,
    UNIT_LEVELS,
    VILLAGE_CATEGORIES,
)


class OrgSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": " | ".join(ORG_KINDS)})
    kind_name = fields.String(required=True)
    parent_id = fields.String(allow_none=True)
    level = fields.String(allow_none=True,
                          metadata={"description": "派出单位层级：" + " | ".join(UNIT_LEVELS)})
    level_name = fields.String(allow_none=True, metadata={"description": "县级 | 市级 | 省级"})
    unit_kind = fields.String(allow_none=True,
                              metadata={"description": "派出单位性质：" + " | ".join(UNIT_KINDS)})
    unit_kind_name = fields.String(allow_none=True,
                                   metadata={"description": "党政机关 | 事业单位 | 驻县单位 | 企业"})


class OrgQuerySchema(PaginationQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORG_KINDS))
    parent_id = fields.String()


class VillageSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True, metadata={"description": " | ".join(VILLAGE_CATEGORIES)})
    category_name = fields.String(required=True)
    categories = fields.List(fields.String(), required=True,
                             metadata={"description": "该村的全部类别，主类别（即 category）在前"})
    category_names = fields.List(fields.String(), required=True)
    township_id = fields.String(required=True)
    township_name = fields.String(required=True)
    has_work_team = fields.Boolean(required=True,
                                   metadata={"description": "该村是否派驻工作队（任一类别需要即是）"})


class VillageQuerySchema(PaginationQuerySchema):
    township_id = fields.String()
    category = fields.String(validate=validate.OneOf(VILLAGE_CATEGORIES))


class PostingSchema(StrictSchema):
    village_id = fields.String(required=True)
    village_name = fields.String(required=True)
    township_id = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": " | ".join(POSTING_ROLES)})
    term_start = fields.Date(required=True)
    term_end = fields.Date(allow_none=True, metadata={"description": "ended_on once ended, else planned_end"})
    planned_end = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    leads_team = fields.Boolean(required=True,
                                metadata={"description": "first secretary leading the work team"})
    active = fields.Boolean(required=True)


class EligibilityReasonSchema(StrictSchema):
    rule = fields.String(required=True)
    field = fields.String(required=True)
    message = fields.String(required=True)


class CadreSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    unit_id = fields.String(required=True)
    unit_name = fields.String(required=True)
    postings = fields.List(fields.Nested(PostingSchema), required=True)
    posted = fields.Boolean(required=True, metadata={"description": "当前是否在村任职"})
    party_status = fields.String(required=True, metadata={"description": " | ".join(PARTY_STATUSES)})
    party_status_name = fields.String(required=True)
    party_member_since = fields.Date(allow_none=True, metadata={"description": "入党时间"})
    party_confirmed_on = fields.Date(allow_none=True, metadata={"description": "转正时间"})
    work_start_date = fields.Date(allow_none=True)
    employment_type = fields.String(required=True, metadata={"description": " | ".join(EMPLOYMENT_TYPES)})
    employment_type_name = fields.String(required=True)
    birth_date = fields.Date(allow_none=True)
    post = fields.String(allow_none=True, metadata={"description": "现任职务"})
    rural_expertise = fields.Boolean(required=True, metadata={"description": "有农村工作经历或农业专长"})
    eligible_first_secretary = fields.Boolean(required=True)
    eligibility_reasons = fields.List(
        fields.Nested(EligibilityReasonSchema),
        required=True,
        metadata={"description": "不符合第一书记条件的原因（符合时为空）"},
    )
    eligibility_warnings = fields.List(fields.Nested(EligibilityReasonSchema), required=True)


class CadreQuerySchema(PaginationQuerySchema):
    q = fields.String(validate=validate.Length(max=50), metadata={
        "description": "按姓名、派出单位名称或所驻村名称查找（包含即匹配）"})
    unit_id = fields.String()
    village_id = fields.String()
    posted = fields.Boolean(metadata={"description": "true: 当前在村任职；false: 未任职（可作为人选）"})
    role = fields.String(validate=validate.OneOf(POSTING_ROLES), metadata={"description": "当前岗位"})
