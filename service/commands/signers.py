"""加签 (add a signer to an open task) and 抄送 (copy a case to readers).

加签, beside the engine (docs/architecture.md, "加签 and 抄送"): the task's holder names an active
user. 前加签 (`before`): the added person signs first, the task then comes back to its holder.
后加签 (`after`): the holder decides now; the decision is held on the added_signers row and applied
to the engine, as the holder's completion, in the same transaction in which the added person
approves (a rejection sends the task back to its holder). While an added signer is open the task
cannot be completed (commands/tasks.py). The events `add_signer` and `added_sign` change no
engine state; a held completion is an ordinary `complete` event, so the replay is the same.

抄送: the holder names readers; each gets a case_readers row (read access to that case only,
queries/access.py) and a notification, and may read but not act. A `cc` event records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from service.commands.actor import require_grant
from service.commands.core import EventInfo, record
from service.commands.notify import add_notification
from service.commands.tasks import complete_in_unit
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict, NotFound, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import COMMENT, check_text
from service.persistence.db import db
from service.persistence.models import AddedSigner, CaseReader, HumanTask, ProcessInstance, User
from service.queries.access import can_see_task
from workflows.serialization import state_hash

MODES = {"before": "前加签", "after": "后加签"}
SIGN_DECISIONS = ("approve", "reject")
MAX_READERS = 20


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def _active_user(field: str, login: str) -> User:
    user = db.session.get(User, login) if login else None
    if user is None or not user.active:
        raise _fail(field, f"用户 {login} 不存在或已停用。")
    return user


def _held_task(actor: Principal, task_id: str, what: str) -> tuple[HumanTask, ProcessInstance]:
    task = db.session.get(HumanTask, task_id)
    if task is None or not can_see_task(actor, task, db.session.get_one(ProcessInstance, task.instance_id)):
        raise NotFound(f"任务 {task_id} 不存在。")  # what a caller may not see does not exist for them
    require_grant(actor, task.role, task.scope_id, what, task.scope_kind)
    if task.status != "open":
        raise Conflict("任务已办结或取消。", slug="task-closed")
    if task.claimed_by and task.claimed_by != actor.login:
        raise Conflict(f"任务已被 {task.claimed_by} 认领。", slug="task-claimed")
    row = db.session.get_one(ProcessInstance, task.instance_id)
    if row.status != "running":
        raise Conflict("流程实例不在办理中。", slug="instance-not-running")
    return task, row


def open_signer(task_id: str) -> AddedSigner | None:
    return db.session.execute(sa.select(AddedSigner).where(
        AddedSigner.task_id == task_id, AddedSigner.status == "open")).scalars().first()


def add_signer(actor: Principal, task_id: str, login: str, mode: str, reason: str | None = None,
               decision: str | None = None, comment: str | None = None) -> AddedSigner:
    """The holder of task `task_id` adds `login` before (mode `before`) or after (`after`, with
    the holder's `decision` and `comment`) themself."""
    check_text("reason", reason, COMMENT)
    check_text("comment", comment, COMMENT)
    at = now()
    with unit_of_work():
        task, row = _held_task(actor, task_id, "加签")
        grant = require_grant(actor, task.role, task.scope_id, "加签", task.scope_kind)
        if mode not in MODES:
            raise _fail("mode", "加签方式须为 before（前加签）或 after（后加签）。")
        if login == actor.login:
            raise _fail("login", "不能给自己加签。")
        _active_user("login", login)
        if open_signer(task.id) is not None:
            raise Conflict("该任务已有待签署的加签人。", slug="signer-pending")
        held = None
        if mode == "after":
            if decision not in task.decisions:
                raise _fail("decision", f"后加签须同时给出本人的决定（可选：{'、'.join(task.decisions)}）。")
            if decision in ("reject", "return") and not (comment or "").strip():
                raise _fail("comment", f"决定 {decision!r} 须填写意见。")
            held = {"decision": decision, "comment": (comment or "").strip() or None}
        elif decision is not None:
            raise _fail("decision", "前加签时本人暂不作决定。")
        signer = AddedSigner(instance_id=row.id, task_id=task.id, login=login, mode=mode, status="open",
                             added_by=actor.login, added_at=at, reason=(reason or "").strip() or None,
                             held_completion=held)
        db.session.add(signer)
        row.updated_at = at  # the revision check: a concurrent command on the instance loses
        db.session.flush()
        inputs = {"task_id": task.id, "login": login, "mode": mode, "reason": signer.reason, "held": held}
        held_decision = held["decision"] if held else None
        record(row.id, at, EventInfo("add_signer", inputs, actor, grant, task.id, task.spec_id,
                                     held_decision, signer.reason), state_hash(row.state))
        add_notification(login, kind="signer", at=at, instance_id=row.id, task_id=task.id,
                         message=f"{actor.display_name} 请您对「{task.name}」{MODES[mode]}签署。")
    return signer


@dataclass
class Signed:
    signer: AddedSigner
    completed: bool  # a 后加签 approved: the holder's held decision went to the engine


def sign(actor: Principal, task_id: str, decision: str, comment: str | None = None) -> Signed:
    """The added signer of `task_id` signs (approve | reject)."""
    check_text("comment", comment, COMMENT)
    at = now()
    with unit_of_work():
        signer = open_signer(task_id)
        if signer is None or signer.login != actor.login:
            raise NotFound(f"任务 {task_id} 没有待您签署的加签。")
        if decision not in SIGN_DECISIONS:
            raise _fail("decision", "签署意见须为 approve（同意）或 reject（不同意）。")
        if decision == "reject" and not (comment or "").strip():
            raise _fail("comment", "不同意时须填写意见。")
        task = db.session.get_one(HumanTask, task_id)
        row = db.session.get_one(ProcessInstance, task.instance_id)
        if task.status != "open" or row.status != "running":
            raise Conflict("任务已办结或取消。", slug="task-closed")
        signer.status, signer.signed_at = "signed", at
        signer.decision, signer.comment = decision, (comment or "").strip() or None
        row.updated_at = at
        db.session.flush()
        record(row.id, at, EventInfo("added_sign", {"task_id": task.id, "signer_id": signer.id,
                                                    "decision": decision, "comment": signer.comment},
                                     actor, None, task.id, task.spec_id, decision, signer.comment),
               state_hash(row.state))
        holder = db.session.get_one(User, signer.added_by)
        completed = False
        if signer.mode == "after" and decision == "approve" and signer.held_completion:
            held = signer.held_completion
            complete_in_unit(Principal.from_user(holder), task.id, held["decision"], held.get("comment"),
                             {}, at)
            completed = True
        else:
            add_notification(holder.login, kind="signer", at=at, instance_id=row.id, task_id=task.id,
                             message=f"{actor.display_name} 已签署「{task.name}」（"
                                     f"{'同意' if decision == 'approve' else '不同意'}），请继续办理。")
    return Signed(signer, completed)


def copy_to(actor: Principal, task_id: str, logins: Sequence[str],
            note: str | None = None) -> list[CaseReader]:
    """抄送: the holder of `task_id` copies its case to `logins` (read only)."""
    check_text("note", note, COMMENT)
    at = now()
    with unit_of_work():
        task, row = _held_task(actor, task_id, "抄送")
        grant = require_grant(actor, task.role, task.scope_id, "抄送", task.scope_kind)
        wanted = list(dict.fromkeys(str(x).strip() for x in logins if str(x).strip()))
        if not wanted:
            raise _fail("logins", "请至少选择一位抄送人。")
        if len(wanted) > MAX_READERS:
            raise _fail("logins", f"一次最多抄送 {MAX_READERS} 人。")
        for login in wanted:
            _active_user("logins", login)
        known = set(db.session.execute(sa.select(CaseReader.login).where(
            CaseReader.instance_id == row.id, CaseReader.login.in_(wanted))).scalars())
        added = [CaseReader(instance_id=row.id, login=login, added_by=actor.login, added_at=at,
                            task_id=task.id) for login in wanted if login not in known]
        db.session.add_all(added)
        row.updated_at = at
        db.session.flush()
        record(row.id, at, EventInfo("cc", {"task_id": task.id, "logins": wanted, "note": note}, actor, grant,
                                     task.id, task.spec_id, None, (note or "").strip() or None),
               state_hash(row.state))
        for reader in added:
            add_notification(reader.login, kind="cc", at=at, instance_id=row.id, task_id=task.id,
                             message=f"{actor.display_name} 抄送给您：「{task.name}」，请查阅。")
    return added
