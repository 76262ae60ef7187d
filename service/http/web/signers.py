"""The task page's 加签, 签署 and 抄送 forms: the same commands as POST /api/v1/tasks/{id}/signers,
/signers/sign and /cc (commands/signers.py). People are chosen by name from the active users
(queries/people.py); a name that names nobody or several people is the field's error."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from service.commands.signers import MODES, add_signer, copy_to, sign
from service.core.errors import Conflict, ValidationFailed
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.session import login_required, require_principal
from service.http.web.task import render_task_page
from service.queries.people import Unresolved, resolve_user, user_choices
from service.queries.tasks import visible_task

# The holder's own decision and comment for 后加签 carry other names than the decision form's on
# the same page.
SIGNER_FIELDS = {"signer", "mode", "reason", "own_decision", "own_comment"}
CC_FIELDS = {"readers", "note"}
SIGN_FIELDS = {"decision", "comment"}


def _refused(err: ValidationFailed | Conflict, known: set[str],
             aliases: dict[str, str]) -> dict[str, list[str]]:
    return field_errors(err.errors or {"_form": [err.detail]}, known, aliases)


def _again(task_id: str, panel: str, errors: dict[str, list[str]]) -> tuple[str, int]:
    """The task page again with the panel's errors next to its fields, and what was typed."""
    principal = require_principal()
    task, row, acts = visible_task(principal, task_id)
    values: dict[str, Any] = {**request.form.to_dict(), "readers": request.form.getlist("readers")}
    return render_task_page(task, row, acts, status=422,
                            panels={f"{panel}_errors": errors, f"{panel}_values": values})


@bp.post("/tasks/<string:task_id>/signers")
@login_required
def task_add_signer(task_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    visible_task(principal, task_id)  # 404 for whoever may not see it
    form = request.form
    errors: dict[str, list[str]] = {}
    login = ""
    try:
        login = resolve_user(form.get("signer", ""), user_choices(exclude=[principal.login]), "加签人")
    except Unresolved as err:
        errors["signer"] = [str(err)]
    mode = form.get("mode", "")
    if mode not in MODES:
        errors["mode"] = ["请选择加签方式：前加签或后加签。"]
    decision = (form.get("own_decision") or None) if mode == "after" else None
    if mode == "after" and decision is None:
        errors["own_decision"] = ["后加签须同时给出您本人的办理意见。"]
    if not errors:
        try:
            add_signer(principal, task_id, login, mode, form.get("reason"), decision,
                       form.get("own_comment") if mode == "after" else None)
        except (ValidationFailed, Conflict) as err:
            errors = _refused(err, SIGNER_FIELDS,
                              {"login": "signer", "decision": "own_decision", "comment": "own_comment"})
        else:
            flash(f"已{MODES[mode]}，待加签人签署。", "ok")
            return redirect(url_for("web.task_page", task_id=task_id))
    return _again(task_id, "signer", errors)


@bp.post("/tasks/<string:task_id>/signers/sign")
@login_required
def task_sign(task_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    visible_task(principal, task_id)
    decision, comment = request.form.get("decision", ""), request.form.get("comment", "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in ("approve", "reject"):
        errors["decision"] = ["请选择签署意见：同意或不同意。"]
    elif decision == "reject" and not comment:
        errors["comment"] = ["不同意时须填写意见。"]
    if not errors:
        try:
            signed = sign(principal, task_id, decision, comment or None)
        except (ValidationFailed, Conflict) as err:
            errors = _refused(err, SIGN_FIELDS, {})
        else:
            flash("已签署，办理人的决定随之生效。" if signed.completed
                  else "已签署，任务已回到办理人处。", "ok")
            return redirect(url_for("web.inbox"))
    return _again(task_id, "sign", errors)


@bp.post("/tasks/<string:task_id>/cc")
@login_required
def task_copy(task_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    visible_task(principal, task_id)
    choices = user_choices(exclude=[principal.login])
    logins: list[str] = []
    problems: list[str] = []
    for text in (t for t in request.form.getlist("readers") if t.strip()):
        try:
            logins.append(resolve_user(text, choices, "抄送人"))
        except Unresolved as err:
            problems.append(str(err))
    errors: dict[str, list[str]] = {"readers": problems} if problems else {}
    if not logins and not problems:
        errors["readers"] = ["请至少选择一位抄送人。"]
    if not errors:
        try:
            added = copy_to(principal, task_id, logins, request.form.get("note"))
        except (ValidationFailed, Conflict) as err:
            errors = _refused(err, CC_FIELDS, {"logins": "readers"})
        else:
            flash(f"已抄送 {len(added)} 人。" if added else "所选人员此前均已抄送。", "ok")
            return redirect(url_for("web.task_page", task_id=task_id))
    return _again(task_id, "cc", errors)
