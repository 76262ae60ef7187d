"""工作保障台账 pages: the ledger (per cadre, per month, gaps flagged) and its Excel export, one
cadre's ledger with the forms of what their unit pays, and the county's insurance page. The
reading is service/queries/support_ledger.py's and the writing the support commands', as for the API."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from service.commands.support import record_allowance, record_health_check, record_insurance, record_transport
from service.commands.support.permissions import COUNTY_RECORDERS, UNIT_RECORDERS
from service.config import get_settings
from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.core.errors import ApiError
from service.core.labels import ALLOWANCE_KIND_NAMES, SUPPORT_FLAG_NAMES
from service.core.principal import Principal
from service.http.web import bp
from service.http.web.forms import field_errors, parse_date
from service.http.web.paging import page_arg, page_count
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Org
from service.queries.access import SUPPORT_ROLES, support_cadre_clause
from service.queries.support_ledger import LedgerFilter, cadre_ledger, county_today, ledger_all, ledger_page
from service.queries.support_xlsx import write_support_xlsx

PER_PAGE = 20
INSURANCE_PER_PAGE = 50
SOURCE = "page"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024
FORMS = {
    "transport": {"trip_date", "route", "amount_yuan", "note"},
    "allowance": {"month", "kind", "amount_yuan"},
    "health": {"done", "check_date", "note"},
}
INSURANCE_FIELDS = {"cadre_ids", "insurer", "policy_no", "cover_yuan", "period_start", "period_end"}


def _year() -> int:
    """The ?year= asked for, else this year (a year the service does not know shows this one)."""
    raw = request.args.get("year", "")
    if raw.isdigit() and EARLIEST_YEAR <= int(raw) <= LATEST_YEAR:
        return int(raw)
    return county_today().year


def _units(principal: Principal) -> dict[str, str]:
    """The organisations whose cadres the caller reads: the filter's choices."""
    stmt = (sa.select(Org.id, Org.name).where(Org.kind.in_(("dispatch_unit", "township")))
            .order_by(Org.kind, Org.id))
    visible = support_cadre_clause(principal)
    if visible is not None:
        owned = principal.scopes("unit_hr") | principal.scopes("township")
        stmt = stmt.where(Org.id.in_(sorted(owned)))
    return {org_id: name for org_id, name in db.session.execute(stmt).all()}


def _filters(principal: Principal) -> tuple[LedgerFilter, dict[str, Any], dict[str, str]]:
    units = _units(principal)
    unit_id = request.args.get("unit_id", "").strip()
    unit_id = unit_id if unit_id in units else ""
    year = _year()
    return LedgerFilter(year=year, unit_id=unit_id or None), {"year": year, "unit_id": unit_id}, units


def _standards() -> dict[str, int]:
    settings = get_settings()
    return {"trips": settings.transport_trips_per_month, "cover": settings.insurance_min_cover_yuan}


@bp.get("/support")
@roles_required(*SUPPORT_ROLES)
def support_ledger() -> str:
    principal = require_principal()
    filters, args, units = _filters(principal)
    today = county_today()
    page = ledger_page(principal, filters, today, page_arg(), PER_PAGE)
    return render_template("web/support_ledger.html", items=page["items"], total=page["total"],
                           page=page["page"], pages=page_count(page["total"], PER_PAGE), args=args,
                           units=units, today=today, standards=_standards(), flags=SUPPORT_FLAG_NAMES,
                           export_args={k: v for k, v in args.items() if v},
                           county=principal.has_role(*COUNTY_RECORDERS, "auditor", "admin"))


@bp.get("/support.xlsx")
@roles_required(*SUPPORT_ROLES)
def support_export() -> Response:
    principal = require_principal()
    filters, _, _ = _filters(principal)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    write_support_xlsx(ledger_all(principal, filters, county_today()), out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"工作保障台账{filters.year}.xlsx")


def _render_cadre(cadre_id: str, year: int, values: dict[str, Any] | None = None, form: str | None = None,
                  errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    today = county_today()
    item = cadre_ledger(principal, cadre_id, year, today)  # 404 for a cadre the caller may not read
    may_record = any(item["unit_id"] in principal.scopes(role) for role in UNIT_RECORDERS)
    return render_template("web/support_cadre.html", item=item, year=year, today=today,
                           may_record=may_record, standards=_standards(), kinds=ALLOWANCE_KIND_NAMES,
                           values=values or {}, form=form, errors=errors or {}), status


@bp.get("/support/cadres/<string:cadre_id>")
@roles_required(*SUPPORT_ROLES)
def support_cadre(cadre_id: str) -> tuple[str, int]:
    return _render_cadre(cadre_id, _year())


def _number(raw: str) -> int | str | None:
    """A whole number typed into a form (the command names a wrong one)."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) <= 12 else raw


def _day(raw: str) -> date | str | None:
    raw = raw.strip()
    return (parse_date(raw) or raw) if raw else None


def _payload(form_name: str, cadre_id: str, year: int) -> dict[str, Any]:
    f = request.form
    if form_name == "transport":
        return {"cadre_id": cadre_id, "trip_date": _day(f.get("trip_date", "")),
                "route": f.get("route", "").strip(), "amount_yuan": f.get("amount_yuan", "").strip(),
                "note": f.get("note", "")}
    if form_name == "allowance":
        return {"cadre_id": cadre_id, "year": year, "month": _number(f.get("month", "")),
                "kind": f.get("kind", ""), "amount_yuan": f.get("amount_yuan", "").strip()}
    done = {"yes": True, "no": False}.get(f.get("done", ""))
    return {"cadre_id": cadre_id, "year": year, "done": done, "check_date": _day(f.get("check_date", "")),
            "note": f.get("note", "")}


RECORDERS = {"transport": (record_transport, "已登记往返交通费。"),
             "allowance": (record_allowance, "已登记补助。"),
             "health": (record_health_check, "已登记体检情况。")}


@bp.post("/support/cadres/<string:cadre_id>/<any(transport, allowance, health):form_name>")
@roles_required(*UNIT_RECORDERS)
def support_record(cadre_id: str, form_name: str) -> Response | tuple[str, int]:
    year = _year()
    principal = require_principal()
    cadre_ledger(principal, cadre_id, year, county_today())  # 404 before anything else for a cadre not theirs
    command, done = RECORDERS[form_name]
    try:
        command(principal, _payload(form_name, cadre_id, year), source=SOURCE)
    except ApiError as err:
        errors = field_errors(err.errors or {"_form": [err.detail]}, FORMS[form_name])
        return _render_cadre(cadre_id, year, request.form.to_dict(), form_name, errors, err.status)
    flash(done, "ok")
    return redirect(url_for("web.support_cadre", cadre_id=cadre_id, year=year) + f"#{form_name}")


def _render_insurance(values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                      status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    year = _year()
    page = ledger_page(principal, LedgerFilter(year=year, uninsured_first=True), county_today(), page_arg(),
                       INSURANCE_PER_PAGE)
    chosen = set((values or {}).get("cadre_ids", []))
    return render_template("web/support_insurance.html", items=page["items"], total=page["total"],
                           page=page["page"], pages=page_count(page["total"], INSURANCE_PER_PAGE), year=year,
                           standards=_standards(), may_record=principal.has_role(*COUNTY_RECORDERS),
                           values=values or {}, chosen=chosen, errors=errors or {}), status


@bp.get("/support/insurance")
@roles_required(*SUPPORT_ROLES)
def support_insurance() -> tuple[str, int]:
    return _render_insurance()


@bp.post("/support/insurance")
@roles_required(*COUNTY_RECORDERS)
def support_insurance_record() -> Response | tuple[str, int]:
    f = request.form
    values = {"cadre_ids": f.getlist("cadre_ids"), "year": _year(), "insurer": f.get("insurer", "").strip(),
              "policy_no": f.get("policy_no", "").strip(), "cover_yuan": _number(f.get("cover_yuan", "")),
              "period_start": _day(f.get("period_start", "")), "period_end": _day(f.get("period_end", ""))}
    try:
        done = record_insurance(require_principal(), values, source=SOURCE)
    except ApiError as err:
        shown = {**f.to_dict(), "cadre_ids": f.getlist("cadre_ids")}
        return _render_insurance(shown, field_errors(err.errors or {"_form": [err.detail]}, INSURANCE_FIELDS),
                                 err.status)
    flash(f"已登记 {len(done)} 名干部 {values['year']} 年度的人身意外伤害保险。", "ok")
    return redirect(url_for("web.support_insurance", year=values["year"]))
