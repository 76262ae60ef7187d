"""/coverage: the villages with their required roles, holders, flags and open cases."""

from marshmallow import fields, validate

from service.core.labels import COVERAGE_FLAG_NAMES
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import POSTING_ROLES, VILLAGE_CATEGORIES

FLAG_CODES = tuple(COVERAGE_FLAG_NAMES)


FILTERS = {
    "township_id": lambda: fields.String(metadata={"description": "乡镇"}),
    "unit_id": lambda: fields.String(metadata={
        "description": "派出单位（岗位的选派单位；未记录时为干部所在单位）"}),
    "category": lambda: fields.String(validate=validate.OneOf(VILLAGE_CATEGORIES),
                                      metadata={"description": "村类别（含村兼有的类别）"}),
    "flag": lambda: fields.String(validate=validate.OneOf(FLAG_CODES),
                                  metadata={"description": " | ".join(FLAG_CODES)}),
}

# The list's query (filters and page) and the export's (filters only), from the one set of filters.
CoverageQuerySchema = PaginationQuerySchema.from_dict({name: make() for name, make in FILTERS.items()},
                                                      name="CoverageQuerySchema")
CoverageFilterSchema = StrictSchema.from_dict({name: make() for name, make in FILTERS.items()},
                                              name="CoverageFilterSchema")


class CoverageFlagSchema(StrictSchema):
    code = fields.String(required=True, metadata={"description": " | ".join(FLAG_CODES)})
    name = fields.String(required=True, metadata={"description": "中文说明"})


class CoverageHolderSchema(StrictSchema):
    posting_id = fields.Integer(required=True)
    role = fields.String(required=True, metadata={"description": " | ".join(POSTING_ROLES)})
    role_name = fields.String(required=True)
    cadre_id = fields.String(required=True)
    cadre_name = fields.String(required=True)
    unit_id = fields.String(required=True, metadata={"description": "干部所在单位"})
    supplier_id = fields.String(required=True, metadata={"description": "选派单位（或补齐队员的乡镇）"})
    supplier_name = fields.String(required=True)
    employment_type = fields.String(required=True)
    employment_name = fields.String(required=True)
    leads_team = fields.Boolean(required=True, metadata={"description": "兼任工作队队长"})
    term_start = fields.Date(required=True)
    planned_end = fields.Date(allow_none=True, required=True, metadata={"description": "计划任期届满日"})
    days_left = fields.Integer(allow_none=True, required=True,
                               metadata={"description": "距计划届满的天数（北京时间日期，已过为负）"})


class CoverageItemSchema(StrictSchema):
    village_id = fields.String(required=True)
    village_name = fields.String(required=True)
    township_id = fields.String(required=True)
    township_name = fields.String(required=True)
    categories = fields.List(fields.String(), required=True, metadata={"description": "主类别在前"})
    category_names = fields.List(fields.String(), required=True)
    required_roles = fields.List(fields.String(), required=True,
                                 metadata={"description": "应配岗位：first_secretary，"
                                                          "及脱贫村/重点帮扶村的 team_member"})
    required_role_names = fields.List(fields.String(), required=True)
    holders = fields.List(fields.Nested(CoverageHolderSchema), required=True,
                          metadata={"description": "在岗干部"})
    flags = fields.List(fields.Nested(CoverageFlagSchema), required=True)
    open_cases = fields.Integer(required=True, metadata={"description": "本人可查看的在办流程数"})
