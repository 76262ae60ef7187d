"""驻村覆盖 page: the villages the user may see, with who holds their posts and what is wrong, and
the same list as an Excel file. The reading is service/queries/coverage.py's, as for the API."""

from __future__ import annotations

import tempfile

import sqlalchemy as sa
from flask import render_template, request, send_file
from werkzeug.wrappers import Response

from service.core.labels import COVERAGE_FLAG_NAMES, VILLAGE_CATEGORY_NAMES
from service.http.web import bp
from service.http.web.paging import page_arg, page_count
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Org
from service.queries.access import COVERAGE_ROLES
from service.queries.coverage import CoverageFilter, coverage_all, coverage_page, term_window
from service.queries.coverage_xlsx import write_coverage_xlsx

PER_PAGE = 20
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024


def _orgs(kind: str) -> dict[str, str]:
    stmt = sa.select(Org.id, Org.name).where(Org.kind == kind).order_by(Org.id)
    return {org_id: name for org_id, name in db.session.execute(stmt).all()}


def _filters(townships: dict[str, str], units: dict[str, str]) -> tuple[CoverageFilter, dict[str, str]]:
    """The filters of the query string; a value no list offers is ignored (the page shows all)."""
    args = {k: request.args.get(k, "").strip() for k in ("township_id", "unit_id", "category", "flag")}
    valid = {"township_id": townships, "unit_id": units, "category": VILLAGE_CATEGORY_NAMES,
             "flag": COVERAGE_FLAG_NAMES}
    args = {k: (v if v in valid[k] else "") for k, v in args.items()}
    return CoverageFilter(**{k: v or None for k, v in args.items()}), args


@bp.get("/coverage")
@roles_required(*COVERAGE_ROLES)
def coverage() -> str:
    townships, units = _orgs("township"), _orgs("dispatch_unit")
    filters, args = _filters(townships, units)
    window = term_window()
    page = coverage_page(require_principal(), filters, window, page_arg(), PER_PAGE)
    return render_template("web/coverage.html", items=page["items"], total=page["total"], page=page["page"],
                           pages=page_count(page["total"], PER_PAGE), args=args, townships=townships,
                           units=units, categories=VILLAGE_CATEGORY_NAMES, flags=COVERAGE_FLAG_NAMES,
                           window=window, export_args={k: v for k, v in args.items() if v})


@bp.get("/coverage.xlsx")
@roles_required(*COVERAGE_ROLES)
def coverage_export() -> Response:
    filters, _ = _filters(_orgs("township"), _orgs("dispatch_unit"))
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write_coverage_xlsx(coverage_all(require_principal(), filters, term_window()), out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="驻村覆盖.xlsx")
