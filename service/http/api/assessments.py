"""Assessments (考核): the county's yearly round and term-end assessments, the results (the unit's
record), the yearly per-unit summary with its Excel workbook, and a cadre's personal file."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Response, send_file

from service.commands.assessments.rounds import ROUND_ROLES, open_round
from service.commands.assessments.term_end import TERM_END_ROLES, start_term_end
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.assessments import (
    AssessmentResultQuerySchema,
    AssessmentResultSchema,
    AssessmentRoundCreateSchema,
    AssessmentRoundSchema,
    AssessmentRoundViewSchema,
    AssessmentSummarySchema,
    AssessmentYearQuerySchema,
    CadreFileSchema,
    TermEndAssessmentSchema,
)
from service.http.auth import authenticate, require_role
from service.http.pagination import PaginationQuerySchema, page_schema, paginate
from service.queries.assessments.results import ResultFilter, cadre_file, results_page
from service.queries.assessments.rounds import get_round, round_progress, round_view, rounds_statement
from service.queries.assessments.summary import unit_summary
from service.queries.assessments.xlsx import write_file_xlsx, write_summary_xlsx
from service.queries.instances import started_view

blp = Blueprint("assessments", __name__, url_prefix="/api/v1",
                description="驻村干部考核：年度考核、期满考核、考核结果与个人档案")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DOC = {"200": {"description": "Excel 工作簿",
                    "content": {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}}
SPOOL_BYTES = 8 * 1024 * 1024
# Who follows the rounds: the county bodies, auditors and administrators.
ROUND_READERS = ("county", "org_dept", "rrb", "auditor", "admin")
SUMMARY_READERS = (*ROUND_READERS, "unit_hr", "township")


def _xlsx(write: Any, content: dict[str, Any], name: str) -> Response:
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write(content, out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


@blp.post("/assessment-rounds")
@blp.roles(*ROUND_ROLES)
@blp.arguments(AssessmentRoundCreateSchema)
@blp.response(201, AssessmentRoundViewSchema)
def create_round(args: dict[str, Any]) -> dict[str, Any]:
    """县驻村工作领导小组发起年度考核：为当年在村任职的每名驻村干部启动考核（每年一次）"""
    row = open_round(require_role(*ROUND_ROLES), args)
    return round_progress(get_round(row.id))


@blp.get("/assessment-rounds")
@blp.roles(*ROUND_READERS)
@blp.arguments(PaginationQuerySchema, location="query")
@blp.response(200, page_schema(AssessmentRoundSchema))
def list_rounds(args: dict[str, Any]) -> dict[str, Any]:
    """历年的年度考核批次（县级机构、审计）"""
    page = paginate(rounds_statement(), args["page"], args["per_page"])
    return {**page, "items": [round_view(r) for r in page["items"]]}


@blp.get("/assessment-rounds/<string:round_id>")
@blp.roles(*ROUND_READERS)
@blp.response(200, AssessmentRoundViewSchema)
def get_assessment_round(round_id: str) -> dict[str, Any]:
    """年度考核的进度：每名干部所在环节或确定的等次，优秀名额已用 / 可用"""
    return round_progress(get_round(round_id))


@blp.post("/assessments")
@blp.roles(*TERM_END_ROLES)
@blp.arguments(TermEndAssessmentSchema)
@blp.response(201, StartedSchema)
def create_term_end(args: dict[str, Any]) -> dict[str, Any]:
    """县驻村工作领导小组发起某一任职的期满考核（计划期满日到达时系统也会自动发起）"""
    return started_view(start_term_end(require_role(*TERM_END_ROLES), args["posting_id"]))


@blp.get("/assessment-results")
@blp.arguments(AssessmentResultQuerySchema, location="query")
@blp.response(200, page_schema(AssessmentResultSchema))
def list_results(args: dict[str, Any]) -> dict[str, Any]:
    """考核结果（派出单位看本单位干部的，乡镇看本乡镇补齐或所驻村干部的，干部看本人的）"""
    filters = ResultFilter(year=args.get("year"), kind=args.get("kind"), supplier_id=args.get("supplier_id"),
                           cadre_id=args.get("cadre_id"), grade=args.get("grade"))
    return results_page(authenticate(), filters, args["page"], args["per_page"])


@blp.get("/assessment-summary")
@blp.roles(*SUMMARY_READERS)
@blp.arguments(AssessmentYearQuerySchema, location="query")
@blp.response(200, AssessmentSummarySchema)
def get_summary(args: dict[str, Any]) -> dict[str, Any]:
    """派出单位年度汇总：干部考核等次、召回案件、帮扶责任落实（供派出单位领导班子年度考核）"""
    return unit_summary(authenticate(), args["year"])


@blp.get("/assessment-summary.xlsx")
@blp.roles(*SUMMARY_READERS)
@blp.arguments(AssessmentYearQuerySchema, location="query")
@blp.doc(responses=XLSX_DOC)
def get_summary_xlsx(args: dict[str, Any]) -> Response:
    """导出派出单位年度汇总 Excel（单位汇总、干部考核等次两张表）"""
    summary = unit_summary(authenticate(), args["year"])
    return _xlsx(write_summary_xlsx, summary, f"{args['year']}年度驻村干部考核汇总.xlsx")


@blp.get("/cadres/<string:cadre_id>/file")
@blp.response(200, CadreFileSchema)
def get_cadre_file(cadre_id: str) -> dict[str, Any]:
    """干部个人档案：考核结果、任职经历、召回问责（本单位、县级机构、审计和本人可看）"""
    return cadre_file(authenticate(), cadre_id)


@blp.get("/cadres/<string:cadre_id>/file.xlsx")
@blp.doc(responses=XLSX_DOC)
def get_cadre_file_xlsx(cadre_id: str) -> Response:
    """导出干部个人档案 Excel（考核结果、任职经历、召回问责三张表）"""
    file = cadre_file(authenticate(), cadre_id)
    return _xlsx(write_file_xlsx, file, f"{file['cadre_name']}个人档案.xlsx")
