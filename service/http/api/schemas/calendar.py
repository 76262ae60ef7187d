"""Calendar years entered by admins (official holidays and adjusted working days)."""

from marshmallow import Schema, fields, validate

from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema

# A year has at most 366 days: a longer list is not a calendar.
DAYS = validate.Length(max=366)


class CalendarYearInSchema(StrictSchema):
    holidays = fields.List(fields.Date(), required=True, validate=DAYS,
                           metadata={"description": "法定节假日（放假日期），均须属于该年"})
    workdays = fields.List(fields.Date(), load_default=list, validate=DAYS,
                           metadata={"description": "调休上班的周末，均须属于该年"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                         metadata={"description": "依据，例如国务院办公厅通知文号"})


class CalendarQuerySchema(PaginationQuerySchema):
    pass


class CalendarVersionSchema(Schema):
    version = fields.Integer(required=True)
    # Stored as ISO date strings (YYYY-MM-DD), dumped as they are.
    holidays = fields.List(fields.String(), required=True)
    workdays = fields.List(fields.String(), required=True)
    note = fields.String(allow_none=True)
    entered_by = fields.String(allow_none=True)
    entered_at = fields.DateTime(required=True)


class CalendarYearSchema(CalendarVersionSchema):
    year = fields.Integer(required=True)
    versions = fields.Integer(required=True, metadata={"description": "录入次数（版本数）"})


class CalendarYearDetailSchema(CalendarYearSchema):
    history = fields.List(fields.Nested(CalendarVersionSchema), required=True)


class CalendarEnteredSchema(CalendarYearSchema):
    recomputed = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                             metadata={"description": "重算了期限的流程实例 -> 定时器"})
    recompute_failed = fields.List(fields.String(), required=True)


class CalendarCoverageSchema(Schema):
    uncovered_years = fields.List(fields.Integer(), required=True)
