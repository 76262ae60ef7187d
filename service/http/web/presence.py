"""在村情况: the cadre records a month in the village; the township confirms (or records, or imports
from Excel) its cadres' months; the county and the units read them. Alerts are the commands'."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from service.commands.presence import confirm_presence, import_presence, presence_template, record_presence
from service.commands.roster_excel import MIME
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, Posting, Village
from service.queries.presence import (
    county_today,
    month_of,
    month_span,
    presence_items,
    visible_presence_statement,
    year_of,
)

READERS = ("cadre", "township", "unit_hr", "county", "org_dept", "rrb")
IMPORTERS = ("township", "county", "org_dept")
SOURCE = "page"


def _month_arg(raw: str | None, today: date) -> tuple[int, int]:
    """YYYY-MM from the query, else last month (the one a township confirms at the start of this)."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12 and (year, month) <= (today.year, today.month):
            return year, month
    except ValueError:
        pass
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _township_rows(principal: Principal, year: int, month: int) -> list[dict[str, Any]]:
    """Every cadre posted in the township's villages during the month, with the month's record."""
    first, last = month_span(year, month)
    postings = db.session.execute(
        sa.select(Posting, Cadre.name, Village.name).join(Cadre, Cadre.id == Posting.cadre_id)
        .join(Village, Village.id == Posting.village_id)
        .where(Village.township_id.in_(sorted(principal.scopes("township"))), Posting.term_start <= last,
               sa.or_(Posting.term_end.is_(None), Posting.term_end >= first))
        .order_by(Village.id, Posting.role, Cadre.id)).all()
    rows, seen = [], set()
    for posting, cadre_name, village_name in postings:
        if posting.cadre_id in seen:
            continue
        seen.add(posting.cadre_id)
        tally = month_of(posting.cadre_id, year, month)
        rows.append({"cadre_id": posting.cadre_id, "cadre_name": cadre_name, "village_name": village_name,
                     "role": posting.role, "tally": tally, "record": tally.record})
    return rows


def _render(values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
            status: int = 200, import_errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    principal = require_principal()
    today = county_today()
    year, month = _month_arg(request.args.get("month") or (values or {}).get("month"), today)
    context: dict[str, Any] = {"year": year, "month": month, "today": today, "values": values or {},
                               "errors": errors or {}, "import_errors": import_errors or {},
                               "note_limit": SHORT_TEXT, "can_import": principal.has_role(*IMPORTERS)}
    months = []
    y, m = today.year, today.month
    for _ in range(24):  # the month picker: this month and the 23 before
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    context["months"] = months
    if principal.has_role("cadre"):
        cadre_id = sorted(principal.scopes("cadre"))[0]
        context["own"] = year_of(cadre_id, today.year)
        context["own_month"] = month_of(cadre_id, year, month)
    if principal.has_role("township"):
        context["township_rows"] = _township_rows(principal, year, month)
    elif not principal.has_role("cadre"):
        stmt = visible_presence_statement(principal, {"year": year, "month": month})
        context["records"] = presence_items(db.session.execute(stmt.limit(500)).scalars().all())
    return render_template("web/presence.html", **context), status


@bp.get("/presence")
@roles_required(*READERS)
def presence_page() -> tuple[str, int]:
    return _render()


def _whole(raw: str | None) -> int | str | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() else (text or None)


def _back(year: int, month: int) -> Response:
    return redirect(url_for("web.presence_page", month=f"{year:04d}-{month:02d}"))


@bp.post("/presence/record")
@roles_required("cadre", "township")
def presence_record() -> Response | tuple[str, int]:
    form = request.form
    year, month = _month_arg(form.get("month"), county_today())
    payload: dict[str, Any] = {"year": year, "month": month, "days_present": _whole(form.get("days_present")),
                               "note": form.get("note", "").strip() or None}
    if form.get("cadre_id"):
        payload["cadre_id"] = form["cadre_id"]
    try:
        record_presence(require_principal(), payload, source=SOURCE)
    except (ValidationFailed, Conflict, Forbidden, NotFound) as err:
        known = {"days_present", "note", "month", "cadre_id"}
        errors = field_errors(err.errors or {"_form": [err.detail]}, known)
        return _render({**form.to_dict(), "month": f"{year:04d}-{month:02d}"}, errors, err.status)
    done = "确认" if "cadre_id" in payload else "填报，等待乡镇确认"
    flash(f"{year} 年 {month} 月在村天数已{done}。", "ok")
    return _back(year, month)


@bp.post("/presence/<int:record_id>/confirm")
@roles_required("township")
def presence_confirm(record_id: int) -> Response | tuple[str, int]:
    form = request.form
    payload: dict[str, Any] = {"note": form.get("note", "").strip() or None}
    days = _whole(form.get("days_present"))
    if days is not None:
        payload["days_present"] = days
    if form.get("revision", "").isdigit():
        payload["revision"] = int(form["revision"])
    try:
        row = confirm_presence(require_principal(), record_id, payload, source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        errors = {f"{record_id}.{k}": v for k, v in (err.errors or {"_form": [err.detail]}).items()}
        return _render({"month": form.get("month")}, errors, err.status)
    tally = month_of(row.cadre_id, row.year, row.month)
    flash(f"已确认 {row.year} 年 {row.month} 月在村 {row.days_present} 天"
          + (f"，低于应在村的 {tally.required_days} 天，已通知乡镇和派出单位。" if tally.short else "。"),
          "warn" if tally.short else "ok")
    return _back(row.year, row.month)


@bp.post("/presence/import")
@roles_required(*IMPORTERS)
def presence_import() -> Response | tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        missing = {"file": ["请选择要导入的 .xlsx 文件。"]}
        return _render({"month": request.form.get("month")}, None, 422, missing)
    try:
        result = import_presence(require_principal(), upload.read(), upload.filename)
    except ValidationFailed as err:
        problems = err.errors or {"file": [err.detail]}
        return _render({"month": request.form.get("month")}, None, err.status, problems)
    flash(f"已导入 {result.rows} 行（新增 {result.created}，修改 {result.updated}，"
          f"无变化 {result.unchanged}）"
          + (f"；{len(result.short)} 人在村天数不足，已通知乡镇和派出单位。" if result.short else "。"),
          "warn" if result.short else "ok")
    year, month = _month_arg(request.form.get("month"), county_today())
    return _back(year, month)


@bp.get("/presence/template.xlsx")
@roles_required(*IMPORTERS)
def presence_template_file() -> Response:
    year, month = _month_arg(request.args.get("month"), county_today())
    content = presence_template(require_principal(), year, month)
    return send_file(io.BytesIO(content), mimetype=MIME, as_attachment=True,
                     download_name=f"在村天数-{year}年{month}月.xlsx")
