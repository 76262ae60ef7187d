"""Task commands: claim, unclaim, complete (approve / reject / return ...), transfer (转办)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.commands import attachments, reactions
from service.commands.actor import require_grant
from service.commands.adjustments import nominee_violations
from service.commands.core import EventInfo, record, save
from service.commands.step_guards import check_step
from service.commands.suspend import refuse_while_suspended
from service.commands.uow import unit_of_work
from service.commands.violations import refuse
from service.config import get_settings
from service.core.bounds import check_form_values
from service.core.case_dates import check_case_dates
from service.core.clock import now
from service.core.errors import Conflict, NotFound, ValidationFailed
from service.core.principal import Grant, Principal
from service.core.text_limits import COMMENT, check_evidence, check_form_data, check_text
from service.persistence.db import db
from service.persistence.history import canonical
from service.persistence.loading import Loaded, fetch_task, restored
from service.persistence.models import Cadre, HumanTask, ProcessInstance, User, UserRole
from service.queries.duty_villages import duty_report_facts
from service.queries.eligibility import cadre_facts
from workflows.definitions import Definition
from workflows.engine import (
    CommentRequired,
    DecisionNotAllowed,
    FlowError,
    FormInvalid,
    ScriptError,
    TaskNotFound,
    TaskNotReady,
)
from workflows.rules import check_adjustment, check_nominee
from workflows.serialization import state_hash


@dataclass
class CompleteResult:
    task: HumanTask
    instance: ProcessInstance
    started: list[ProcessInstance]
    open_tasks: list[HumanTask] = field(default_factory=list)  # the instance's open tasks after it
    response: Any = None  # what `respond` returned
    # (cadre names, village names) by id, read with the instance row (before the command ran)
    names: tuple[dict[str, str], dict[str, str]] | None = None
    definition: Definition | None = None  # the instance's pinned definition, as restored


def _open_task(task_id: str) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在。")
    return task


def _candidate_grant(actor: Principal, task: HumanTask, what: str) -> Grant:
    return require_grant(actor, task.role, task.scope_id, what, task.scope_kind)


def _require_open(task: HumanTask) -> None:
    if task.status != "open":
        state = "办结" if task.status == "done" else "取消"
        raise Conflict(f"任务已{state}，不能再办理。", slug="task-closed")


def _require_not_claimed_by_other(actor: Principal, task: HumanTask) -> None:
    if task.claimed_by and task.claimed_by != actor.login:
        raise Conflict(f"任务已被 {task.claimed_by} 认领。", slug="task-claimed")


def _require_no_pending_signer(pending_signer: str | None) -> None:
    """A task with an added signer still to sign (加签) waits for them."""
    if pending_signer is not None:
        raise Conflict(f"该任务已加签，须待 {pending_signer} 签署后才能办理。", slug="signer-pending")


def _touch(task: HumanTask, at: datetime) -> ProcessInstance:
    """Bump the instance revision: a concurrent command on the same instance then loses (409)."""
    row = db.session.get_one(ProcessInstance, task.instance_id)
    row.updated_at = at
    db.session.flush()
    return row


def _set_claim(actor: Principal, task_id: str, claimant: str | None, kind: str, what: str) -> HumanTask:
    """Claim (claimant = the actor) or release (claimant = None) a task, recorded as `kind`."""
    at = now()
    with unit_of_work():
        task = _open_task(task_id)
        grant = _candidate_grant(actor, task, what)
        _require_open(task)
        _require_not_claimed_by_other(actor, task)
        if task.claimed_by == claimant:
            return task
        row = _touch(task, at)
        task.claimed_by = claimant
        record(row.id, at, EventInfo(kind, {"task_id": task.id}, actor, grant, task.id, task.spec_id),
               state_hash(row.state))
    return task


def claim_task(actor: Principal, task_id: str) -> HumanTask:
    return _set_claim(actor, task_id, actor.login, "claim", "认领该任务")


def unclaim_task(actor: Principal, task_id: str) -> HumanTask:
    return _set_claim(actor, task_id, None, "unclaim", "释放该任务")


def transfer_task(actor: Principal, task_id: str, to_login: str) -> HumanTask:
    at = now()
    with unit_of_work():
        task = _open_task(task_id)
        grant = _candidate_grant(actor, task, "转办该任务")
        _require_open(task)
        _require_not_claimed_by_other(actor, task)
        if task.claimed_by != actor.login:  # api.md: only the claimant hands a task on
            raise Conflict("请先认领该任务，再转办。", slug="task-not-claimed")
        if to_login == actor.login:
            raise ValidationFailed("不能转办给自己。", errors={"to_user": ["不能转办给自己。"]})
        target = db.session.execute(sa.select(User).join(UserRole).where(
            User.login == to_login, User.active.is_(True), UserRole.role == task.role,
            UserRole.scope_id == task.scope_id)).scalars().first()
        if target is None:
            raise ValidationFailed(
                "转办对象须为具有相同角色和管辖范围的有效用户。",
                errors={"to_user": [
                    f"用户 {to_login} 不存在或不具有角色 {task.role}（范围 {task.scope_id}）。"]})
        row = _touch(task, at)
        task.claimed_by = target.login
        record(row.id, at, EventInfo("transfer", {"task_id": task.id, "to_user": target.login}, actor, grant,
                                     task.id, task.spec_id), state_hash(row.state))
    return task


def _form_fields(task: HumanTask, loaded: Loaded) -> list[dict[str, Any]]:
    spec = loaded.definition.task_spec(task.spec_id)
    return list((spec.extensions or {}).get("formFields", [])) if spec is not None else []


# Tasks that may replace the request's list of evidence (证明材料). The engine's forms have no list
# type, so the list travels beside the form: checked here as at submission (check_evidence) and
# handed to the engine with the other values the service has checked.
EVIDENCE_TASKS = {("mid_term_replacement", "revise_request")}


def _evidence(task: HumanTask, loaded: Loaded, data: dict[str, Any]) -> list[str] | None:
    """The revised evidence list taken out of `data` (None: not sent, or not this task's)."""
    if "evidence" not in data or (loaded.row.process_key, task.spec_id) not in EVIDENCE_TASKS:
        return None
    raw = data.pop("evidence")
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        message = "证明材料须为文本列表（每项一行）。"
        raise ValidationFailed(message, errors={"data.evidence": [message]})
    items = [i.strip() for i in raw if i.strip()]
    check_evidence("data.evidence", items)
    return items


def _trusted_data(task: HumanTask, loaded: Loaded, data: dict[str, Any]) -> dict[str, Any] | None:
    """Facts the service vouches for (the nominee's registry entry) and the rules they must pass.

    Tasks whose form names a nominee (revision, nomination) are checked here with the same rules
    as a new request, so a bad revision is refused (422) instead of ending the whole request in
    the engine's own rule check.
    """
    form = {f.get("id") for f in _form_fields(task, loaded)}
    if "nominee_id" not in form:
        return None
    current = loaded.instance.data
    nominee_id = str(data.get("nominee_id") or current.get("nominee_id") or "")
    nominee = db.session.get(Cadre, nominee_id)
    unit_id, cadre_id = current.get("unit_id"), current.get("cadre_id")
    violations = nominee_violations(nominee, nominee_id, unit_id, cadre_id, role=current.get("role"),
                                    township_id=current.get("township_id"))
    trusted = {"nominee_name": nominee.name, "nominee_facts": cadre_facts(nominee)} if nominee else {}
    merged = {**current, **data, **trusted}
    if loaded.row.process_key == "mid_term_replacement":
        violations += check_adjustment(merged)
    else:
        violations += check_nominee(merged.get("nominee_facts"), merged.get("role"),
                                    merged.get("effective_date"))
    refuse(violations, detail="修改后的申请不符合驻村工作规定。", prefix="data.")
    return trusted


def _cannot_continue(err: FlowError | ScriptError) -> str:
    if isinstance(err, FlowError):
        return str(err)
    missing = getattr(err.cause, "name", None) if isinstance(err.cause, NameError) else None
    why = (f"用到的 {missing} 没有值（表单未填写，或流程数据中没有）" if missing
           else f"执行出错（{type(err.cause).__name__}: {err.cause}）")
    return f"流程在 {err.element_id} 处无法继续：表达式 {err.code!r} {why}。本次办理未生效，流程停在原处。"


def complete_task(actor: Principal, task_id: str, decision: str | None, comment: str | None = None,
                  data: dict[str, Any] | None = None,
                  respond: Callable[[CompleteResult], Any] | None = None,
                  visible: Callable[[HumanTask, ProcessInstance], object] | None = None,
                  attachment_ids: Sequence[str] = (),
                  files: Sequence[attachments.NewFile] = ()) -> CompleteResult:
    """Complete a task. `respond(result)`, when given, runs inside the transaction just before the
    commit (its return value lands in `result.response`): a response built from the rows the
    command holds needs no second transaction and no re-reads of the expired rows.
    `visible(task, instance row)`, when given, refuses a caller who may not see the task (it
    raises): the entry point's read check, made on the rows the command reads anyway.
    `attachment_ids` (the caller's pending uploads) and `files` (new ones, from a page's form):
    the files this step submits, when its step carries files (core/attachments.py)."""
    at = now()
    check_text("comment", comment, COMMENT)
    check_form_data(data or {})
    data = canonical(dict(data or {}))
    new_files = attachments.check_new_files(files)
    with unit_of_work():
        result = complete_in_unit(actor, task_id, decision, comment, data, at, respond=respond,
                                  visible=visible, attachment_ids=attachment_ids, new_files=new_files)
    return result


def complete_in_unit(actor: Principal, task_id: str, decision: str | None, comment: str | None,
                     data: dict[str, Any], at: datetime, *,
                     respond: Callable[[CompleteResult], Any] | None = None,
                     visible: Callable[[HumanTask, ProcessInstance], object] | None = None,
                     attachment_ids: Sequence[str] = (),
                     new_files: Sequence[attachments.CheckedFile] = ()) -> CompleteResult:
    """complete_task's work inside the caller's unit of work (also a 后加签's held completion,
    applied when the added signer signs)."""
    fetched = fetch_task(task_id, with_names=True)  # one round trip: task, signer and instance
    task, instance_row = fetched.task, fetched.instance_row
    if visible is not None:
        visible(task, instance_row)
    grant = _candidate_grant(actor, task, "办理该任务")
    _require_open(task)
    _require_no_pending_signer(fetched.pending_signer)
    refuse_while_suspended(instance_row, "办理")
    if instance_row.status == "error":
        # Its engine stopped (a budget ran out, timers kept failing): it must not run again
        # until an administrator has resumed it.
        raise Conflict("流程实例处于“出错”状态，暂不能办理，请联系系统管理员恢复运行或终止。",
                       slug="instance-error")
    _require_not_claimed_by_other(actor, task)
    loaded = restored(fetched.found, with_names=True)
    today = at.astimezone(get_settings().tz).date()
    evidence = _evidence(task, loaded, data)
    check_form_values(_form_fields(task, loaded), data, today)
    if decision != "withdraw":  # withdrawing records no dates
        check_case_dates(_form_fields(task, loaded), data, loaded.instance.data, today)
    check_step(loaded, task, decision, comment, data)
    trusted = _trusted_data(task, loaded, data) if decision in ("resubmit", "approve") else None
    duty_facts = duty_report_facts(loaded.row.process_key, task.spec_id, loaded.instance.data)
    if duty_facts is not None:
        trusted = {**(trusted or {}), **duty_facts}
    if evidence is not None and decision == "resubmit":
        trusted = {**(trusted or {}), "evidence": evidence}
    enclosed = attachments.enclose_at_task(actor, attachment_ids, new_files, task, loaded.row.process_key,
                                           loaded.instance.data, at)
    if enclosed is not None:
        case_files = attachments.case_entries(loaded.instance.data) + enclosed.entries
        trusted = {**(trusted or {}), "attachments": case_files}
    trusted = canonical(trusted) if trusted is not None else None
    try:
        loaded.instance.complete(task_id, decision=decision, comment=comment, data=data,
                                 actor=actor.login, at=at, trusted_data=trusted)
    except (TaskNotReady, TaskNotFound) as err:
        raise Conflict(str(err), slug="task-closed") from err
    except CommentRequired as err:
        raise ValidationFailed(str(err), errors={"comment": [str(err)]}) from err
    except DecisionNotAllowed as err:
        raise ValidationFailed(str(err), errors={"decision": [str(err)]}) from err
    except FormInvalid as err:
        raise ValidationFailed(str(err), errors={f"data.{err.field}": [str(err)]}) from err
    except (FlowError, ScriptError) as err:
        # The diagram cannot go on with this decision and data (no exclusive-gateway exit
        # holds, a condition fails): refused, the instance stays where it was.
        message = _cannot_continue(err)
        raise ValidationFailed(message, errors={"decision": [message]}, slug="process-cannot-continue",
                               extra={"element_id": err.element_id}) from err
    closed: dict[str, Any] = {"status": "done", "completed_at": at, "completed_by": actor.login,
              "decision": decision, "comment": (comment or "").strip() or None}
    inputs = {"task_id": task_id, "decision": decision, "comment": comment, "data": data,
              "actor": actor.login, "trusted_data": trusted}
    saved = save(loaded, at, EventInfo("complete", inputs, actor, grant, task_id, task.spec_id,
                                       decision, closed["comment"]), closed_task=(task, closed))
    if enclosed is not None:
        enclosed.bind(instance_id=loaded.row.id, task_id=task_id, event_seq=saved.event.seq, at=at)
    result = CompleteResult(task=task, instance=loaded.row, started=reactions.dispatch(),
                            open_tasks=saved.open_tasks, names=loaded.names,
                            definition=loaded.definition)
    if respond is not None:
        result.response = respond(result)
    return result
