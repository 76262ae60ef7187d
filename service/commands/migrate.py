"""migrate_instances: an administrator moves running (and suspended) instances of one version of a
definition to another version, by a plan (queries/migration_plan.py), each instance in its own
transaction, so one that cannot move, or loses a race, leaves the others moved.

For each instance: the engine re-enters the mapped elements on the target (workflows/migration.py),
the store saves the state and the projections as after any command, and a `migrated` event
records who, why, from and to which version (id, number, content hash) and the mapping of the
elements the instance was at; the replay re-executes it on the target version it names. The
instance row then points at the target version. A kept open task row (same task id) is now the
target's step: its name, role, scope and decisions are the target element's, its deadline the
recomputed one; a claim stays only if the role and jurisdiction are the same (the replay drops it
the same way), and the new holders of a step whose holder changed are told. A suspended instance
stays suspended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.commands.actor import first_grant
from service.commands.core import EventInfo, save
from service.commands.notify import Notice, add_notifications
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import ApiError, Forbidden
from service.core.principal import Grant, Principal
from service.core.text_limits import SHORT_TEXT, check_text
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HumanTask, ProcessInstance
from service.queries.holders import role_holders
from service.queries.migration_plan import (
    MIGRATABLE,
    MigrationPlan,
    candidates,
    migration_plan,
    not_a_candidate,
    pending_signers,
    trial_move,
)
from workflows.engine import HumanTask as EngineTask
from workflows.migration import active_element_ids


@dataclass(frozen=True)
class Moved:
    instance_id: str
    moved: bool
    reasons: tuple[str, ...] = ()  # why it did not move

    def as_dict(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "moved": self.moved, "reasons": list(self.reasons)}


class _Stays(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


def migrate_instances(actor: Principal, key: str, from_version: int, to_version: int,
                      mapping: dict[str, str | None] | None = None, instance_ids: list[str] | None = None,
                      reason: str | None = None) -> list[Moved]:
    """Move the instances of `key` v`from_version` that can move (all of them, or `instance_ids`)
    to v`to_version`; one Moved per instance, in order. 403 for anyone but an administrator."""
    grant = first_grant(actor, "admin")
    if grant is None:
        raise Forbidden("只有系统管理员可以迁移流程实例。")
    reason = (reason or "").strip() or None
    check_text("reason", reason, SHORT_TEXT)
    plan = migration_plan(key, from_version, to_version, mapping)
    ids = instance_ids if instance_ids is not None else [r.id for r in candidates(plan)]
    out = []
    for instance_id in dict.fromkeys(ids):
        try:
            with unit_of_work():
                _move(actor, grant, plan, instance_id, reason, now())
        except _Stays as err:
            out.append(Moved(instance_id, False, tuple(err.reasons)))
        except ApiError as err:  # a lost race (409), or the instance stopped meanwhile
            out.append(Moved(instance_id, False, (err.detail,)))
        else:
            out.append(Moved(instance_id, True))
    return out


def _move(actor: Principal, grant: Grant, plan: MigrationPlan, instance_id: str, reason: str | None,
          at: datetime) -> None:
    row = db.session.get(ProcessInstance, instance_id)
    if row is None or row.definition_id != plan.source_row.id or row.status not in MIGRATABLE:
        raise _Stays([not_a_candidate(plan)])
    loaded = load(instance_id)
    source = loaded.instance
    moved, reasons = trial_move(plan, source, pending_signers([instance_id]).get(instance_id, []), at)
    if moved is None:
        raise _Stays(reasons)
    mapping = {element: plan.mapping[element] for element in active_element_ids(source)}
    before = {t.id: t for t in source.open_tasks()}
    suspended = row.status == "suspended"
    inputs = {
        "by": actor.login, "reason": reason, "mapping": mapping,
        "from_definition_id": plan.source_row.id, "from_version": plan.source_row.version,
        "to_definition_id": plan.target_row.id, "to_version": plan.target_row.version,
        "to_content_hash": plan.target_row.content_hash,
    }
    row.definition_id = plan.target_row.id
    loaded.instance, loaded.definition = moved, plan.target
    saved = save(loaded, at, EventInfo("migrated", inputs, actor, grant, comment=reason))
    _follow(saved.open_tasks, before, {t.id: t for t in moved.open_tasks()}, at, instance_id)
    if suspended and row.status == "running":
        row.status = "suspended"  # the move is no resume: an administrator held it, and still does
        db.session.flush()


def _follow(rows: list[HumanTask], before: dict[str, EngineTask], after: dict[str, EngineTask],
            at: datetime, instance_id: str) -> None:
    """The kept task rows say what the target's step says; a claim stays with the same holder."""
    notices = []
    for task_row in rows:
        old, new = before.get(task_row.id), after.get(task_row.id)
        if old is None or new is None:
            continue  # a new task: inserted from the target already, its holders told
        task_row.spec_id, task_row.name = new.spec_id, new.name
        task_row.role, task_row.scope_kind = new.role or "", new.scope_kind or ""
        task_row.scope_id, task_row.decisions = new.scope_value, list(new.decisions)
        if (old.role, old.scope_kind, old.scope_value) != (new.role, new.scope_kind, new.scope_value):
            task_row.claimed_by = None
            message = f"「{new.name}」转由您办理（流程已迁移到新版本）。"
            notices += [Notice(login, "task", message, task_row.id)
                        for login in role_holders(new.role or "", new.scope_value)]
    add_notifications(notices, at=at, instance_id=instance_id)
