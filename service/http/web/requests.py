"""Unit HR: the mid-term replacement request form (中途调整申请) and 我的申请 with withdraw (撤回)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import submit_adjustment, withdraw_instance
from service.commands.urge import RateLimited, urge_task
from service.config import get_settings
from service.core.attachments import FILES_PER_STEP
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT
from service.http.files import accepts_files, uploaded_files
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.forms import field_errors, human, parse_date
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, HumanTask, Posting, ProcessInstance
from service.queries.cadre_standing import active_posting
from service.queries.case_progress import case_progress
from service.queries.eligibility import cadre_facts
from service.queries.instances import visible_instance
from service.queries.people import Person, Unresolved, people, resolve
from service.queries.views import instance_items
from workflows.rules import REASONS, ROLES, nominee_eligibility

FORM_FIELDS = {"cadre_id", "reason", "justification", "nominee_id", "effective_date", "evidence",
               "attachments"}
# The village and role come from the chosen cadre's posting: their errors belong to the cadre picker.
ALIASES = {"village_id": "cadre_id", "role": "cadre_id", "term_start": "cadre_id"}


def _today() -> date:
    return now().astimezone(get_settings().tz).date()


def _posted_cadres(principal: Principal) -> list[Person]:
    """The unit's cadres with an active posting: the request is about one of them."""
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    return people(db.session.execute(sa.select(Cadre).where(
        Cadre.unit_id.in_(principal.scopes("unit_hr")), posted).order_by(Cadre.id)).scalars().all())


def _nominees(principal: Principal, on_date: date) -> list[dict[str, Any]]:
    """The unit's unposted cadres with their eligibility for either role, reasons included."""
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    cadres = db.session.execute(sa.select(Cadre).where(
        Cadre.unit_id.in_(principal.scopes("unit_hr")), ~posted).order_by(Cadre.id)).scalars().all()
    out = []
    for c, person in zip(cadres, people(cadres), strict=True):
        facts = cadre_facts(c)
        verdicts = {role: nominee_eligibility(facts, role, on_date) for role in ROLES}
        out.append({"cadre": c, "person": person, "verdicts": verdicts})
    return out


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    return render_template("web/request_form.html", cadres=_posted_cadres(principal),
                           nominees=_nominees(principal, _today()), reasons=REASONS, values=values,
                           errors=errors, today=_today().isoformat()), status


@bp.get("/requests/new")
@roles_required("unit_hr")
def request_form() -> tuple[str, int]:
    return _render({}, {})


def _picked(text: str, candidates: list[Person], what: str, field: str,
            errors: dict[str, list[str]]) -> str:
    """The id of the person picked by name (queries/people.py); "" with the field's error."""
    try:
        return resolve(text, candidates, what)
    except Unresolved as err:
        errors[field] = [str(err)]
        return ""


def _payload(principal: Principal, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The command's payload; only what the command cannot judge (missing or malformed input,
    a name that names nobody or several people)."""
    errors: dict[str, list[str]] = {}
    cadre_id = _picked(form.get("cadre_id", ""), _posted_cadres(principal), "被调整干部", "cadre_id", errors)
    posting = active_posting(cadre_id) if cadre_id else None
    if posting is None and "cadre_id" not in errors:
        errors["cadre_id"] = ["请选择本单位在岗的驻村干部。"]
    if form.get("reason") not in REASONS:
        errors["reason"] = ["请选择调整原因。"]
    nominees = [n["person"] for n in _nominees(principal, _today())]
    nominee_id = _picked(form.get("nominee_id", ""), nominees, "接任人选", "nominee_id", errors)
    effective = parse_date(form.get("effective_date", ""))
    if effective is None:
        errors["effective_date"] = ["请填写有效的生效日期。"]
    evidence = [line.strip() for line in form.get("evidence", "").splitlines() if line.strip()]
    payload = {
        "cadre_id": cadre_id, "village_id": posting.village_id if posting else "",
        "role": posting.role if posting else "", "reason": form.get("reason", ""),
        "justification": form.get("justification", "").strip(), "nominee_id": nominee_id,
        "effective_date": effective, "evidence": evidence,
    }
    return payload, errors


@bp.post("/requests/new")
@accepts_files(FILES_PER_STEP)
@roles_required("unit_hr")
def request_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    payload, errors = _payload(require_principal(), values)
    if errors:
        return _render(values, errors, 422)
    try:
        # the files are kept with the request, in its transaction: a refused request keeps none
        row = submit_adjustment(require_principal(), payload, files=uploaded_files("attachments"))
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
    progress = case_progress(ids, now())
    for item in items:
        item["withdrawable"] = item["status"] == "running" and item["id"] not in decided
        item.update(progress[item["id"]])
        for step in item["steps"]:
            # The urge rule (commands/urge.py): the submitter may urge an open step once a day;
            # a step that is their own (a revision) is theirs to do, not to urge.
            own = step["scope_id"] in principal.scopes(step["role"])
            step["urgeable"] = item["status"] == "running" and not step["urged_today"] and not own
    return render_template("web/my_requests.html", items=items, total=page["total"], page=page["page"],
                           pages=page_count(page["total"]))


def _withdraw_page(row: ProcessInstance, errors: dict[str, list[str]], reason: str,
                   status: int = 200) -> tuple[str, int]:
    return render_template("web/withdraw_confirm.html", instance=instance_items([row])[0], errors=errors,
                           reason=reason, reason_limit=SHORT_TEXT), status


@bp.get("/requests/<string:instance_id>/withdraw")
@roles_required("unit_hr")
def request_withdraw_confirm(instance_id: str) -> tuple[str, int]:
    """Withdrawing cannot be undone: a page of its own says so and asks for the reason."""
    return _withdraw_page(visible_instance(require_principal(), instance_id), {}, "")


@bp.post("/requests/<string:instance_id>/withdraw")
@roles_required("unit_hr")
def request_withdraw(instance_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    row = visible_instance(principal, instance_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        missing = {"reason": ["请填写撤回原因：它会记入办理经过，并告知当前办理人。"]}
        return _withdraw_page(row, missing, reason, 422)
    try:
        withdraw_instance(principal, instance_id, reason)
    except ValidationFailed as err:
        return _withdraw_page(row, field_errors(err.errors or {"_form": [err.detail]}, {"reason"}), reason,
                              422)
    except Conflict as err:
        flash(err.detail, "error")
    else:
        flash("申请已撤回，已告知当前办理人。", "ok")
    return redirect(url_for("web.my_requests"))


@bp.post("/requests/<string:instance_id>/urge/<string:task_id>")
@roles_required("unit_hr")
def request_urge(instance_id: str, task_id: str) -> Response:
    """催办 from 我的申请; who may urge and how often is the command's rule (commands/urge.py)."""
    principal = require_principal()
    visible_instance(principal, instance_id)
    try:
        result = urge_task(principal, task_id, request.form.get("message", "").strip() or None)
    except (Conflict, Forbidden, RateLimited, NotFound, ValidationFailed) as err:
        flash(human(err.detail), "error")
    else:
        flash(f"已催办「{result.task.name}」，已通知 {len(result.notified)} 位办理人。", "ok")
    return redirect(url_for("web.my_requests"))
