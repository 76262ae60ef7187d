"""The instance page: the step bar (已完成 / 当前 / 待办理), the BPMN diagram with progress
highlighted, facts, open tasks, the timeline; for administrators, suspending (挂起), resuming
(恢复运行) and terminating (终止) the instance, each with a reason, terminating with an explicit
confirmation. The process administration's instance list (processes.py) posts to the same actions
with a `back` field: the answer then returns there.

The diagram is drawn in the browser by bpmn-js (static/web/diagram.js, served from node_modules by
vendor.py): the page carries the completed and active element ids, and the script fetches the BPMN
document from diagram.bpmn below, under the same access rule as the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import resume_instance, suspend_instance, terminate_instance
from service.commands.resume import RESUMABLE
from service.commands.terminate import TERMINABLE
from service.core.clock import now
from service.core.errors import Conflict, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.session import login_required, require_principal
from service.persistence.loading import load
from service.persistence.models import ProcessInstance
from service.queries.attachments import case_attachments
from service.queries.case_steps import case_steps
from service.queries.instances import (
    bpmn_xml,
    business_data,
    definition_bpmn_xml,
    open_task_items,
    visible_instance,
)
from service.queries.print_forms import forms_of
from service.queries.timeline import instance_history, related_instances
from service.queries.views import instance_items


def _render(row: ProcessInstance, errors: dict[str, list[str]] | None = None,
            values: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    loaded = load(row.id, read_only=True)
    data = business_data(loaded.instance)
    active = loaded.instance.active_element_ids()
    diagram = {"completed": loaded.instance.completed_element_ids(), "active": active}
    steps = case_steps(row, bpmn_xml(loaded), active, data, now())
    return render_template("web/instance.html", instance=instance_items([row])[0], data=data,
                           diagram=diagram, steps=steps,
                           open_tasks=open_task_items(row.id), history=instance_history(row.id),
                           files=case_attachments(row.id), print_forms=forms_of(row),
                           related=related_instances(row, data), error=row.error,
                           is_auditor=principal.has_role("auditor"),
                           can_terminate=principal.has_role("admin") and row.status in TERMINABLE,
                           can_suspend=principal.has_role("admin") and row.status == "running",
                           can_resume=principal.has_role("admin") and row.status in RESUMABLE,
                           reason_limit=SHORT_TEXT, errors=errors or {}, values=values or {}), status


@bp.get("/instances/<string:instance_id>")
@login_required
def instance_page(instance_id: str) -> tuple[str, int]:
    return _render(visible_instance(require_principal(), instance_id))


@bp.get("/instances/<string:instance_id>/diagram.bpmn")
@login_required
def instance_diagram_xml(instance_id: str) -> Response:
    """The BPMN document (with its BPMNDI) of the case's pinned definition version, for the viewer."""
    row = visible_instance(require_principal(), instance_id)
    return Response(definition_bpmn_xml(row.definition_id), content_type="application/xml; charset=utf-8")


# action -> (command, what the reason is called, done message, needs the confirmation box)
ADMIN_ACTIONS: dict[str, tuple[Callable[[Principal, str, str], ProcessInstance], str, str, bool]] = {
    "suspend": (suspend_instance, "挂起原因",
                "已挂起该流程实例：待办暂不能办理，定时器暂停触发，恢复运行后继续。", False),
    "resume": (resume_instance, "恢复原因", "已恢复运行该流程实例，期间到期的定时器将随即触发。", False),
    "terminate": (terminate_instance, "终止原因", "已终止该流程实例，全部待办和定时器已取消。", True),
}
BACK_PREFIX = "/processes/"


def _back() -> str | None:
    """Where a form from the process administration's lists returns to: a path of those pages only."""
    back = request.form.get("back", "")
    ok = back.startswith(BACK_PREFIX) and "//" not in back and "\\" not in back and back.isprintable()
    return back if ok else None


def _admin_action(instance_id: str, action: str) -> Response | tuple[str, int]:
    principal = require_principal()
    row = visible_instance(principal, instance_id)
    command, reason_name, done, confirm = ADMIN_ACTIONS[action]
    reason = request.form.get("reason", "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [f"请填写{reason_name}。"]
    if confirm and request.form.get("confirm") != "on":
        errors["confirm"] = ["请勾选确认：终止后不能恢复。"]
    if not errors:
        try:
            command(principal, instance_id, reason)
        except (ValidationFailed, Conflict) as err:  # Forbidden: the error page (403)
            errors = field_errors(err.errors or {"_form": [err.detail]}, {"reason"})
        else:
            flash(done, "ok")
            return redirect(_back() or url_for("web.instance_page", instance_id=instance_id))
    back = _back()
    if back is not None:  # the list's row forms: say what was wrong there
        for message in (m for ms in errors.values() for m in ms):
            flash(message, "error")
        return redirect(back)
    return _render(row, errors, {**request.form.to_dict(), "action": action}, 422)


@bp.post("/instances/<string:instance_id>/suspend")
@login_required
def instance_suspend(instance_id: str) -> Response | tuple[str, int]:
    return _admin_action(instance_id, "suspend")


@bp.post("/instances/<string:instance_id>/resume")
@login_required
def instance_resume(instance_id: str) -> Response | tuple[str, int]:
    return _admin_action(instance_id, "resume")


@bp.post("/instances/<string:instance_id>/terminate")
@login_required
def instance_terminate(instance_id: str) -> Response | tuple[str, int]:
    return _admin_action(instance_id, "terminate")
