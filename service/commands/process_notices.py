"""Tell people when a case reaches them, written in the command's transaction (a refused command
tells nobody), read in 提醒 and sent to the webhook like the timers' notices.

Per event, each person concerned gets exactly one notification, the one that matters most to
them, in this order:
- the submitter: a return (退回修改), or the end of the case (未通过 / 已办结 / 已撤回 / 已终止) when
  someone else ended it;
- the people who held a task the event took away without a decision (a withdrawal, a termination,
  a deadline): the task is no longer theirs, and why;
- the people who may act on a task the event opened (新待办);
- the submitter again: a step of their case done by someone else while the case moves on
  (办理进展: who did it, who holds it now).
"""

from __future__ import annotations

from typing import Any

from service.commands.notify import Notice, add_notifications
from service.commands.outbox import Reported
from service.config import get_settings
from service.core.labels import ROLE_NAMES, case_words
from service.persistence.models import HumanTask
from service.queries.decision_words import step_decision_word
from service.queries.holders import holder_words, holders_of

# The case's end, as its submitter reads it (withdrawn: only when someone else withdrew it).
ENDINGS = {"completed": "已办结", "rejected": "未通过", "withdrawn": "已撤回", "terminated": "已终止"}


def notify_case_steps(reported: Reported) -> None:
    data, actor = reported.data, reported.actor.login
    case = case_title(reported.row.process_key, data)
    # A handover's submitter is its request's (the row says so; the handover's data does not).
    submitter = reported.row.submitter or (data.get("submitter") if isinstance(data.get("submitter"), str)
                                           else None)
    comment = str(reported.comment or data.get("comment") or "").strip()
    step = _step_words(reported)
    holders = holders_of([*reported.cancelled_tasks, *reported.opened_tasks]) if (
        reported.cancelled_tasks or reported.opened_tasks) else {}
    notices: list[Notice] = []  # written together at the end
    told: set[str] = {actor}
    if submitter and submitter != actor:
        if reported.decision == "return":
            text = (f"【退回修改】{case}{step}" + (f"，理由：{comment}" if comment else "")
                    + "。请修改后重新提交。")
            notices.append(Notice(submitter, "returned", text))
            told.add(submitter)
        elif reported.ended_as in ENDINGS:
            why = "理由" if reported.decision in ("reject", "return") else "意见"
            text = f"【{ENDINGS[reported.ended_as]}】{case}{step}"
            text += (f"，{why}：{comment}" if comment else "") + "。"
            notices.append(Notice(submitter, reported.ended_as, text))
            told.add(submitter)
    if reported.ended_as in ENDINGS:
        for task in reported.cancelled_tasks:
            logins = [login for login in holders[task.id] if login not in told]
            text = _taken_away(reported, case, task, comment)
            notices += [Notice(login, reported.ended_as, text, task.id) for login in logins]
            told.update(logins)
    for task in reported.opened_tasks:
        logins = [login for login in holders[task.id] if login not in told]
        due = ""
        if task.due_at is not None:
            due = f"，办理期限 {task.due_at.astimezone(get_settings().tz):%Y-%m-%d %H:%M}（北京时间）"
        text = f"【新待办】{case}：请办理「{task.name}」{due}。"
        notices += [Notice(login, "task", text, task.id) for login in logins]
        told.update(logins)
    progress = _progress(reported, case, holders)
    if submitter and submitter not in told and progress:
        notices.append(Notice(submitter, "progress", progress))
    add_notifications(notices, at=reported.at, instance_id=reported.row.id)


def _taken_away(reported: Reported, case: str, task: HumanTask, reason: str) -> str:
    ending = ENDINGS[reported.ended_as or ""]
    if reported.ended_as == "withdrawn" and reported.actor.login == reported.row.submitter:
        who = f"申请人{reported.actor.display_name}"
        return (f"【{ending}】{case}已由{who}撤回，「{task.name}」无需再办理"
                + (f"。撤回原因：{reason}" if reason else "") + "。")
    return f"【{ending}】{case}{ending}，「{task.name}」无需再办理" + (f"：{reason}" if reason else "") + "。"


def _progress(reported: Reported, case: str, holders: dict[str, dict[str, str]]) -> str | None:
    """A step done by someone else while the case goes on, for its submitter; None otherwise."""
    done = reported.completed_task
    if done is None or reported.ended_as is not None or not reported.opened_tasks:
        return None
    if reported.decision == "return":  # the return notice says it
        return None
    role = ROLE_NAMES.get(reported.grant.role, reported.grant.role) if reported.grant else ""
    who = f"{reported.actor.display_name}（{role}）" if role else reported.actor.display_name
    word = (step_decision_word(reported.definition, done.spec_id, reported.decision)
            if reported.decision else "办理")
    next_steps = "；".join(f"{holder_words(t, holders[t.id])}办理「{t.name}」" for t in reported.opened_tasks)
    return f"【办理进展】{case}：「{done.name}」已由{who}办理（{word}），现由{next_steps}。"


def _step_words(reported: Reported) -> str:
    """「step」：decision, in the step's own words (empty when no task was completed)."""
    task = reported.completed_task
    if task is None or not reported.decision:
        return ""
    word = step_decision_word(reported.definition, task.spec_id, reported.decision)
    return f"「{task.name}」：{word}"


def case_title(process_key: str, data: dict[str, Any]) -> str:
    """How a notice names a case: 「驻村干部中途调整」（上庄村·张伟）."""
    where = [str(data[k]) for k in ("village_name", "cadre_name") if data.get(k)]
    if not data.get("cadre_name") and data.get("old_cadre_name"):
        where.append(str(data["old_cadre_name"]))
    return case_words(process_key, *where)

