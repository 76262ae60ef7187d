"""Unit HR: the mid-term replacement request form (中途调整申请) and 我的申请 with withdraw (撤回)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import submit_adjustment, withdraw_instance
from service.commands.adjustments import active_posting
from service.config import get_settings
from service.core.errors import Conflict, ValidationFailed
from service.core.principal import Principal
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.forms import field_errors, parse_date
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, HumanTask, Posting, ProcessInstance, Village
from service.queries.eligibility import cadre_facts
from service.queries.instances import visible_instance
from service.queries.views import instance_items
from workflows.rules import REASONS, ROLES, nominee_eligibility

FORM_FIELDS = {"cadre_id", "reason", "justification", "nominee_id", "effective_date", "evidence"}
# The village and role come from the chosen cadre's posting: their errors belong to the cadre picker.
ALIASES = {"village_id": "cadre_id", "role": "cadre_id", "term_start": "cadre_id"}


def _today() -> date:
    return datetime.now(get_settings().tz).date()


def _posted_cadres(principal: Principal) -> list[dict[str, Any]]:
    """The unit's cadres with an active posting, with the village and role the request is about."""
    rows = db.session.execute(
        sa.select(Cadre, Posting, Village).join(Posting, Posting.cadre_id == Cadre.id)
        .join(Village, Village.id == Posting.village_id)
        .where(Cadre.unit_id.in_(principal.scopes("unit_hr")), Posting.active.is_(True))
        .order_by(Cadre.id)).all()
    return [{"id": c.id, "name": c.name, "village_id": v.id, "village_name": v.name, "role": p.role,
             "term_start": p.term_start} for c, p, v in rows]


def _nominees(principal: Principal, on_date: date) -> list[dict[str, Any]]:
    """The unit's unposted cadres with their eligibility for either role, reasons included."""
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    cadres = db.session.execute(sa.select(Cadre).where(
        Cadre.unit_id.in_(principal.scopes("unit_hr")), ~posted).order_by(Cadre.id)).scalars().all()
    out = []
    for c in cadres:
        facts = cadre_facts(c)
        verdicts = {role: nominee_eligibility(facts, role, on_date) for role in ROLES}
        out.append({"cadre": c, "verdicts": verdicts})
    return out


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    return render_template("web/request_form.html", cadres=_posted_cadres(principal),
                           nominees=_nominees(principal, _today()), reasons=REASONS, values=values,
                           errors=errors), status


@bp.get("/requests/new")
@roles_required("unit_hr")
def request_form() -> tuple[str, int]:
    return _render({}, {})


def _payload(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The command's payload; only what the command cannot judge (missing or malformed input)."""
    errors: dict[str, list[str]] = {}
    posting = active_posting(form.get("cadre_id", "")) if form.get("cadre_id") else None
    if posting is None:
        errors["cadre_id"] = ["请选择本单位在岗的驻村干部。"]
    if form.get("reason") not in REASONS:
        errors["reason"] = ["请选择调整原因。"]
    if not form.get("nominee_id"):
        errors["nominee_id"] = ["请选择接任人选。"]
    effective = parse_date(form.get("effective_date", ""))
    if effective is None:
        errors["effective_date"] = ["请填写有效的生效日期。"]
    evidence = [line.strip() for line in form.get("evidence", "").splitlines() if line.strip()]
    payload = {
        "cadre_id": form.get("cadre_id", ""), "village_id": posting.village_id if posting else "",
        "role": posting.role if posting else "", "reason": form.get("reason", ""),
        "justification": form.get("justification", "").strip(), "nominee_id": form.get("nominee_id", ""),
        "effective_date": effective, "evidence": evidence,
    }
    return payload, errors


@bp.post("/requests/new")
@roles_required("unit_hr")
def request_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    payload, errors = _payload(values)
    if errors:
        return _render(values, errors, 422)
    try:
        row = submit_adjustment(require_principal(), payload)
    except (ValidationFailed, Conflict) as err:  # 409: the same request submitted twice at once
        return _render(values, field_errors(err.errors or {"_form": [err.detail]}, FORM_FIELDS, ALIASES),
                       err.status)
    flash("申请已提交，等待乡镇党委政府审核。", "ok")
    return redirect(url_for("web.instance_page", instance_id=row.id))


@bp.get("/requests")
@roles_required("unit_hr")
def my_requests() -> str:
    principal = require_principal()
    stmt = (sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
            .where(ProcessInstance.submitter == principal.login)
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id))
    page = paginate(stmt, page_arg(), PER_PAGE)
    items = instance_items(page["items"])
    ids = [i["id"] for i in items]
    # Withdrawing is possible only before the first decision (the command checks it again).
    decided = set(db.session.execute(sa.select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(ids), HumanTask.status == "done")).scalars()) if ids else set()
    for item in items:
        item["withdrawable"] = item["status"] == "running" and item["id"] not in decided
    return render_template("web/my_requests.html", items=items, total=page["total"], page=page["page"],
                           pages=page_count(page["total"]))


@bp.post("/requests/<string:instance_id>/withdraw")
@roles_required("unit_hr")
def request_withdraw(instance_id: str) -> Response:
    principal = require_principal()
    visible_instance(principal, instance_id)
    try:
        withdraw_instance(principal, instance_id)
    except Conflict as err:
        flash(err.detail, "error")
    else:
        flash("申请已撤回。", "ok")
    return redirect(url_for("web.my_requests"))
