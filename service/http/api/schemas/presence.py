"""Presence in the village (在岗管理): leave requests, months in the village, Party relations."""

from marshmallow import Schema, fields, validate

from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.core.text_limits import SHORT_TEXT
from service.http.api.schemas.base import StrictSchema
from service.http.api.schemas.bounds import within_years
from service.http.pagination import PaginationQuerySchema
from service.persistence.models import LEAVE_STATES, LEAVE_TYPES, PRESENCE_STATUSES

YEAR = validate.Range(min=EARLIEST_YEAR, max=LATEST_YEAR)
MONTH = validate.Range(min=1, max=12)
ID = validate.Length(min=1, max=64)


class LeaveSchema(StrictSchema):
    leave_type = fields.String(required=True, validate=validate.OneOf(LEAVE_TYPES),
                               metadata={"description": " | ".join(LEAVE_TYPES)})
    start_date = fields.Date(required=True, validate=within_years("start_date"),
                             metadata={"description": "请假开始日期（今天或以后）"})
    end_date = fields.Date(required=True, validate=within_years("end_date"),
                           metadata={"description": "请假结束日期（最后一天，含）"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=SHORT_TEXT),
                           metadata={"description": "请假事由"})


class LeaveQuerySchema(PaginationQuerySchema):
    cadre_id = fields.String(validate=ID)
    year = fields.Integer(validate=YEAR, metadata={"description": "与该年有交集的请假"})
    state = fields.String(validate=validate.OneOf(LEAVE_STATES),
                          metadata={"description": " | ".join(LEAVE_STATES)})


class LeaveItemSchema(Schema):
    instance_id = fields.String(required=True)
    cadre_id = fields.String(required=True)
    leave_type = fields.String(required=True)
    leave_type_name = fields.String()
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    days = fields.Integer(metadata={"description": "自然日"})
    working_days = fields.Integer(metadata={"description": "工作日"})
    state = fields.String(required=True, metadata={"description": " | ".join(LEAVE_STATES)})
    state_name = fields.String()
    return_date = fields.Date(allow_none=True, metadata={"description": "返岗日期（销假时填写）"})
    instance_status = fields.String(allow_none=True)
    created_at = fields.DateTime()


class PresenceRecordSchema(StrictSchema):
    cadre_id = fields.String(validate=ID, metadata={
        "description": "乡镇填报时必填；驻村干部填报本人的，可省略"})
    year = fields.Integer(required=True, validate=YEAR)
    month = fields.Integer(required=True, validate=MONTH)
    days_present = fields.Integer(required=True, validate=validate.Range(min=0, max=31),
                                  metadata={"description": "在村天数，不超过该月在村任职的天数"})
    note = fields.String(allow_none=True, validate=validate.Length(max=SHORT_TEXT))


class PresenceConfirmSchema(StrictSchema):
    days_present = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=31),
                                  metadata={"description": "更正后的在村天数（不填则按本人填报的确认）"})
    note = fields.String(allow_none=True, validate=validate.Length(max=SHORT_TEXT))
    revision = fields.Integer(validate=validate.Range(min=1, max=10**9),
                              metadata={"description": "所见记录的版本号；记录已被修改则 409"})


class PresenceQuerySchema(PaginationQuerySchema):
    cadre_id = fields.String(validate=ID)
    township_id = fields.String(validate=ID)
    year = fields.Integer(validate=YEAR)
    month = fields.Integer(validate=MONTH)
    status = fields.String(validate=validate.OneOf(PRESENCE_STATUSES),
                           metadata={"description": " | ".join(PRESENCE_STATUSES)})


class PresenceMonthSchema(Schema):
    id = fields.Integer(required=True)
    cadre_id = fields.String(required=True)
    cadre_name = fields.String()
    year = fields.Integer(required=True)
    month = fields.Integer(required=True)
    village_id = fields.String()
    village_name = fields.String(allow_none=True)
    township_id = fields.String()
    days_present = fields.Integer(required=True)
    note = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": " | ".join(PRESENCE_STATUSES)})
    status_name = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()
    confirmed_by = fields.String(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    source = fields.String()
    revision = fields.Integer()
    required_days = fields.Integer(metadata={"description": "该月应在村天数（扣除未任职及批准请假天数）"})
    leave_days = fields.Integer(metadata={"description": "该月批准请假天数"})
    short = fields.Boolean(metadata={"description": "低于应在村天数"})


class PresenceUploadSchema(StrictSchema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": ".xlsx 文件（表头：干部编号、姓名、年份、月份、在村天数、备注）"})


class PresenceImportSchema(Schema):
    filename = fields.String()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    short = fields.List(fields.Dict(), metadata={"description": "低于应在村天数的月份"})


class TemplateQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=YEAR)
    month = fields.Integer(required=True, validate=MONTH)


class YearQuerySchema(StrictSchema):
    year = fields.Integer(validate=YEAR, metadata={"description": "年份，默认今年"})


class MonthTallySchema(Schema):
    year = fields.Integer()
    month = fields.Integer()
    posted_days = fields.Integer(metadata={"description": "该月在村任职天数（当月截至今天）"})
    leave_days = fields.Integer(metadata={"description": "批准请假天数"})
    required_days = fields.Integer(metadata={"description": "应在村天数"})
    days_present = fields.Integer(allow_none=True)
    short = fields.Boolean(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)
    status_name = fields.String()
    village_id = fields.String(allow_none=True)
    village_name = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class CadrePresenceSchema(Schema):
    cadre_id = fields.String()
    year = fields.Integer()
    min_days = fields.Integer(metadata={"description": "每月应在村天数（CADREFLOW_PRESENCE_MIN_DAYS）"})
    months = fields.List(fields.Nested(MonthTallySchema))
    totals = fields.Dict()
    leaves = fields.List(fields.Nested(LeaveItemSchema))


class PartyRelationSchema(StrictSchema):
    transferred_in_on = fields.Date(allow_none=True, validate=within_years("transferred_in_on"),
                                    metadata={"description": "党组织关系转入所驻村的日期"})
    transferred_in_org = fields.String(allow_none=True, validate=validate.Length(max=200),
                                       metadata={"description": "接收党组织（转入）"})
    transferred_out_on = fields.Date(allow_none=True, validate=within_years("transferred_out_on"),
                                     metadata={"description": "任职结束后党组织关系转回的日期"})
    transferred_out_org = fields.String(allow_none=True, validate=validate.Length(max=200),
                                        metadata={"description": "接收党组织（转回）"})


class PartyRelationViewSchema(Schema):
    posting_id = fields.Integer()
    cadre_id = fields.String()
    village_id = fields.String()
    transferred_in_on = fields.Date(allow_none=True)
    transferred_in_org = fields.String(allow_none=True)
    transferred_out_on = fields.Date(allow_none=True)
    transferred_out_org = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
