"""Tell people when a case reaches them: a new task to those who may act on it, and a return,
a rejection or the end of a case to whoever submitted it. Written in the command's transaction,
so a refused command tells nobody; read in 提醒 and sent to the webhook like the timers' notices."""

from __future__ import annotations

from typing import Any

from service.commands.notify import add_notification
from service.commands.outbox import Reported
from service.config import get_settings
from service.core.labels import case_words
from service.queries.decision_words import step_decision_word
from service.queries.holders import task_holders

# The case's end, as its submitter reads it (withdrawn: only when someone else withdrew it).
ENDINGS = {"completed": "已办结", "rejected": "未通过", "withdrawn": "已撤回", "terminated": "已终止"}


def notify_case_steps(reported: Reported) -> None:
    data, actor = reported.data, reported.actor.login
    case = _case_words(reported.row.process_key, data)
    submitter = data.get("submitter") if isinstance(data.get("submitter"), str) else None
    comment = str(data.get("comment") or "").strip()
    step = _step_words(reported)
    told: set[str] = {actor}
    if submitter and submitter != actor:
        if reported.decision == "return":
            text = (f"【退回修改】{case}{step}" + (f"，理由：{comment}" if comment else "")
                    + "。请修改后重新提交。")
            _tell([submitter], "returned", text, reported)
            told.add(submitter)
        elif reported.ended_as in ENDINGS:
            why = "理由" if reported.decision in ("reject", "return") else "意见"
            text = f"【{ENDINGS[reported.ended_as]}】{case}{step}"
            text += (f"，{why}：{comment}" if comment else "") + "。"
            _tell([submitter], reported.ended_as, text, reported)
    for task in reported.opened_tasks:
        logins = [login for login in task_holders(task) if login not in told]
        due = ""
        if task.due_at is not None:
            due = f"，办理期限 {task.due_at.astimezone(get_settings().tz):%Y-%m-%d %H:%M}（北京时间）"
        _tell(logins, "task", f"【新待办】{case}：请办理「{task.name}」{due}。", reported, task.id)


def _step_words(reported: Reported) -> str:
    """「step」：decision, in the step's own words (empty when no task was completed)."""
    task = reported.closed_task
    if task is None or not reported.decision:
        return ""
    word = step_decision_word(reported.row.definition_id, task.spec_id, reported.decision)
    return f"「{task.name}」：{word}"


def _case_words(process_key: str, data: dict[str, Any]) -> str:
    where = [str(data[k]) for k in ("village_name", "cadre_name") if data.get(k)]
    if not data.get("cadre_name") and data.get("old_cadre_name"):
        where.append(str(data["old_cadre_name"]))
    return case_words(process_key, *where)


def _tell(logins: list[str], kind: str, text: str, reported: Reported, task_id: str | None = None) -> None:
    for login in logins:
        add_notification(login, kind=kind, message=text, at=reported.at, instance_id=reported.row.id,
                         task_id=task_id)
