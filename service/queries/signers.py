"""What the task and case pages show of 会签 (a countersign step's signers), 加签 (a signer the
task's holder added) and 抄送 (the readers a case was copied to); the rows are written by
commands/signers.py and the engine's countersign steps (workflows/countersign.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.core.labels import SIGNER_MODE_NAMES, decision_word
from service.persistence.db import db
from service.persistence.models import (
    AddedSigner,
    CaseReader,
    HistoryEvent,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from service.persistence.runtime import definition_of
from service.queries.access import PERSONAL
from service.queries.holders import display_names
from workflows.countersign import needed, parse_rule

SIGN_WORDS = {"approve": "同意", "reject": "不同意"}
# Who added the readers the diagram itself declares (commands/declared_cc.py: the system).
DECLARED_BY = "system"
DECLARED_BY_NAME = "按流程规定"


@dataclass(frozen=True)
class SignerView:
    """One 加签 of a task, as its page shows it."""
    id: int
    login: str
    name: str
    mode: str
    mode_name: str
    status: str
    added_by: str
    added_by_name: str
    added_at: datetime
    reason: str | None
    held_decision: str | None  # 后加签: the holder's decision, applied once the signer approves
    decision_name: str | None
    comment: str | None
    signed_at: datetime | None


def task_signers(task_id: str) -> list[SignerView]:
    """The task's 加签, oldest first (the open one, if any, is the last)."""
    rows = db.session.execute(sa.select(AddedSigner).where(AddedSigner.task_id == task_id)
                              .order_by(AddedSigner.added_at, AddedSigner.id)).scalars().all()
    names = display_names(sorted({r.login for r in rows} | {r.added_by for r in rows}))
    return [SignerView(
        r.id, r.login, names.get(r.login, r.login), r.mode, SIGNER_MODE_NAMES.get(r.mode, r.mode), r.status,
        r.added_by, names.get(r.added_by, r.added_by), r.added_at, r.reason,
        (r.held_completion or {}).get("decision"), SIGN_WORDS.get(r.decision or ""), r.comment, r.signed_at)
        for r in rows]


def pending_signer(signers: Sequence[SignerView]) -> SignerView | None:
    return next((s for s in signers if s.status == "open"), None)


def pending_signatures(task_ids: Sequence[str]) -> dict[str, AddedSigner]:
    """The open 加签 of each of `task_ids` that has one (the inbox marks those tasks)."""
    if not task_ids:
        return {}
    return {r.task_id: r for r in db.session.execute(sa.select(AddedSigner).where(
        AddedSigner.task_id.in_(task_ids), AddedSigner.status == "open")).scalars()}


@dataclass(frozen=True)
class Countersign:
    """A countersign step (会签) of a case: its rule and each signer's part."""
    spec_id: str
    name: str
    rule: str  # 全部同意 | 任一同意 | 过半/比例
    # each: login, name, status (done | open | cancelled), decision_name, at, comment, task_id
    signers: list[dict[str, Any]]
    signed: int
    needed: int


def rule_words(text: str, signers: int) -> str:
    rule = parse_rule(text)
    if rule.kind == "all":
        return "全部同意方通过"
    if rule.kind == "any":
        return "任一人同意即通过"
    return f"按比例：{rule.share:.0%} 同意即通过（{signers} 人中须 {needed(rule, signers)} 人同意）"


def countersign_steps(row: ProcessInstance, task: HumanTask | None = None) -> list[Countersign]:
    """The case's countersign steps with who signed (decision, time) and who has yet to; with
    `task`, only that task's step (on its task page). A step met again (after a return) shows its
    latest round: the signers' tasks created after the last one closed."""
    stmt = sa.select(HumanTask).where(HumanTask.instance_id == row.id, HumanTask.scope_kind == PERSONAL)
    if task is not None:
        stmt = stmt.where(HumanTask.spec_id == task.spec_id)
    tasks = db.session.execute(stmt.order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
    if not tasks:
        return []
    definition = definition_of(db.session.get_one(ProcessDefinition, row.definition_id))
    names = display_names(sorted({t.scope_id for t in tasks if t.scope_id}))
    steps = []
    for spec_id in dict.fromkeys(t.spec_id for t in tasks):
        spec = definition.task_spec(spec_id)
        rule = ((getattr(spec, "extensions", None) or {}).get("countersign")) if spec is not None else None
        if not rule:
            continue  # a personal task that is not a signer's of a countersign step
        own = [t for t in tasks if t.spec_id == spec_id]
        latest = [t for t in own if t.created_at == own[-1].created_at]
        signers = [{"login": t.scope_id, "name": names.get(t.scope_id or "", t.scope_id),
                    "status": t.status, "decision_name": decision_word(t.decision),
                    "at": t.completed_at, "comment": t.comment, "task_id": t.id} for t in latest]
        steps.append(Countersign(spec_id, latest[0].name, rule_words(rule, len(latest)), signers,
                                 sum(1 for t in latest if t.status == "done"),
                                 needed(parse_rule(rule), len(latest))))
    return steps


@dataclass(frozen=True)
class CopiedTo:
    """The case was copied (抄送) to its reader: by whom, when, with what note."""
    by_name: str
    at: datetime
    note: str | None
    task_name: str | None
    declared: bool = False  # by the diagram's `cc`, not by a person

def copied_to(row: ProcessInstance, login: str) -> CopiedTo | None:
    """How the case came to `login` as a reader, if it did."""
    reader = db.session.execute(sa.select(CaseReader).where(
        CaseReader.instance_id == row.id, CaseReader.login == login)).scalars().first()
    if reader is None:
        return None
    task_name = db.session.execute(sa.select(HumanTask.name).where(
        HumanTask.id == reader.task_id)).scalar() if reader.task_id else None
    if reader.added_by == DECLARED_BY:
        return CopiedTo(DECLARED_BY_NAME, reader.added_at, None, task_name, declared=True)
    return CopiedTo(display_names([reader.added_by]).get(reader.added_by, reader.added_by), reader.added_at,
                    _cc_note(row.id, reader), task_name)


def _cc_note(instance_id: str, reader: CaseReader) -> str | None:
    """The note of the 抄送 that named the reader: the `cc` event's comment (the row keeps none)."""
    events = db.session.execute(sa.select(HistoryEvent).where(
        HistoryEvent.instance_id == instance_id, HistoryEvent.kind == "cc",
        HistoryEvent.at == reader.added_at)).scalars().all()
    for event in events:
        if reader.login in (event.inputs.get("logins") or []):
            return event.comment
    return None


def case_readers(instance_id: str) -> list[dict[str, Any]]:
    """Everyone the case was copied to (for the task's holder and the case page)."""
    rows = db.session.execute(sa.select(CaseReader).where(CaseReader.instance_id == instance_id)
                              .order_by(CaseReader.added_at, CaseReader.id)).scalars().all()
    names = {DECLARED_BY: DECLARED_BY_NAME,
             **display_names(sorted({r.login for r in rows} | {r.added_by for r in rows}))}
    return [{"login": r.login, "name": names.get(r.login, r.login),
             "by_name": names.get(r.added_by, r.added_by), "at": r.added_at} for r in rows]
