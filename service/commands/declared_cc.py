"""抄送 the diagram declares (workflows/carbon_copy.py), done by the command that completes the
step or ends the case, as one of its reactions (commands/reactions.py).

A step's `cc`: once the step is done (a person completed it and none of its tasks is left open,
so a countersign step once its tally is decided), the holders of those roles in the case's
jurisdiction become the case's readers (case_readers). The process's `cc`: the same when the case
reaches its end (completed, rejected, withdrawn; an administrator's termination is no end the
diagram reached). The jurisdiction is the access policy's (queries/access.py): the HR of the
case's unit, the township of its village, the cadre it is about; a county-wide role's holders
all. Readers may read the case, never act (the task's role and scope still decide that).

Each new reader is told once (notification `cc`); the person who completed the step is not copied
to themself, nor is anyone who reads the case as a reader already. A `cc_declared` event, by the
system, records the step, the roles and the readers: it changes no engine state, and the
audit's replay checks its roles against the definition (audit/replayer.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from service.commands.actor import SYSTEM, first_grant
from service.commands.core import EventInfo, record
from service.commands.notify import Notice, add_notifications
from service.commands.outbox import Reported
from service.commands.process_notices import ENDINGS, case_title
from service.core.labels import ROLE_NAMES
from service.persistence.db import db
from service.persistence.models import CaseReader, HumanTask, ProcessInstance
from service.queries.access import COUNTY, INSTANCE_COLUMNS, INSTANCE_REACH
from service.queries.decision_words import step_decision_word
from service.queries.holders import role_holders
from workflows.carbon_copy import process_cc, step_cc
from workflows.serialization import state_hash

EVENT_KIND = "cc_declared"
# The ends a diagram reaches (a termination is an administrator's, not the process's).
ENDS = frozenset({"completed", "rejected", "withdrawn"})


def copy_declared(reported: Reported) -> None:
    """The readers the completed step, or the ended process, declares."""
    task = reported.completed_task
    if task is not None:
        roles = step_cc(reported.definition, task.spec_id)
        if roles and not _still_open(reported.row.id, task.spec_id):
            _copy(reported, roles, task)
    if reported.ended_as in ENDS:
        roles = process_cc(reported.definition)
        if roles:
            _copy(reported, roles, None)


def _still_open(instance_id: str, spec_id: str) -> bool:
    """Whether a task of the step is still open (a countersign step whose tally is not decided)."""
    return db.session.execute(sa.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.spec_id == spec_id,
        HumanTask.status == "open").limit(1)).first() is not None


def holders_in_case(role: str, row: ProcessInstance) -> list[str]:
    """The active holders of `role` in the case's jurisdiction (none when the case names no unit,
    township or cadre for a role held in one)."""
    kind = INSTANCE_REACH.get(role)
    if kind == COUNTY:
        return role_holders(role, None)
    columns = INSTANCE_COLUMNS.get(kind or "", ())
    scopes = [getattr(row, column.key) for column in columns]
    return sorted({login for scope in scopes if scope for login in role_holders(role, scope)})


def _copy(reported: Reported, roles: tuple[str, ...], task: HumanTask | None) -> None:
    row, at = reported.row, reported.at
    wanted = [login for role in roles for login in holders_in_case(role, row)]
    wanted = [login for login in dict.fromkeys(wanted) if login != reported.actor.login]
    known = set(db.session.execute(sa.select(CaseReader.login).where(
        CaseReader.instance_id == row.id, CaseReader.login.in_(wanted))).scalars()) if wanted else set()
    readers = [login for login in wanted if login not in known]
    if not readers:
        return
    db.session.add_all([CaseReader(instance_id=row.id, login=login, added_by=SYSTEM.login, added_at=at,
                                   task_id=task.id if task else None) for login in readers])
    db.session.flush()
    inputs = {"task_id": task.id if task else None, "step": task.spec_id if task else None,
              "roles": list(roles), "logins": readers}
    record(row.id, at, EventInfo(EVENT_KIND, inputs, SYSTEM, first_grant(SYSTEM),
                                 task.id if task else None, task.spec_id if task else None),
           state_hash(row.state))
    text = _notice(reported, roles, task)
    add_notifications([Notice(login, "cc", text) for login in readers], at=at, instance_id=row.id)


def _notice(reported: Reported, roles: tuple[str, ...], task: HumanTask | None) -> str:
    case = case_title(reported.row.process_key, reported.data)
    whom = "、".join(ROLE_NAMES.get(role, role) for role in roles)
    if task is None:
        what = f"{case}{ENDINGS.get(reported.ended_as or '', '已办结')}"
    else:
        word = step_decision_word(reported.definition, task.spec_id, reported.decision) or "办理"
        what = f"{case}「{task.name}」已办理（{word}）"
    return f"【抄送】{what}。按流程规定抄送{whom}阅知：您可查阅本案，不能办理。"
