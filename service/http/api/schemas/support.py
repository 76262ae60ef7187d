"""/support: the support ledger (工作保障台账) and the records behind it."""

from marshmallow import fields, validate

from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.core.labels import ALLOWANCE_KIND_NAMES, SUPPORT_FLAG_NAMES
from service.http.api.schemas.base import StrictSchema
from service.http.api.schemas.bounds import within_years
from service.http.pagination import PaginationQuerySchema

YEAR_RANGE = validate.Range(min=EARLIEST_YEAR, max=LATEST_YEAR)
KINDS = tuple(ALLOWANCE_KIND_NAMES)
FLAG_CODES = tuple(SUPPORT_FLAG_NAMES)


def _year(description: str = "年度", strict: bool = True) -> fields.Integer:
    """`strict`: a JSON body's number; a query string's digits are not (strict=False)."""
    return fields.Integer(required=True, strict=strict, validate=YEAR_RANGE,
                          metadata={"description": description})


def _money(description: str) -> fields.Raw:
    # A number or a decimal string; the command checks it (at most two decimals, the range) and
    # names the field in Chinese.
    return fields.Raw(required=True, metadata={"description": description, "oneOf": [
        {"type": "number"}, {"type": "string", "example": "126.50"}]})


# -- the ledger ------------------------------------------------------------------------------------

LEDGER_FILTERS = {
    "year": lambda: _year("年度（驻村任职在该年内的干部）", strict=False),
    "unit_id": lambda: fields.String(validate=validate.Length(max=64),
                                     metadata={"description": "干部所在单位（派出单位，或选派队员的乡镇）"}),
}
SupportLedgerQuerySchema = PaginationQuerySchema.from_dict({n: make() for n, make in LEDGER_FILTERS.items()},
                                                           name="SupportLedgerQuerySchema")
SupportLedgerFilterSchema = StrictSchema.from_dict({n: make() for n, make in LEDGER_FILTERS.items()},
                                                   name="SupportLedgerFilterSchema")


class SupportCadreQuerySchema(StrictSchema):
    year = _year(strict=False)


class PostingSpanSchema(StrictSchema):
    village_id = fields.String(required=True)
    village_name = fields.String(required=True)
    role = fields.String(required=True)
    role_name = fields.String(required=True)
    term_start = fields.Date(required=True)
    term_end = fields.Date(allow_none=True, required=True)


class LedgerMonthSchema(StrictSchema):
    month = fields.Integer(required=True)
    stationed = fields.Boolean(required=True, metadata={"description": "该月有驻村任职"})
    trips = fields.Integer(required=True, metadata={"description": "报销往返交通费次数"})
    transport_yuan = fields.String(allow_none=True, required=True)
    living_yuan = fields.String(allow_none=True, required=True,
                                metadata={"description": "生活补助（元），未发为空"})
    phone_yuan = fields.String(allow_none=True, required=True,
                               metadata={"description": "通信补贴（元），未发为空"})
    missing = fields.List(fields.String(), required=True,
                          metadata={"description": "已过月份中未发的补助：" + " | ".join(KINDS)})


class LedgerInsuranceSchema(StrictSchema):
    insurer = fields.String(required=True)
    policy_no = fields.String(required=True)
    cover_yuan = fields.Integer(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    below_cover = fields.Boolean(required=True, metadata={"description": "保额低于规定"})
    recorded_by = fields.String(required=True)


class LedgerHealthSchema(StrictSchema):
    done = fields.Boolean(required=True)
    check_date = fields.Date(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)


class LedgerTotalsSchema(StrictSchema):
    trips = fields.Integer(required=True)
    transport_yuan = fields.String(required=True)
    living_yuan = fields.String(required=True)
    phone_yuan = fields.String(required=True)


class LedgerFlagSchema(StrictSchema):
    code = fields.String(required=True, metadata={"description": " | ".join(FLAG_CODES)})
    name = fields.String(required=True)
    detail = fields.String(allow_none=True, required=True)


class LedgerItemSchema(StrictSchema):
    cadre_id = fields.String(required=True)
    cadre_name = fields.String(required=True)
    unit_id = fields.String(required=True)
    unit_name = fields.String(required=True)
    year = fields.Integer(required=True)
    postings = fields.List(fields.Nested(PostingSpanSchema), required=True,
                           metadata={"description": "该年的驻村任职"})
    months = fields.List(fields.Nested(LedgerMonthSchema), required=True)
    insurance = fields.Nested(LedgerInsuranceSchema, allow_none=True, required=True)
    health_check = fields.Nested(LedgerHealthSchema, allow_none=True, required=True)
    totals = fields.Nested(LedgerTotalsSchema, required=True)
    flags = fields.List(fields.Nested(LedgerFlagSchema), required=True)


class LedgerTripSchema(StrictSchema):
    id = fields.Integer(required=True)
    trip_date = fields.Date(required=True)
    month = fields.Integer(required=True)
    route = fields.String(required=True)
    amount_yuan = fields.String(required=True)
    note = fields.String(allow_none=True, required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


class LedgerAllowanceSchema(StrictSchema):
    id = fields.Integer(required=True)
    month = fields.Integer(required=True)
    kind = fields.String(required=True)
    kind_name = fields.String(required=True)
    amount_yuan = fields.String(required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


class CadreLedgerSchema(LedgerItemSchema):
    trips = fields.List(fields.Nested(LedgerTripSchema), required=True)
    allowances = fields.List(fields.Nested(LedgerAllowanceSchema), required=True)


# -- records ---------------------------------------------------------------------------------------

class InsuranceInSchema(StrictSchema):
    cadre_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                            validate=validate.Length(min=1, max=1000),
                            metadata={"description": "参保干部（同一保单可一次登记多人）"})
    year = _year()
    insurer = fields.String(required=True, metadata={"description": "承保公司"})
    policy_no = fields.String(required=True, metadata={"description": "保单号"})
    cover_yuan = fields.Integer(required=True, strict=True, metadata={"description": "每人保额（元）"})
    period_start = fields.Date(required=True, validate=within_years("period_start"))
    period_end = fields.Date(required=True, validate=within_years("period_end"))


class InsuranceOutSchema(StrictSchema):
    id = fields.Integer(required=True)
    created = fields.Boolean(required=True, metadata={"description": "新登记（否则为更正）"})
    cadre_id = fields.String(required=True)
    year = fields.Integer(required=True)
    insurer = fields.String(required=True)
    policy_no = fields.String(required=True)
    cover_yuan = fields.Integer(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class InsuranceResultSchema(StrictSchema):
    items = fields.List(fields.Nested(InsuranceOutSchema), required=True)


class TransportInSchema(StrictSchema):
    cadre_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    trip_date = fields.Date(required=True, validate=within_years("trip_date"),
                            metadata={"description": "往返日期（所在月计入当月次数）"})
    route = fields.String(required=True, metadata={"description": "往返路线"})
    amount_yuan = _money("报销金额（元，最多两位小数）")
    note = fields.String(allow_none=True, metadata={"description": "备注"})


class TransportOutSchema(StrictSchema):
    id = fields.Integer(required=True)
    cadre_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    year = fields.Integer(required=True)
    month = fields.Integer(required=True)
    trip_no = fields.Integer(required=True, metadata={"description": "当月第几次"})
    trip_date = fields.Date(required=True)
    route = fields.String(required=True)
    amount_yuan = fields.String(required=True)
    note = fields.String(allow_none=True, required=True)


class AllowanceInSchema(StrictSchema):
    cadre_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    year = _year()
    month = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=12))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "living（生活补助）| phone（通信补贴）"})
    amount_yuan = _money("当月金额（元，最多两位小数）")


class AllowanceOutSchema(StrictSchema):
    id = fields.Integer(required=True)
    created = fields.Boolean(required=True)
    cadre_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    year = fields.Integer(required=True)
    month = fields.Integer(required=True)
    kind = fields.String(required=True)
    amount_yuan = fields.String(required=True)


class HealthCheckInSchema(StrictSchema):
    cadre_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    year = _year()
    done = fields.Boolean(required=True, metadata={"description": "是否已体检"})
    check_date = fields.Date(allow_none=True, validate=within_years("check_date"),
                             metadata={"description": "体检日期（已体检时必填）"})
    note = fields.String(allow_none=True)


class HealthCheckOutSchema(StrictSchema):
    id = fields.Integer(required=True)
    created = fields.Boolean(required=True)
    cadre_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    year = fields.Integer(required=True)
    done = fields.Boolean(required=True)
    check_date = fields.Date(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)
