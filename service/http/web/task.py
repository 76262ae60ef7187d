"""The task page: the request's facts, its history, the decision form; claim, unclaim, transfer (转办).

A task the user may not see is 404, as in the API (queries.tasks.visible_task): nothing leaks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import claim_task, complete_task, transfer_task, unclaim_task
from service.commands.tasks import EVIDENCE_TASKS
from service.core.attachments import FILES_PER_STEP, carries_attachments
from service.core.errors import Conflict, ValidationFailed
from service.core.principal import Principal
from service.http.files import accepts_files, uploaded_files
from service.http.web import bp
from service.http.web.forms import field_errors, human, task_form_data
from service.http.web.session import login_required, require_principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import Cadre, HumanTask, Posting, ProcessInstance, User, UserRole
from service.queries.access import can_see_instance
from service.queries.attachments import case_attachments
from service.queries.instances import business_data
from service.queries.people import Person, Unresolved, people, resolve
from service.queries.print_forms import forms_of
from service.queries.task_sections import task_sections
from service.queries.tasks import task_contract, visible_task
from service.queries.timeline import instance_history
from service.queries.views import task_items


def _transfer_candidates(principal: Principal, task: HumanTask) -> list[User]:
    return list(db.session.execute(
        sa.select(User).join(UserRole).where(UserRole.role == task.role, UserRole.scope_id == task.scope_id,
                                             User.active.is_(True), User.login != principal.login)
        .order_by(User.login)).scalars().unique())


def _nominee_candidates(data: dict[str, Any]) -> list[Person]:
    """Who may be named on a nominating form: the dispatch unit's unposted cadres (and, for a
    team member, the township's: 驻村工作队员由乡镇补齐), plus the nominee named so far."""
    units = [u for u in (data.get("unit_id"), data.get("township_id") if data.get("role") == "team_member"
                         else None) if u]
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    stmt = sa.select(Cadre).where(sa.or_(sa.and_(Cadre.unit_id.in_(units), ~posted),
                                         Cadre.id == str(data.get("nominee_id") or "")))
    return people(db.session.execute(stmt.order_by(Cadre.id)).scalars().all())


def _picker(form_fields: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any] | None:
    """The name picker of a form that names a nominee: its entries and the current nominee's."""
    if not any(f["id"] == "nominee_id" for f in form_fields):
        return None
    options = _nominee_candidates(data)
    current = next((p.label for p in options if p.id == data.get("nominee_id")), "")
    return {"options": options, "current": current}


def _render(task: HumanTask, row: ProcessInstance, acts: bool, errors: dict[str, list[str]] | None = None,
            values: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    data = business_data(load(row.id, read_only=True).instance)
    form_fields, comment_required = task_contract(task, row)
    takes_evidence = (row.process_key, task.spec_id) in EVIDENCE_TASKS
    history = instance_history(row.id)
    item = task_items([task])[0]
    # A suspended case's steps wait for the administrator's resume (commands/suspend.py).
    can_act = acts and task.status == "open" and row.status != "suspended"
    claimed_by_other = bool(task.claimed_by) and task.claimed_by != principal.login
    claimed_by_me = can_act and task.claimed_by == principal.login
    return render_template(
        "web/task.html", task=item, instance=row, data=data,
        sections=task_sections(task, row, data, history), history=history, form_fields=form_fields,
        comment_required=comment_required,
        can_act=can_act and not claimed_by_other, claimed_by_other=claimed_by_other,
        transfer_to=_transfer_candidates(principal, task) if claimed_by_me else [],
        errors=errors or {}, values=values or {}, picker=_picker(form_fields, data) if can_act else None,
        takes_evidence=takes_evidence, evidence_text="\n".join(data.get("evidence") or []),
        files=case_attachments(row.id), takes_files=carries_attachments(row.process_key, task.spec_id),
        # the case's forms, to whoever may see the case itself (a task's holder may not)
        print_forms=forms_of(row) if can_see_instance(principal, row) else [],
    ), status


@bp.get("/tasks/<string:task_id>")
@login_required
def task_page(task_id: str) -> tuple[str, int]:
    task, row, acts = visible_task(require_principal(), task_id)
    return _render(task, row, acts)


@bp.post("/tasks/<string:task_id>/complete")
@accepts_files(FILES_PER_STEP)
@login_required
def task_complete(task_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    task, row, acts = visible_task(principal, task_id)
    form_fields, comment_required = task_contract(task, row)
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "").strip()
    data, errors = task_form_data(request.form, form_fields)
    _resolve_nominee(row, form_fields, data, errors)
    if (row.process_key, task.spec_id) in EVIDENCE_TASKS and "evidence" in request.form:
        data["evidence"] = [line.strip() for line in request.form["evidence"].splitlines() if line.strip()]
    if not decision:
        errors["decision"] = ["请选择办理意见。"]
    elif decision in comment_required and not comment:
        errors["comment"] = ["选择此意见时必须填写理由。"]
    if not errors:
        try:
            # the files go in with the step, in its transaction: a refused step keeps none
            result = complete_task(principal, task_id, decision, comment or None, data,
                                   files=uploaded_files("attachments"))
        except ValidationFailed as err:
            known = {"decision", "comment", "data.evidence", "attachments"}
            known |= {f"data.{f['id']}" for f in form_fields}
            errors = field_errors(err.errors or {"_form": [err.detail]}, known)
        else:
            flash(f"已办理「{task.name}」。", "ok")
            for started in result.started:
                flash("已启动工作交接流程。", "ok")
                return redirect(url_for("web.instance_page", instance_id=started.id))
            return redirect(url_for("web.inbox"))
    return _render(task, row, acts, errors, request.form.to_dict(), 422)


def _resolve_nominee(row: ProcessInstance, form_fields: list[dict[str, Any]], data: dict[str, Any],
                     errors: dict[str, list[str]]) -> None:
    """The nominee typed by name (or picked from the list) becomes the cadre's id; a name that
    names nobody or several people is the field's error."""
    if "nominee_id" not in data:
        return
    case = business_data(load(row.id, read_only=True).instance)
    label = next((f.get("label") for f in form_fields if f["id"] == "nominee_id"), None) or "拟任人选"
    try:
        data["nominee_id"] = resolve(str(data["nominee_id"]), _nominee_candidates(case), label)
    except Unresolved as err:
        errors["data.nominee_id"] = [str(err)]
        data.pop("nominee_id")


def _task_action(task_id: str, action: str) -> Response:
    principal = require_principal()
    visible_task(principal, task_id)
    try:
        if action == "claim":
            claim_task(principal, task_id)
            flash("已认领。", "ok")
        elif action == "unclaim":
            unclaim_task(principal, task_id)
            flash("已释放认领。", "ok")
        else:
            target = request.form.get("to_user", "")
            transfer_task(principal, task_id, target)
            flash(f"已转办给 {target}。", "ok")
            return redirect(url_for("web.inbox"))
    except (Conflict, ValidationFailed) as err:
        messages = [human(m) for ms in err.errors.values() for m in ms] or [err.detail]
        for message in messages:
            flash(message, "error")
    return redirect(url_for("web.task_page", task_id=task_id))


@bp.post("/tasks/<string:task_id>/claim")
@login_required
def task_claim(task_id: str) -> Response:
    return _task_action(task_id, "claim")


@bp.post("/tasks/<string:task_id>/unclaim")
@login_required
def task_unclaim(task_id: str) -> Response:
    return _task_action(task_id, "unclaim")


@bp.post("/tasks/<string:task_id>/transfer")
@login_required
def task_transfer(task_id: str) -> Response:
    return _task_action(task_id, "transfer")
