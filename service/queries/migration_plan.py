"""A migration plan and its dry run, read-only (nothing is written).

The plan says, for one definition, where each element of the source version where an instance can
wait goes in the target version: by default the element of the same id when it is of the same
kind (workflows/migration.py), or what the administrator chose instead. The dry run goes through
the running and suspended instances of the source version and says of each whether it can move
and, if not, why, naming the element: the engine's reasons, and a 加签 still to be signed on a
step it waits at (the added signer signs the step they were added to; commands/signers.py).

The dry run tries each move on a copy (nothing is saved), so it also says when the target would
refuse to re-enter a step or leave the case with nobody to act on it. The command that moves
instances (commands/migrate.py) tries each one again the same way, inside its own transaction,
and saves the move it tried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.core.clock import now
from service.core.errors import ValidationFailed
from service.core.labels import STATUS_NAMES
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import AddedSigner, HumanTask, ProcessDefinition, ProcessInstance
from service.persistence.runtime import definition_of
from service.queries.process_admin import definition_version
from service.queries.views import summaries
from workflows import migration
from workflows.definitions import Definition
from workflows.engine import EngineError, Instance, LimitExceeded, ScriptError
from workflows.stall import nobody_can_act, stall_of

# The instances a plan moves: those still going on (a suspended one stays suspended after the move).
MIGRATABLE = ("running", "suspended")


@dataclass(frozen=True)
class PlanStep:
    source: migration.ElementInfo
    target: migration.ElementInfo | None
    default_target_id: str | None
    problem: str | None  # why an instance waiting here cannot move (None: it can)
    choices: tuple[migration.ElementInfo, ...]  # the target's elements of the same kind

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source.id, "source_name": self.source.name, "kind": self.source.kind,
            "kind_name": self.source.kind_name, "target_id": self.target.id if self.target else None,
            "target_name": self.target.name if self.target else None,
            "default_target_id": self.default_target_id, "problem": self.problem,
            "choices": [{"id": c.id, "name": c.name} for c in self.choices],
        }


@dataclass(frozen=True)
class MigrationPlan:
    key: str
    source_row: ProcessDefinition
    target_row: ProcessDefinition
    source: Definition
    target: Definition
    steps: tuple[PlanStep, ...]

    @property
    def mapping(self) -> dict[str, str | None]:
        return {s.source.id: s.target.id if s.target else None for s in self.steps}

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.target_row.name, "from_version": self.source_row.version,
                "to_version": self.target_row.version, "steps": [s.as_dict() for s in self.steps]}


def migration_plan(key: str, from_version: int, to_version: int,
                   overrides: Mapping[str, str | None] | None = None) -> MigrationPlan:
    """The plan from version `from_version` of `key` to `to_version`: the default mapping with
    `overrides` (source element id -> target element id, or None/"" for none) applied. 404 for a
    version that does not exist, 422 naming the field for a plan that cannot be."""
    if from_version == to_version:
        message = "目标版本须不同于源版本。"
        raise ValidationFailed(message, errors={"to_version": [message]})
    source_row, target_row = definition_version(key, from_version), definition_version(key, to_version)
    source, target = definition_of(source_row), definition_of(target_row)
    elements = migration.migration_elements(source)
    targets = migration.migration_elements(target)
    by_id = {e.id: e for e in targets}
    mapping = migration.default_mapping(source, target)
    defaults = dict(mapping)
    errors: dict[str, list[str]] = {}
    for source_id, target_id in (overrides or {}).items():
        field = f"mapping.{source_id}"
        if source_id not in mapping:
            errors[field] = [f"「{source_id}」不是第 {from_version} 版中可停留的环节。"]
            continue
        target_id = target_id or None
        problem = migration.mapping_problem(source, target, source_id, target_id) if target_id else None
        if problem is not None:
            errors[field] = [problem + "。"]
            continue
        mapping[source_id] = target_id
    if errors:
        raise ValidationFailed("迁移计划中有无法对应的环节。", errors=errors)
    steps = []
    for element in elements:
        target_id = mapping[element.id]
        steps.append(PlanStep(
            source=element, target=by_id.get(target_id) if target_id else None,
            default_target_id=defaults[element.id],
            problem=migration.mapping_problem(source, target, element.id, target_id),
            choices=tuple(t for t in targets if t.kind == element.kind and element.supported)))
    return MigrationPlan(key, source_row, target_row, source, target, tuple(steps))


def source_step_ids(key: str, version: int) -> list[str]:
    """The ids of the steps of `key` v`version` a plan maps (the page's mapping fields)."""
    return [e.id for e in migration.migration_elements(definition_of(definition_version(key, version)))]


@dataclass(frozen=True)
class InstanceCheck:
    instance_id: str
    status: str
    title: str
    active: tuple[tuple[str, str], ...]  # (element id, name) where it waits
    reasons: tuple[str, ...]  # why it cannot move; empty: it can

    @property
    def movable(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "status": self.status,
                "status_name": STATUS_NAMES.get(self.status, self.status), "title": self.title,
                "active": [{"id": i, "name": n} for i, n in self.active], "movable": self.movable,
                "reasons": list(self.reasons)}


def pending_signers(instance_ids: Iterable[str]) -> dict[str, list[str]]:
    """Instance id -> why its open 加签 keeps it where it is (one reason per open 加签)."""
    ids = list(instance_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(AddedSigner.instance_id, AddedSigner.login, HumanTask.name, HumanTask.spec_id)
        .join(HumanTask, HumanTask.id == AddedSigner.task_id)
        .where(AddedSigner.instance_id.in_(ids), AddedSigner.status == "open")
        .order_by(AddedSigner.id)).all()
    out: dict[str, list[str]] = {}
    for instance_id, login, name, spec_id in rows:
        out.setdefault(instance_id, []).append(
            f"「{name}」（{spec_id}）有待 {login} 签署的加签：签署或取消后才能迁移")
    return out


def trial_move(plan: MigrationPlan, instance: Instance, signers: list[str],
               at: datetime) -> tuple[Instance | None, list[str]]:
    """(the instance moved with `plan` at `at`, []) or (None, why it cannot move). The move is
    tried, not only checked, so that a dry run also names what would go wrong on the target: an
    engine refusal on re-entering a step, or a step nobody could act on (stall_of), which would
    leave a running case stopped."""
    reasons = [b.reason for b in migration.blockers(instance, plan.target, plan.mapping)] + signers
    if reasons:
        return None, reasons
    try:
        moved = migration.migrate(instance, plan.target, plan.mapping, at)
    except migration.MigrationRefused as err:
        return None, [b.reason for b in err.blockers]
    except (EngineError, ScriptError, LimitExceeded) as err:
        return None, [f"在第 {plan.target_row.version} 版中重新进入所停环节时出错：{err}"]
    stall = stall_of(moved)
    if stall is not None:
        return None, [f"迁移后流程将无法继续：{stall.reason}"]
    # a step nobody can act on, though its reminders would still fire: the case would not go on
    nobody = [why for t in moved.open_tasks() if (why := nobody_can_act(t)) is not None]
    if nobody:
        return None, [f"迁移后{why}" for why in nobody]
    return moved, []


def active_elements(plan: MigrationPlan, instance: Instance) -> tuple[tuple[str, str], ...]:
    names = {e.id: e.name for e in migration.migration_elements(plan.source)}
    return tuple((i, names.get(i, i)) for i in migration.active_element_ids(instance))


def candidates(plan: MigrationPlan, instance_ids: list[str] | None = None) -> list[ProcessInstance]:
    """The instances of the plan's source version that are still going on (of `instance_ids` only,
    when given), oldest first."""
    stmt = (sa.select(ProcessInstance).where(ProcessInstance.definition_id == plan.source_row.id,
                                             ProcessInstance.status.in_(MIGRATABLE))
            .order_by(ProcessInstance.created_at, ProcessInstance.id))
    if instance_ids is not None:
        stmt = stmt.where(ProcessInstance.id.in_(instance_ids))
    return list(db.session.execute(stmt).scalars())


def not_a_candidate(plan: MigrationPlan) -> str:
    return f"不是第 {plan.source_row.version} 版办理中或已挂起的实例"


def dry_run(plan: MigrationPlan, instance_ids: list[str] | None = None) -> list[InstanceCheck]:
    """Each instance of the source version still going on (or each of `instance_ids`, in that
    order): whether it can move with `plan`, and why not."""
    rows = candidates(plan, instance_ids)
    at = now()
    titles = summaries(rows)
    signers = pending_signers(r.id for r in rows)
    checks = {}
    for row in rows:
        instance = load(row.id, read_only=True).instance
        _, reasons = trial_move(plan, instance, signers.get(row.id, []), at)
        checks[row.id] = InstanceCheck(row.id, row.status, titles[row.id]["title"],
                                       active_elements(plan, instance), tuple(reasons))
    if instance_ids is None:
        return list(checks.values())
    return [checks.get(i) or InstanceCheck(i, "", "", (), (not_a_candidate(plan),))
            for i in dict.fromkeys(instance_ids)]
