"""The support ledger (工作保障台账, domain rule 12): GET /support/ledger (and .xlsx), one cadre's
ledger, and the records: POST /support/insurance (the county), /support/transport,
/support/allowances, /support/health-checks (the cadre's own unit, or the township for its own
staff). Each record is one unit of work with its change-log entry."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Response, send_file

from service.commands.support import record_allowance, record_health_check, record_insurance, record_transport
from service.commands.support.permissions import COUNTY_RECORDERS, UNIT_RECORDERS
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.support import (
    AllowanceInSchema,
    AllowanceOutSchema,
    CadreLedgerSchema,
    HealthCheckInSchema,
    HealthCheckOutSchema,
    InsuranceInSchema,
    InsuranceResultSchema,
    LedgerItemSchema,
    SupportCadreQuerySchema,
    SupportLedgerFilterSchema,
    SupportLedgerQuerySchema,
    TransportInSchema,
    TransportOutSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema
from service.queries.access import SUPPORT_ROLES
from service.queries.support_ledger import LedgerFilter, cadre_ledger, county_today, ledger_all, ledger_page
from service.queries.support_xlsx import write_support_xlsx

blp = Blueprint("support", __name__, url_prefix="/api/v1",
                description="工作保障台账：人身意外伤害保险、往返交通费、生活补助和通信补贴、年度体检")

SOURCE = "api"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024


def _filters(args: dict[str, Any]) -> LedgerFilter:
    return LedgerFilter(year=args["year"], unit_id=args.get("unit_id") or None)


@blp.get("/support/ledger")
@blp.roles(*SUPPORT_ROLES)
@blp.arguments(SupportLedgerQuerySchema, location="query")
@blp.response(200, page_schema(LedgerItemSchema))
def ledger(args: dict[str, Any]) -> dict[str, Any]:
    """工作保障台账：每名驻村干部逐月的往返交通费、补助，年度保险和体检，及缺项（派出单位看本单位干部，乡镇看本乡镇选派的干部，县级机构看全县）"""
    return ledger_page(authenticate(), _filters(args), county_today(), args["page"], args["per_page"])


@blp.get("/support/ledger.xlsx")
@blp.roles(*SUPPORT_ROLES)
@blp.arguments(SupportLedgerFilterSchema, location="query")
@blp.doc(responses={"200": {"description": "工作保障台账 Excel 表（按月台账、年度汇总两张表）",
                            "content": {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}})
def ledger_xlsx(args: dict[str, Any]) -> Response:
    """导出工作保障台账 Excel 表（筛选条件同列表，不分页）"""
    principal = authenticate()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write_support_xlsx(ledger_all(principal, _filters(args), county_today()), out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"工作保障台账{args['year']}.xlsx")


@blp.get("/support/cadres/<string:cadre_id>")
@blp.roles(*SUPPORT_ROLES)
@blp.arguments(SupportCadreQuerySchema, location="query")
@blp.response(200, CadreLedgerSchema)
def cadre(args: dict[str, Any], cadre_id: str) -> dict[str, Any]:
    """一名干部该年度的保障台账及每笔记录"""
    return cadre_ledger(authenticate(), cadre_id, args["year"], county_today())


@blp.post("/support/insurance")
@blp.roles(*COUNTY_RECORDERS)
@blp.arguments(InsuranceInSchema)
@blp.response(201, InsuranceResultSchema)
def insurance(args: dict[str, Any]) -> dict[str, Any]:
    """登记（或更正）县级统一办理的人身意外伤害保险：同一保单可一次登记多名干部，每人每年一条"""
    return {"items": record_insurance(authenticate(), args, source=SOURCE)}


@blp.post("/support/transport")
@blp.roles(*UNIT_RECORDERS)
@blp.arguments(TransportInSchema)
@blp.response(201, TransportOutSchema)
def transport(args: dict[str, Any]) -> dict[str, Any]:
    """登记一次报销的往返交通费（每月至多 CADREFLOW_SUPPORT_TRANSPORT_TRIPS_PER_MONTH 次，
    超出时 422 指明 trip_date）"""
    return record_transport(authenticate(), args, source=SOURCE)


@blp.post("/support/allowances")
@blp.roles(*UNIT_RECORDERS)
@blp.arguments(AllowanceInSchema)
@blp.response(201, AllowanceOutSchema)
def allowance(args: dict[str, Any]) -> dict[str, Any]:
    """登记（或更正）某月的生活补助或通信补贴"""
    return record_allowance(authenticate(), args, source=SOURCE)


@blp.post("/support/health-checks")
@blp.roles(*UNIT_RECORDERS)
@blp.arguments(HealthCheckInSchema)
@blp.response(201, HealthCheckOutSchema)
def health_check(args: dict[str, Any]) -> dict[str, Any]:
    """登记（或更正）年度体检情况"""
    return record_health_check(authenticate(), args, source=SOURCE)
