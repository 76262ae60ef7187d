"""The event sheet of the ledger: one row per history event of a period, by time.

One statement joins each event to its case, people and step and is read a batch at a time
(persistence/streaming.py), so a year of a province's events never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.config import get_settings
from service.core.labels import EVENT_KIND_NAMES, PROCESS_NAMES, ROLE_NAMES, decision_word
from service.persistence.models import Cadre, HistoryEvent, HumanTask, ProcessInstance, User, Village
from service.persistence.streaming import stream_rows
from service.queries.decision_words import StepKey, step_words


def in_period(start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(HistoryEvent.at >= start, HistoryEvent.at < end)


def _statement(start: datetime, end: datetime) -> sa.Select:
    new_cadre = aliased(Cadre)
    return (sa.select(HistoryEvent.at, HistoryEvent.seq, HistoryEvent.kind, HistoryEvent.actor_login,
                      HistoryEvent.actor_role, HistoryEvent.task_spec_id, HistoryEvent.decision,
                      HistoryEvent.comment, HistoryEvent.instance_id, ProcessInstance.process_key,
                      ProcessInstance.definition_id, ProcessInstance.cadre_id, Cadre.name.label("cadre"),
                      new_cadre.name.label("new_cadre"), ProcessInstance.village_id,
                      Village.name.label("village"), HumanTask.name.label("step"),
                      User.display_name.label("actor_name"))
            .select_from(HistoryEvent)
            .outerjoin(ProcessInstance, ProcessInstance.id == HistoryEvent.instance_id)
            .outerjoin(Cadre, Cadre.id == ProcessInstance.cadre_id)
            .outerjoin(new_cadre, sa.and_(ProcessInstance.process_key == "handover",
                                          new_cadre.id == ProcessInstance.new_cadre_id))
            .outerjoin(Village, Village.id == ProcessInstance.village_id)
            .outerjoin(HumanTask, HumanTask.id == HistoryEvent.task_id)
            .outerjoin(User, User.login == HistoryEvent.actor_login)
            .where(in_period(start, end))
            .order_by(HistoryEvent.at, HistoryEvent.instance_id, HistoryEvent.seq))


def person(name: str | None, login: str | None) -> str | None:
    """A login as people read it: 「人事科 王敏（hr_edu）」, 系统 for the timers."""
    if login is None or login == "system":
        return "系统"
    return f"{name}（{login}）" if name else login


def case_cadre(process_key: str | None, cadre: str | None, new_cadre: str | None) -> str | None:
    """The cadre a case is about; a handover names both ends: 张伟 → 孙浩."""
    if process_key == "handover" and new_cadre:
        return f"{cadre} → {new_cadre}"
    return cadre


class _Words:
    """Each step's own decision words, looked up once per (definition, step) of the whole export."""

    def __init__(self) -> None:
        self._known: dict[StepKey, dict[str, str]] = {}

    def word(self, definition_id: int | None, spec_id: str | None, decision: str | None) -> str | None:
        if not decision:
            return None
        key = (definition_id or 0, spec_id or "")
        if key not in self._known:
            self._known[key] = step_words([key]).get(key, {}) if definition_id and spec_id else {}
        return decision_word(decision, self._known[key])


def event_rows(start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Events with start <= at < end, by time, then case and seq."""
    tz = get_settings().tz
    words = _Words()
    for r in stream_rows(_statement(start, end)):
        yield {
            "time": r.at.astimezone(tz),
            "process": PROCESS_NAMES.get(r.process_key, r.process_key),
            "village": r.village or r.village_id,
            "cadre": case_cadre(r.process_key, r.cadre or r.cadre_id, r.new_cadre),
            "step": r.step or r.task_spec_id,
            "event": EVENT_KIND_NAMES.get(r.kind, r.kind),
            "actor": person(r.actor_name, r.actor_login),
            "role": ROLE_NAMES.get(r.actor_role or "", r.actor_role),
            "decision": words.word(r.definition_id, r.task_spec_id, r.decision),
            "comment": r.comment, "seq": r.seq, "instance_id": r.instance_id,
        }
