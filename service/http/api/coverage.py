"""GET /api/v1/coverage and /coverage.xlsx: 驻村覆盖, who is stationed where and what is missing."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Response, send_file

from service.http.api.blueprint import Blueprint
from service.http.api.schemas.coverage import CoverageFilterSchema, CoverageItemSchema, CoverageQuerySchema
from service.http.auth import authenticate
from service.http.pagination import page_schema
from service.queries.access import COVERAGE_ROLES
from service.queries.coverage import CoverageFilter, coverage_all, coverage_page, term_window
from service.queries.coverage_xlsx import write_coverage_xlsx

blp = Blueprint("coverage", __name__, url_prefix="/api/v1",
                description="驻村覆盖：各村应配岗位、在岗干部与问题")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows beyond this spill from memory to a temporary file while the workbook is assembled.
SPOOL_BYTES = 8 * 1024 * 1024


def _filters(args: dict[str, Any]) -> CoverageFilter:
    return CoverageFilter(township_id=args.get("township_id"), unit_id=args.get("unit_id"),
                          category=args.get("category"), flag=args.get("flag"))


@blp.get("/coverage")
@blp.roles(*COVERAGE_ROLES)
@blp.arguments(CoverageQuerySchema, location="query")
@blp.response(200, page_schema(CoverageItemSchema))
def coverage(args: dict[str, Any]) -> dict[str, Any]:
    """各村驻村覆盖情况：应配岗位、在岗干部、问题标记、在办案件数（县级机构看全县，乡镇看本乡镇，派出单位看本单位干部所驻村）"""
    return coverage_page(authenticate(), _filters(args), term_window(), args["page"], args["per_page"])


@blp.get("/coverage.xlsx")
@blp.roles(*COVERAGE_ROLES)
@blp.arguments(CoverageFilterSchema, location="query")
@blp.doc(responses={"200": {"description": "驻村覆盖 Excel 表（全部符合条件的村）",
                            "content": {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}})
def coverage_xlsx(args: dict[str, Any]) -> Response:
    """导出驻村覆盖 Excel 表（筛选条件同列表，不分页）"""
    principal = authenticate()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write_coverage_xlsx(coverage_all(principal, _filters(args), term_window()), out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="驻村覆盖.xlsx")
