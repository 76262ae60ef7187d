"""Reference data: organisations, villages, cadres with postings and eligibility."""

from marshmallow import fields, validate

from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import ORG_KINDS, POSTING_ROLES, VILLAGE_CATEGORIES


class OrgSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": " | ".join(ORG_KINDS)})
    kind_name = fields.String(required=True)
    parent_id = fields.String(allow_none=True)


class OrgQuerySchema(PaginationQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORG_KINDS))
    parent_id = fields.String()


class VillageSchema(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True, metadata={"description": " | ".join(VILLAGE_CATEGORIES)})
    category_name = fields.String(required=True)
    township_id = fields.String(required=True)
    township_name = fields.String(required=True)
    has_work_team = fields.Boolean(required=True, metadata={"description": "该类村是否派驻工作队"})


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
    party_status = fields.String(required=True, metadata={"description": "formal | probationary | none"})
    party_member_since = fields.Date(allow_none=True)
    work_start_date = fields.Date(allow_none=True)
    employment_type = fields.String(required=True, metadata={"description": "permanent | temporary ..."})
    birth_date = fields.Date(allow_none=True)
    eligible_first_secretary = fields.Boolean(required=True)
    eligibility_reasons = fields.List(
        fields.Nested(EligibilityReasonSchema),
        required=True,
        metadata={"description": "不符合第一书记条件的原因（符合时为空）"},
    )
    eligibility_warnings = fields.List(fields.Nested(EligibilityReasonSchema), required=True)


class CadreQuerySchema(PaginationQuerySchema):
    unit_id = fields.String()
    village_id = fields.String()
    posted = fields.Boolean(metadata={"description": "true: 当前在村任职；false: 未任职（可作为人选）"})
    role = fields.String(validate=validate.OneOf(POSTING_ROLES), metadata={"description": "当前岗位"})
