"""Changing the roster: townships and units (/orgs), villages, cadres, postings; the change log.

Input schemas check the shape (types, codes, lengths); the commands (service/commands/roster)
check the rules and answer 422 naming the field in Chinese."""

from marshmallow import fields, validate

from service.commands.roster.fields import ID_MAX, NAME_MAX, POST_MAX, REASON_MAX
from service.http.api.schemas.base import StrictSchema
from service.http.api.schemas.bounds import within_years
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import (
    EMPLOYMENT_TYPES,
    PARTY_STATUSES,
    POSTING_ROLES,
    UNIT_KINDS,
    UNIT_LEVELS,
    VILLAGE_CATEGORIES,
)
from service.persistence.models.roster_changes import ROSTER_ENTITIES

ORG_WRITE_KINDS = ("township", "dispatch_unit")


def _id(**kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=ID_MAX), **kwargs)  # type: ignore[arg-type]


def _name(**kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=NAME_MAX), **kwargs)  # type: ignore[arg-type]


class OrgPatchSchema(StrictSchema):
    name = _name()
    level = fields.String(validate=validate.OneOf(UNIT_LEVELS), metadata={"description": "派出单位才有"})
    unit_kind = fields.String(validate=validate.OneOf(UNIT_KINDS), metadata={"description": "派出单位才有"})


class OrgCreateSchema(OrgPatchSchema):
    id = _id(required=True)
    name = _name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORG_WRITE_KINDS), metadata={
        "description": "township（乡镇） | dispatch_unit（派出单位，须填 level 与 unit_kind）"})


class VillagePatchSchema(StrictSchema):
    name = _name()
    township_id = _id()
    categories = fields.List(fields.String(validate=validate.OneOf(VILLAGE_CATEGORIES)),
                             validate=validate.Length(min=1, max=len(VILLAGE_CATEGORIES)),
                             metadata={"description": "村类别，主类别在前"})


class VillageCreateSchema(VillagePatchSchema):
    id = _id(required=True)
    name = _name(required=True)
    township_id = _id(required=True)
    categories = fields.List(fields.String(validate=validate.OneOf(VILLAGE_CATEGORIES)), required=True,
                             validate=validate.Length(min=1, max=len(VILLAGE_CATEGORIES)),
                             metadata={"description": "村类别，主类别在前"})


class CadrePatchSchema(StrictSchema):
    name = _name()
    unit_id = _id(metadata={"description": "所在单位：派出单位，或乡镇（乡镇补齐的工作队员）"})
    party_status = fields.String(validate=validate.OneOf(PARTY_STATUSES))
    party_member_since = fields.Date(allow_none=True, metadata={"description": "入党时间"})
    party_confirmed_on = fields.Date(allow_none=True, metadata={"description": "转正时间"})
    work_start_date = fields.Date(metadata={"description": "参加工作时间"})
    employment_type = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES))
    birth_date = fields.Date()
    post = fields.String(allow_none=True, validate=validate.Length(max=POST_MAX),
                         metadata={"description": "现任职务"})
    rural_expertise = fields.Boolean(metadata={"description": "有农村工作经历或农业专长"})


class CadreCreateSchema(CadrePatchSchema):
    id = _id(required=True)
    name = _name(required=True)
    unit_id = _id(required=True)
    party_status = fields.String(required=True, validate=validate.OneOf(PARTY_STATUSES))
    work_start_date = fields.Date(required=True, metadata={"description": "参加工作时间"})
    employment_type = fields.String(required=True, validate=validate.OneOf(EMPLOYMENT_TYPES))
    birth_date = fields.Date(required=True)


class PostingPatchSchema(StrictSchema):
    planned_end = fields.Date(metadata={"description": "计划任期届满日期（任期至少 2 年）"})
    supplier_id = _id(metadata={"description": "选派单位"})
    leads_team = fields.Boolean(metadata={"description": "兼任工作队队长（仅第一书记）"})


class PostingCreateSchema(PostingPatchSchema):
    cadre_id = _id(required=True)
    village_id = _id(required=True)
    role = fields.String(required=True, validate=validate.OneOf(POSTING_ROLES))
    term_start = fields.Date(required=True)


class PostingEndSchema(StrictSchema):
    ended_on = fields.Date(required=True, metadata={"description": "任职结束日期"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=REASON_MAX),
                           metadata={"description": "结束原因"})


class PostingRowSchema(StrictSchema):
    id = fields.Integer(required=True)
    cadre_id = fields.String(required=True)
    cadre_name = fields.String(required=True)
    village_id = fields.String(required=True)
    village_name = fields.String(required=True)
    township_id = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": " | ".join(POSTING_ROLES)})
    role_name = fields.String(required=True)
    term_start = fields.Date(required=True)
    term_end = fields.Date(allow_none=True, metadata={"description": "ended_on once ended, else planned_end"})
    planned_end = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    supplier_id = fields.String(allow_none=True)
    supplier_name = fields.String(allow_none=True)
    leads_team = fields.Boolean(required=True)
    active = fields.Boolean(required=True)


class PostingQuerySchema(PaginationQuerySchema):
    cadre_id = fields.String()
    village_id = fields.String()
    role = fields.String(validate=validate.OneOf(POSTING_ROLES))
    active = fields.Boolean()


class RosterChangeSchema(StrictSchema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor_login = fields.String(required=True)
    actor_name = fields.String(required=True)
    actor_role = fields.String(allow_none=True)
    actor_role_name = fields.String(allow_none=True)
    entity = fields.String(required=True, metadata={"description": " | ".join(ROSTER_ENTITIES)})
    entity_name = fields.String(required=True)
    entity_id = fields.String(required=True)
    record_name = fields.String(allow_none=True, metadata={"description": "记录的名称（村名、姓名等）"})
    action = fields.String(required=True)
    action_name = fields.String(required=True)
    before = fields.Dict(allow_none=True, metadata={"description": "变更前（仅变化的字段；新增时为空）"})
    after = fields.Dict(allow_none=True, metadata={"description": "变更后（仅变化的字段）"})
    source = fields.String(allow_none=True, metadata={
        "description": "api | page | import:<sha256> | demo | process:<instance id>"})
    source_name = fields.String(allow_none=True)
    prev_hash = fields.String(allow_none=True)
    change_hash = fields.String(required=True)


class RosterChangeQuerySchema(PaginationQuerySchema):
    entity = fields.String(validate=validate.OneOf(ROSTER_ENTITIES))
    entity_id = fields.String(validate=validate.Length(max=ID_MAX))
    actor = fields.String(validate=validate.Length(max=64), metadata={"description": "操作人登录名"})
    date_from = fields.Date(data_key="from", validate=within_years("from"),
                            metadata={"description": "起始日（北京时间，含）"})
    date_to = fields.Date(data_key="to", validate=within_years("to"),
                          metadata={"description": "截止日（北京时间，含）"})


class RosterVerifySchema(StrictSchema):
    chain = fields.String(required=True, metadata={"description": "ok | broken"})
    changes = fields.Integer(required=True)
    first_bad_id = fields.Integer(allow_none=True)
    detail = fields.String(required=True)
