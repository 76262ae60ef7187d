"""/assessment-rounds, /assessments, /assessment-results, /assessment-summary, /cadres/{id}/file."""

from marshmallow import Schema, fields, validate

from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.core.text_limits import SHORT_TEXT
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import ASSESSMENT_KINDS, GRADES

YEAR = validate.Range(min=EARLIEST_YEAR, max=LATEST_YEAR,
                      error=f"年份须在 {EARLIEST_YEAR} 至 {LATEST_YEAR} 年之间。")
ID = validate.Length(min=1, max=64)


class AssessmentRoundCreateSchema(StrictSchema):
    year = fields.Integer(required=True, strict=True, validate=YEAR,
                          metadata={"description": "考核年度（不晚于今年，每年一次）"})
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=SHORT_TEXT),
                         metadata={"description": "批次名称，默认“<年度>年度驻村干部考核”"})


class TermEndAssessmentSchema(StrictSchema):
    posting_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**12),
                                metadata={"description": "在岗的任职（期满考核）"})


class AssessmentYearQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=YEAR, metadata={"description": "年度"})


class AssessmentResultQuerySchema(PaginationQuerySchema):
    year = fields.Integer(validate=YEAR, metadata={"description": "年度"})
    kind = fields.String(validate=validate.OneOf(ASSESSMENT_KINDS),
                         metadata={"description": "annual | term_end"})
    supplier_id = fields.String(validate=ID, metadata={"description": "派出单位（或补齐工作队员的乡镇）"})
    cadre_id = fields.String(validate=ID)
    grade = fields.String(validate=validate.OneOf(GRADES), metadata={"description": " | ".join(GRADES)})


class ExcellentQuotaSchema(Schema):
    share = fields.Float(metadata={"description": "优秀比例（发起时的设置）"})
    share_text = fields.String()
    assessed = fields.Integer(metadata={"description": "参加考核人数（未终止的）"})
    allowed = fields.Integer(metadata={"description": "可确定为优秀的人数（向下取整）"})
    used = fields.Integer(metadata={"description": "已确定为优秀的人数"})
    left = fields.Integer()


class AssessmentRoundSchema(Schema):
    id = fields.String()
    year = fields.Integer()
    name = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    excellent_share = fields.Float()
    excellent = fields.Nested(ExcellentQuotaSchema)


class AssessmentRoundItemSchema(Schema):
    instance_id = fields.String()
    cadre_id = fields.String(allow_none=True)
    cadre_name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    village_id = fields.String(allow_none=True)
    village_name = fields.String(allow_none=True)
    township_id = fields.String(allow_none=True)
    township_name = fields.String(allow_none=True)
    supplier_id = fields.String(allow_none=True)
    supplier_name = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "running | graded | terminated | error"})
    state_name = fields.String()
    steps = fields.List(fields.String())
    grade = fields.String(allow_none=True)
    grade_name = fields.String(allow_none=True)
    recall_instance_id = fields.String(allow_none=True)


class AssessmentRoundViewSchema(AssessmentRoundSchema):
    items = fields.List(fields.Nested(AssessmentRoundItemSchema))
    summary = fields.Dict()


class AssessmentResultSchema(Schema):
    id = fields.Integer()
    instance_id = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    title = fields.String()
    year = fields.Integer()
    round_id = fields.String(allow_none=True)
    cadre_id = fields.String()
    cadre_name = fields.String()
    role = fields.String()
    role_name = fields.String()
    village_id = fields.String()
    village_name = fields.String()
    township_id = fields.String()
    township_name = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    grade = fields.String(metadata={"description": " | ".join(GRADES)})
    grade_name = fields.String()
    summary = fields.String(metadata={"description": "本人述职"})
    township_opinion = fields.String(allow_none=True)
    township_suggested_grade = fields.String(allow_none=True)
    township_suggested_grade_name = fields.String(allow_none=True)
    supplier_opinion = fields.String(allow_none=True)
    supplier_suggested_grade = fields.String(allow_none=True)
    supplier_suggested_grade_name = fields.String(allow_none=True)
    county_comment = fields.String(allow_none=True)
    graded_by = fields.String()
    graded_by_name = fields.String()
    graded_at = fields.DateTime()
    recall_instance_id = fields.String(allow_none=True)
    recall_note = fields.String(allow_none=True)


class DutiesSchema(Schema):
    state = fields.String(metadata={"description": "none | running | fulfilled | rectified | terminated"})
    state_name = fields.String()
    problems = fields.List(fields.String())
    instance_id = fields.String(allow_none=True)


class UnitSummarySchema(Schema):
    unit_id = fields.String()
    unit_name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    assessed = fields.Integer(metadata={"description": "年度考核人数"})
    graded = fields.Integer()
    ungraded = fields.Integer()
    grades = fields.Dict(keys=fields.String(), values=fields.Integer())
    term_end = fields.Integer(metadata={"description": "当年确定的期满考核等次数"})
    recalls = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "当年启动的召回案件：opened, recalled, rectified, running, unfounded"})
    duties = fields.Nested(DutiesSchema, allow_none=True,
                           metadata={"description": "帮扶责任落实（派出单位）"})


class AssessmentSummarySchema(Schema):
    year = fields.Integer()
    grade_names = fields.Dict(keys=fields.String(), values=fields.String())
    units = fields.List(fields.Nested(UnitSummarySchema))
    results = fields.List(fields.Nested(AssessmentResultSchema))


class FileRecallSchema(Schema):
    instance_id = fields.String()
    opened_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    status = fields.String()
    outcome = fields.String()
    source = fields.String()
    source_name = fields.String()
    finding = fields.String(allow_none=True)
    accountability = fields.String(allow_none=True)
    assessment_instance_id = fields.String(allow_none=True)


class CadreFileSchema(Schema):
    cadre_id = fields.String()
    cadre_name = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    post = fields.String(allow_none=True)
    postings = fields.List(fields.Dict())
    results = fields.List(fields.Nested(AssessmentResultSchema))
    recalls = fields.List(fields.Nested(FileRecallSchema))
