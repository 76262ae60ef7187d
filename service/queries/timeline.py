"""Instance reads shared by the JSON API and the web pages: the history timeline, related instances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.core.labels import EVENT_KIND_NAMES, ROLE_NAMES, SIGNER_MODE_NAMES, decision_word
from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask, ProcessInstance, User
from service.queries.assessments.keys import recall_business_key
from service.queries.attachments import event_attachments
from service.queries.decision_words import step_words


def _named_logins(event: HistoryEvent) -> list[str]:
    """The people an event names besides its actor: a transfer's recipient, an added signer
    (加签), the readers a case was copied to (抄送)."""
    if event.kind == "transfer" and event.inputs.get("to_user"):
        return [str(event.inputs["to_user"])]
    if event.kind == "add_signer" and event.inputs.get("login"):
        return [str(event.inputs["login"])]
    if event.kind in ("cc", "cc_declared"):
        return [str(x) for x in event.inputs.get("logins") or []]
    return []


def _event_description(event: HistoryEvent, actor_name: str | None, task_name: str | None,
                       decision_name: str | None, to_user_name: str | None,
                       users: dict[str, str] | None = None) -> str:
    kind = EVENT_KIND_NAMES.get(event.kind, event.kind)
    if event.kind == "cc_declared":  # the diagram's 抄送: after which step (or at the end), to whom
        when = f"「{task_name}」办理后" if task_name else "案件结束时"
        named = [(users or {}).get(login, login) for login in _named_logins(event)]
        return f"{actor_name or '系统'}{kind}（{when}）：{'、'.join(named)}"
    parts = [actor_name or event.actor_login or "系统", kind]
    if task_name:
        parts.append(f"「{task_name}」")
    if decision_name:
        parts.append(f"：{decision_name}")
    if event.kind == "transfer" and event.inputs.get("to_user"):
        parts.append(f"，转给 {to_user_name or event.inputs['to_user']}")
    if event.kind == "release" and event.inputs.get("from_user"):
        parts.append(f"（原认领人 {event.inputs['from_user']} 已停用）")
    named = [(users or {}).get(login, login) for login in _named_logins(event)]
    if event.kind == "add_signer" and named:
        mode = SIGNER_MODE_NAMES.get(str(event.inputs.get("mode")), "")
        held = "（本人决定待加签人同意后生效）" if event.inputs.get("held") else ""
        parts.append(f"，{mode}：{named[0]}{held}")
    if event.kind == "cc" and named:
        parts.append(f"，抄送 {'、'.join(named)}")
    if event.kind == "migrated":
        parts.append(f"：第 {event.inputs.get('from_version')} 版 → 第 {event.inputs.get('to_version')} 版")
    return "".join(parts)


def _versions_at(events: Sequence[HistoryEvent], current: dict[str, int]) -> dict[int, int]:
    """Event id -> the definition version (id) its instance was on then: the version the next
    migration moved it from, else the one it is on now (decision words are each version's own)."""
    instance_ids = {e.instance_id for e in events}
    moves: dict[str, list[tuple[int, Any]]] = {}
    for instance_id, seq, inputs in db.session.execute(
            sa.select(HistoryEvent.instance_id, HistoryEvent.seq, HistoryEvent.inputs).where(
                HistoryEvent.instance_id.in_(instance_ids), HistoryEvent.kind == "migrated")
            .order_by(HistoryEvent.seq)).all():
        moves.setdefault(instance_id, []).append((seq, (inputs or {}).get("from_definition_id")))
    out = {}
    for e in events:
        later = [source for seq, source in moves.get(e.instance_id, []) if seq > e.seq]
        out[e.id] = later[0] if later and isinstance(later[0], int) else current.get(e.instance_id, 0)
    return out


def history_query(instance_id: str) -> sa.Select:
    """The instance's history events in order (to paginate, or to read whole)."""
    return sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.seq)


def instance_history(instance_id: str) -> list[dict[str, Any]]:
    """The whole timeline of an instance (history_entries of every event)."""
    return history_entries(db.session.execute(history_query(instance_id)).scalars().all())


def history_entries(events: Sequence[HistoryEvent]) -> list[dict[str, Any]]:
    """Timeline entries with Chinese names of actors, roles, tasks, event kinds and decisions."""
    logins = {e.actor_login for e in events if e.actor_login}
    logins |= {login for e in events for login in _named_logins(e)}
    users = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_(logins))).all()) if events else {}
    task_names = dict(db.session.execute(sa.select(HumanTask.id, HumanTask.name).where(
        HumanTask.id.in_({e.task_id for e in events if e.task_id}))).all()) if events else {}
    definitions = dict(db.session.execute(sa.select(ProcessInstance.id, ProcessInstance.definition_id).where(
        ProcessInstance.id.in_({e.instance_id for e in events}))).all()) if events else {}
    versions = _versions_at(events, definitions) if events else {}
    words = step_words((versions[e.id], e.task_spec_id) for e in events
                       if e.decision and e.task_spec_id and versions.get(e.id))
    files = event_attachments(e.instance_id for e in events)
    items = []
    for e in events:
        name = users.get(e.actor_login or "", "系统" if e.actor_login == "system" else e.actor_login)
        task_name = task_names.get(e.task_id or "")
        word = decision_word(e.decision, words.get((versions.get(e.id, 0), e.task_spec_id or "")))
        to_user = users.get(str(e.inputs.get("to_user"))) if e.kind == "transfer" else None
        items.append({
            "seq": e.seq, "at": e.at, "kind": e.kind, "kind_name": EVENT_KIND_NAMES.get(e.kind, e.kind),
            "actor": {"login": e.actor_login, "name": name, "role": e.actor_role,
                      # the system's own events (a stall, a declared 抄送) name no role people hold
                      "role_name": ROLE_NAMES.get(e.actor_role or "", None if e.actor_login == "system"
                                                  else e.actor_role), "scope": e.actor_scope},
            "decision": e.decision, "decision_name": word,
            "comment": e.comment, "task_id": e.task_id, "task_spec_id": e.task_spec_id,
            "task_name": task_name,
            "description": _event_description(e, name, task_name, word, to_user, users),
            "attachments": files.get((e.instance_id, e.seq), []),  # the files this event submitted
        })
    return items


def related_instances(row: ProcessInstance, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The handover started by this instance, or the request that started this handover; the
    recall an assessment's 不称职 opened, or the assessment that opened this recall."""
    conditions: list[sa.ColumnElement[bool]] = [
        ProcessInstance.business_key.in_([f"handover:{row.id}", recall_business_key(row.id)])]
    if data.get("source_instance_id"):
        conditions.append(ProcessInstance.id == str(data["source_instance_id"]))
    rows = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
                              .where(sa.or_(*conditions))).scalars().all()
    return [{"id": r.id, "process": r.process_key, "status": r.status} for r in rows]
