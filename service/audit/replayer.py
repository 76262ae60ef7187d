"""Re-execution of an instance's events against its pinned definition (workflows.replay).

Engine commands (start, complete, withdraw, timer, recompute_deadlines, terminate, migrated) are re-run
with their recorded inputs and clock readings, each with the working calendar as it stood at that
event; the state hash after each must equal the recorded one. A `migrated` event moves the replay
to the target version it names, the same way the command moved the instance (workflows/migration.py):
from the version the replay is on (its inputs must say so), to a stored version whose content hash
is the one recorded; the replay goes on with that version. Events that do not touch the engine (claim,
unclaim, transfer, release, urge, stalled) are checked instead: their recorded state hash must
equal the previous one and the task they name must have been open (and, for a release, claimed
by the user it names; for `stalled`, the engine must be stalled at the elements it names). The
columns an event repeats from its inputs (task, decision, comment, actor) must agree with the
inputs, so a forger who rewrites a decision and recomputes the whole chain is still caught.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.persistence.db import db
from service.persistence.history import COMMAND_KIND_BY_EVENT, to_command
from service.persistence.models import CalendarEntry, CalendarPin, ProcessDefinition
from service.persistence.runtime import build_calendar, definition_of
from workflows.carbon_copy import process_cc, step_cc
from workflows.engine import Definition, Engine, HumanTask, Instance
from workflows.replay import apply_command
from workflows.stall import stall_of

CLAIM_KINDS = frozenset({"claim", "unclaim", "transfer"})
# 加签 and 抄送 by the task's holder; an added signer's signature (not the task's role acting).
HOLDER_KINDS = frozenset({"add_signer", "cc"})
# 抄送 the diagram declares (commands/declared_cc.py): the roles must be the definition's own.
DECLARED_CC = "cc_declared"
# Open task id -> login holding it (None: a transfer recorded without a recipient).
Claims = dict[str, str | None]


@dataclass
class ReplayOutcome:
    ok: bool
    first_bad_seq: int | None = None
    detail: str | None = None
    instance: Instance | None = None  # the state after the last replayed event
    last_seq: int = 0
    claims: Claims = field(default_factory=dict)
    # the definition version the replay was on after the last replayed event (None: not known)
    definition_id: int | None = None


def start_definition_id(current_definition_id: int, events: Sequence[Any]) -> int:
    """The version an instance started on: the one its first migration moved it from, else the one
    it is on."""
    first = next((e for e in events if e.kind == "migrated"), None)
    if first is None:
        return current_definition_id
    source = (first.inputs or {}).get("from_definition_id")
    # anything else is a forged migration: the replay from the current version says where it diverges
    return source if isinstance(source, int) else current_definition_id


@dataclass
class _Cursor:
    """Where a replay stands: the definition version and the instance after the last event."""

    definition: Definition
    definition_id: int | None
    instance: Instance | None = None
    current: str | None = None  # the state hash after the last engine command


class _Diverged(Exception):
    def __init__(self, seq: int, detail: str) -> None:
        super().__init__(detail)
        self.seq, self.detail = seq, detail


class Replayer:
    """Replays instances; one Replayer serves many instances (engines cached per calendar epoch).

    The calendar of an event is rebuilt from stored rows only (admin entries and pinned years, see
    service.commands.calendar_pins), never from the installed chinese-calendar. Both are append-only,
    so the calendar in force at time t is identified by how many rows were in force at t: one
    engine per such epoch, built with build_calendar(as_of=t).
    """

    def __init__(self) -> None:
        self._entry_times = sorted([
            *db.session.execute(sa.select(CalendarEntry.entered_at)).scalars(),
            *db.session.execute(sa.select(CalendarPin.pinned_at)).scalars()])
        self._engines: dict[int, Engine] = {}
        settings = get_settings()
        self._deadlines = settings.process_deadlines
        self._limits = settings.limits.for_replay()  # no wall clock: a slower machine must still agree

    def engine_at(self, at: datetime) -> Engine:
        epoch = bisect.bisect_right(self._entry_times, at)
        engine = self._engines.get(epoch)
        if engine is None:
            engine = Engine(calendar=build_calendar(as_of=at), deadlines=self._deadlines, limits=self._limits)
            self._engines[epoch] = engine
        return engine

    def run(self, definition: Definition, events: Sequence[Any], instance_id: str,
            until: datetime | None = None, definition_id: int | None = None) -> ReplayOutcome:
        """Replay `events` (seq order) up to and including time `until` (all when None), starting on
        `definition` (the stored version `definition_id`, which a migration must move from)."""
        outcome = ReplayOutcome(ok=True, definition_id=definition_id)
        cursor = _Cursor(definition, definition_id)
        try:
            for event in events:
                if until is not None and event.at > until:
                    break
                self._apply(cursor, event, instance_id, outcome.claims)
                outcome.last_seq = event.seq
        except _Diverged as err:
            outcome.ok, outcome.first_bad_seq, outcome.detail = False, err.seq, err.detail
        outcome.instance, outcome.definition_id = cursor.instance, cursor.definition_id
        return outcome

    def _apply(self, cursor: _Cursor, event: Any, instance_id: str, claims: Claims) -> None:
        seq, instance = event.seq, cursor.instance
        if event.kind not in COMMAND_KIND_BY_EVENT:
            raise _Diverged(seq, f"第 {seq} 条事件的类型 {event.kind!r} 未知，无法重放")
        if instance is None and event.kind != "start":
            raise _Diverged(seq, f"第 {seq} 条事件之前没有“发起”事件")
        command = to_command(event)
        if command is None:
            _check_passive(event, instance, cursor.current, claims)
            if event.kind == DECLARED_CC:
                # the roles the version the case is on at this event declares
                _check_declared_cc(event, cursor.definition)
            return
        _check_columns(event, instance)
        engine = self.engine_at(event.at)
        if instance is not None and instance.engine is not engine:
            # The calendar changed between two commands: continue on an engine with the new one.
            instance = engine.restore(cursor.definition, instance.state(), instance_id)
        target, target_id = None, None
        if event.kind == "migrated":
            target, target_id = self._migration_target(event, cursor)
        before = _holders(instance)
        try:
            instance = apply_command(engine, cursor.definition, instance, command, instance_id, target=target)
        except Exception as err:  # any failure to re-execute is a divergence of the record
            raise _Diverged(seq, f"第 {seq} 条事件重放失败：{type(err).__name__}: {err}") from err
        replayed = instance.state_hash()
        if replayed != event.state_hash:
            raise _Diverged(seq, f"第 {seq} 条事件重放得到的状态与记录的状态哈希不符")
        if event.kind == "complete":
            claims.pop(str(event.task_id), None)
        open_now = _holders(instance)
        for task_id in list(claims):  # tasks a command closed (interrupts, ends) lose their claim
            # and a migrated step another role or jurisdiction holds now (commands/migrate.py)
            if task_id not in open_now or (task_id in before and before[task_id] != open_now[task_id]):
                claims.pop(task_id)
        if target is not None:
            cursor.definition, cursor.definition_id = target, target_id
        cursor.instance, cursor.current = instance, replayed

    def _migration_target(self, event: Any, cursor: _Cursor) -> tuple[Definition, int]:
        """The version a `migrated` event moved to: stored, with the content hash it records, and
        moved from the version the replay is on."""
        inputs, seq = event.inputs or {}, event.seq
        source = inputs.get("from_definition_id")
        if cursor.definition_id is not None and source != cursor.definition_id:
            raise _Diverged(seq, f"第 {seq} 条事件（迁移）记录的源版本与重放时实例所在的版本不符")
        target_id = inputs.get("to_definition_id")
        row = db.session.get(ProcessDefinition, target_id) if isinstance(target_id, int) else None
        if row is None or row.content_hash != inputs.get("to_content_hash") \
                or row.version != inputs.get("to_version"):
            raise _Diverged(seq, f"第 {seq} 条事件（迁移）的目标版本不存在或与记录的内容哈希不符")
        target = definition_of(row)
        if target.content_hash != row.content_hash:
            raise _Diverged(seq, f"第 {seq} 条事件（迁移）的目标版本 {row.key} v{row.version} "
                                 "的文件与其内容哈希不符")
        return target, row.id


def _holders(instance: Instance | None) -> dict[str, tuple[str | None, ...]]:
    """Open task id -> who holds it (role, scope kind, scope)."""
    return {t.id: (t.role, t.scope_kind, t.scope_value) for t in instance.open_tasks()} if instance else {}


def _open_task(instance: Instance | None, task_id: Any) -> HumanTask | None:
    if instance is None:
        return None
    return next((t for t in instance.open_tasks() if t.id == str(task_id)), None)


def _check_actor(event: Any, task: HumanTask) -> None:
    """The recorded role and scope must be the task's: only they let anyone act on it."""
    if (event.actor_role, event.actor_scope) != (task.role, f"{task.scope_kind}:{task.scope_value}"):
        raise _Diverged(event.seq, f"第 {event.seq} 条事件记录的角色或管辖范围与任务「{task.name}」不符")


def _check_passive(event: Any, instance: Instance | None, current: str | None,
                   claims: Claims) -> None:
    seq = event.seq
    if event.state_hash != current:
        raise _Diverged(seq, f"第 {seq} 条事件（{event.kind}）不改变流程状态，但记录的状态哈希与前一状态不同")
    inputs = event.inputs or {}
    if event.kind == "release":
        _check_release(event, instance, claims)
        return
    if event.kind == "stalled":
        _check_stall(event, instance)
    if event.kind in HOLDER_KINDS or event.kind == "added_sign":
        task = _open_task(instance, inputs.get("task_id"))
        if task is None or str(inputs.get("task_id")) != str(event.task_id):
            raise _Diverged(seq, f"第 {seq} 条事件（{event.kind}）所指任务当时并未待办")
        if event.kind in HOLDER_KINDS:
            _check_actor(event, task)
        return
    if event.kind not in CLAIM_KINDS:
        return
    task_id = str(inputs.get("task_id"))
    task = _open_task(instance, task_id)
    if task_id != str(event.task_id) or task is None or event.task_spec_id != task.spec_id:
        raise _Diverged(seq, f"第 {seq} 条事件（{event.kind}）所指任务当时并未待办")
    _check_actor(event, task)
    if event.kind == "claim":
        claims[task_id] = event.actor_login
    elif event.kind == "unclaim":
        claims.pop(task_id, None)
    else:
        claims[task_id] = inputs.get("to_user")


def _check_declared_cc(event: Any, definition: Definition) -> None:
    """A reader copied by the system must be one the definition declares: the event's roles are
    the `cc` of the step it names (or of the process, when it names none)."""
    inputs = event.inputs or {}
    step = inputs.get("step")
    declared = step_cc(definition, step) if step else process_cc(definition)
    if step != event.task_spec_id or list(inputs.get("roles") or []) != list(declared) or not declared:
        raise _Diverged(event.seq, f"第 {event.seq} 条事件（按流程抄送）的角色与流程定义中"
                                   f"{'环节 ' + str(step) if step else '流程'}的抄送（cc）不符")


def _check_stall(event: Any, instance: Instance | None) -> None:
    """The service stopped the instance (status `error`) because the command before left it with
    nothing to wait for (commands/stalls.py): the replayed engine must be stalled at the same
    elements."""
    stall = stall_of(instance) if instance is not None else None
    recorded = list((event.inputs or {}).get("element_ids") or [])
    if stall is None or list(stall.element_ids) != recorded:
        raise _Diverged(event.seq, f"第 {event.seq} 条事件记录流程停在 {recorded}，但重放时流程"
                                   + ("并未停滞" if stall is None else f"停在 {list(stall.element_ids)}"))


def _check_release(event: Any, instance: Instance | None, claims: Claims) -> None:
    """An administrator's release of a deactivated user's claim (commands/users_admin): the task
    was open and held by that user. It is not the task's role acting, so no actor check."""
    inputs, seq = event.inputs or {}, event.seq
    task_id = str(inputs.get("task_id"))
    if task_id != str(event.task_id) or _open_task(instance, task_id) is None:
        raise _Diverged(seq, f"第 {seq} 条事件（{event.kind}）所指任务当时并未待办")
    if claims.get(task_id) != inputs.get("from_user"):
        holder = inputs.get("from_user")
        raise _Diverged(seq, f"第 {seq} 条事件（{event.kind}）所指任务当时并非由 {holder} 认领")
    claims.pop(task_id)


def _check_columns(event: Any, instance: Instance | None) -> None:
    """The queryable columns of an event must say what its inputs say."""
    inputs, seq = event.inputs or {}, event.seq
    if event.kind == "complete":
        task = _open_task(instance, inputs.get("task_id"))
        if task is None:
            raise _Diverged(seq, f"第 {seq} 条事件所办理的任务当时并未待办")
        expected = {
            "task_id": inputs.get("task_id"), "decision": inputs.get("decision"),
            "comment": (inputs.get("comment") or "").strip() or None,
            "actor_login": inputs.get("actor"), "task_spec_id": task.spec_id,
        }
        for name, value in expected.items():
            if getattr(event, name) != value:
                raise _Diverged(seq, f"第 {seq} 条事件的 {name} 与其输入或当时的待办任务不一致")
        _check_actor(event, task)
    elif event.kind == "withdraw":
        if (inputs.get("payload") or {}).get("by") != event.actor_login:
            raise _Diverged(seq, f"第 {seq} 条事件的撤回人与其输入不一致")
        if inputs.get("reason") != event.comment:  # both None in events from before reasons
            raise _Diverged(seq, f"第 {seq} 条事件的撤回原因与其输入不一致")
    elif event.kind == "terminate":
        if inputs.get("by") != event.actor_login or inputs.get("reason") != event.comment:
            raise _Diverged(seq, f"第 {seq} 条事件的终止人或原因与其输入不一致")
    elif event.kind == "migrated":
        if inputs.get("by") != event.actor_login or inputs.get("reason") != event.comment:
            raise _Diverged(seq, f"第 {seq} 条事件的迁移人或原因与其输入不一致")
