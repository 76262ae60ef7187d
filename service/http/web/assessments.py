"""考核 pages: the county opens a year's round or a term-end assessment and follows the round; the
yearly per-unit summary with the results (the unit's record) and its Excel workbook; a cadre's
personal file (个人档案) and its workbook. The steps themselves are the inbox's tasks."""

from __future__ import annotations

import tempfile
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from service.commands.assessments.rounds import ROUND_ROLES, open_round
from service.commands.assessments.term_end import TERM_END_ROLES, start_term_end
from service.config import get_settings
from service.core.bounds import EARLIEST_YEAR
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.session import login_required, require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import AssessmentRound, Posting
from service.queries.assessments.results import cadre_file
from service.queries.assessments.rounds import get_round, round_progress, round_view, rounds_statement
from service.queries.assessments.summary import unit_summary
from service.queries.assessments.xlsx import write_file_xlsx, write_summary_xlsx
from service.queries.roster import posting_rows

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024
ROUND_READERS = ("county", "org_dept", "rrb", "auditor", "admin")
SUMMARY_READERS = (*ROUND_READERS, "unit_hr", "township")


def _xlsx(write: Any, content: dict[str, Any], name: str) -> Response:
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write(content, out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


def _this_year() -> int:
    """The county's year on the app's clock (the commands judge a round's year on it too)."""
    return now().astimezone(get_settings().tz).year


def _years() -> list[int]:
    """The years a round may be opened for: this year and the ones before, latest first."""
    this_year = _this_year()
    return list(range(this_year, max(EARLIEST_YEAR, this_year - 5) - 1, -1))


def _render_home(errors: dict[str, list[str]] | None = None, values: dict[str, Any] | None = None,
                 status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    rounds = [round_view(r) for r in db.session.execute(rounds_statement()).scalars()]
    may_open = principal.has_role(*ROUND_ROLES)
    postings = posting_rows(list(db.session.execute(sa.select(Posting).where(Posting.active.is_(True))
                                                    .order_by(Posting.planned_end, Posting.id)).scalars())
                            ) if principal.has_role(*TERM_END_ROLES) else []
    opened = {r["year"] for r in rounds}
    return render_template("web/assessments.html", rounds=rounds, may_open=may_open,
                           may_follow=principal.has_role(*ROUND_READERS), postings=postings,
                           years=[y for y in _years() if y not in opened], summary_years=_summary_years(),
                           errors=errors or {}, values=values or {}), status


def _summary_years() -> list[int]:
    """The years with a round, and this year (the summary of a year counts its recalls and duties too)."""
    years = set(db.session.execute(sa.select(AssessmentRound.year)).scalars()) | {_this_year()}
    return sorted(years, reverse=True)


@bp.get("/assessments")
@roles_required(*SUMMARY_READERS)
def assessments_home() -> tuple[str, int]:
    return _render_home()


@bp.post("/assessments/rounds")
@roles_required(*ROUND_ROLES)
def assessment_round_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    raw = values.get("year", "").strip()
    if not raw.isdigit():
        return _render_home({"year": ["请选择考核年度。"]}, values, 422)
    try:
        row = open_round(require_principal(), {"year": int(raw), "name": values.get("name") or None})
    except (ValidationFailed, Conflict, Forbidden) as err:
        return _render_home(field_errors(err.errors or {"_form": [err.detail]}, {"year", "name"}), values,
                            err.status)
    flash(f"已发起{row.name}。", "ok")
    return redirect(url_for("web.assessment_round_page", round_id=row.id))


@bp.post("/assessments/term-end")
@roles_required(*TERM_END_ROLES)
def assessment_term_end_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    raw = values.get("posting_id", "").strip()
    if not raw.isdigit():
        return _render_home({"posting_id": ["请选择任职。"]}, values, 422)
    try:
        row = start_term_end(require_principal(), int(raw))
    except (ValidationFailed, Conflict, Forbidden) as err:
        return _render_home(field_errors(err.errors or {"_form": [err.detail]}, {"posting_id"}), values,
                            err.status)
    flash("已发起期满考核。", "ok")
    return redirect(url_for("web.instance_page", instance_id=row.id))


@bp.get("/assessments/rounds/<string:round_id>")
@roles_required(*ROUND_READERS)
def assessment_round_page(round_id: str) -> str:
    return render_template("web/assessment_round.html", round=round_progress(get_round(round_id)))


def _year_arg() -> int:
    raw = request.args.get("year", "").strip()
    years = _summary_years()
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]


@bp.get("/assessments/summary")
@roles_required(*SUMMARY_READERS)
def assessment_summary_page() -> str:
    year = _year_arg()
    return render_template("web/assessment_summary.html", summary=unit_summary(require_principal(), year),
                           years=_summary_years())


@bp.get("/assessments/summary.xlsx")
@roles_required(*SUMMARY_READERS)
def assessment_summary_export() -> Response:
    year = _year_arg()
    summary = unit_summary(require_principal(), year)
    return _xlsx(write_summary_xlsx, summary, f"{year}年度驻村干部考核汇总.xlsx")


@bp.get("/cadres/<string:cadre_id>/file")
@login_required
def cadre_file_page(cadre_id: str) -> str:
    return render_template("web/cadre_file.html", file=cadre_file(require_principal(), cadre_id))


@bp.get("/cadres/<string:cadre_id>/file.xlsx")
@login_required
def cadre_file_export(cadre_id: str) -> Response:
    file = cadre_file(require_principal(), cadre_id)
    return _xlsx(write_file_xlsx, file, f"{file['cadre_name']}个人档案.xlsx")
