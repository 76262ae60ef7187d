"""The cadre's leave (请假申请) and 我的请假 with withdraw (撤回); the approvers use their 待办."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import withdraw_instance
from service.commands.leaves import MAX_LEAVE_DAYS, request_leave
from service.config import get_settings
from service.core.errors import Conflict, ValidationFailed
from service.core.labels import LEAVE_TYPE_NAMES
from service.core.text_limits import SHORT_TEXT
from service.http.web import bp
from service.http.web.forms import field_errors, parse_date
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import HumanTask, Village
from service.queries.cadre_standing import active_posting
from service.queries.instances import visible_instance
from service.queries.presence import county_today, leave_items, visible_leaves_statement
from service.queries.views import instance_items

FORM_FIELDS = {"leave_type", "start_date", "end_date", "reason"}


def _own_cadre_id() -> str:
    return next(iter(sorted(require_principal().scopes("cadre"))))


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    posting = active_posting(_own_cadre_id())
    village = db.session.get(Village, posting.village_id) if posting is not None else None
    return render_template("web/leave_form.html", values=values, errors=errors, types=LEAVE_TYPE_NAMES,
                           village=village, today=county_today().isoformat(),
                           county_days=get_settings().leave_county_days, max_days=MAX_LEAVE_DAYS,
                           reason_limit=SHORT_TEXT), status


@bp.get("/leaves/new")
@roles_required("cadre")
def leave_form() -> tuple[str, int]:
    return _render({}, {})


@bp.post("/leaves/new")
@roles_required("cadre")
def leave_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    errors: dict[str, list[str]] = {}
    payload: dict[str, Any] = {"leave_type": values.get("leave_type", ""),
                               "reason": values.get("reason", "").strip()}
    for name, label in (("start_date", "请假开始日期"), ("end_date", "请假结束日期")):
        payload[name] = parse_date(values.get(name, ""))
        if payload[name] is None:
            errors[name] = [f"请填写有效的{label}（年-月-日）。"]
    if errors:
        return _render(values, errors, 422)
    try:
        row = request_leave(require_principal(), payload)
    except (ValidationFailed, Conflict) as err:
        return _render(values, field_errors(err.errors or {"_form": [err.detail]}, FORM_FIELDS), err.status)
    flash("请假申请已提交，等待乡镇党委政府审批。", "ok")
    return redirect(url_for("web.instance_page", instance_id=row.id))


@bp.get("/leaves")
@roles_required("cadre")
def my_leaves() -> str:
    principal = require_principal()
    rows = db.session.execute(visible_leaves_statement(principal, {"cadre_id": _own_cadre_id()})
                              .limit(200)).scalars().all()
    items = leave_items(rows)
    ids = [i["instance_id"] for i in items]
    decided = set(db.session.execute(sa.select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(ids), HumanTask.status == "done")).scalars()) if ids else set()
    for item in items:
        item["withdrawable"] = item["state"] == "pending" and item["instance_id"] not in decided
    return render_template("web/my_leaves.html", items=items)


def _withdraw_page(instance_id: str, errors: dict[str, list[str]], reason: str,
                   status: int = 200) -> tuple[str, int]:
    row = visible_instance(require_principal(), instance_id)
    return render_template("web/withdraw_confirm.html", instance=instance_items([row])[0], errors=errors,
                           reason=reason, reason_limit=SHORT_TEXT,
                           withdraw_action=url_for("web.leave_withdraw", instance_id=row.id),
                           back_url=url_for("web.my_leaves")), status


@bp.get("/leaves/<string:instance_id>/withdraw")
@roles_required("cadre")
def leave_withdraw_confirm(instance_id: str) -> tuple[str, int]:
    return _withdraw_page(instance_id, {}, "")


@bp.post("/leaves/<string:instance_id>/withdraw")
@roles_required("cadre")
def leave_withdraw(instance_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    visible_instance(principal, instance_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        missing = {"reason": ["请填写撤回原因：它会记入办理经过，并告知审批人。"]}
        return _withdraw_page(instance_id, missing, reason, 422)
    try:
        withdraw_instance(principal, instance_id, reason)
    except ValidationFailed as err:
        return _withdraw_page(instance_id, field_errors(err.errors or {"_form": [err.detail]}, {"reason"}),
                              reason, 422)
    except Conflict as err:
        flash(err.detail, "error")
    else:
        flash("请假申请已撤回，已告知审批人。", "ok")
    return redirect(url_for("web.my_leaves"))
