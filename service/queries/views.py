"""Response items of instances and tasks, shared by the JSON API and the pages (names from core.labels)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from service.core.labels import PROCESS_NAMES, ROLE_NAMES, STATUS_NAMES, decision_word
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessDefinition, ProcessInstance, User
from service.queries.decision_words import step_words
from service.queries.names import cadre_and_village_names
from workflows.definitions import Definition


def summaries(rows: Sequence[ProcessInstance],
              known: tuple[dict[str, str], dict[str, str]] | None = None) -> dict[str, dict[str, Any]]:
    """Short description of each instance's request, from its business columns (no state parse).
    `known`: (cadre names, village names) by id already read in this transaction."""
    cadres, villages = cadre_and_village_names(
        [c for r in rows for c in (r.cadre_id, r.old_cadre_id, r.new_cadre_id)], [r.village_id for r in rows],
        known)
    out = {}
    for r in rows:
        cadre = cadres.get(r.cadre_id or "", r.cadre_id)
        village = villages.get(r.village_id or "", r.village_id)
        new = cadres.get(r.new_cadre_id or "", r.new_cadre_id)
        title = f"{PROCESS_NAMES.get(r.process_key, r.process_key)}：{village or ''} {cadre or ''}"
        if r.process_key == "dispatch":
            # A dispatch's cadre is its nominee (also new_cadre_id); a rotation names the
            # predecessor as old_cadre_id: "上庄村 张伟 → 孙浩", a new post just "青松村 林晓东".
            old = cadres.get(r.old_cadre_id or "", r.old_cadre_id)
            who = f"{old} → {new}" if old else new or ""
            title = f"{PROCESS_NAMES['dispatch']}：{village or ''} {who}"
        elif new and r.process_key != "recall":
            title += f" → {new}"
        out[r.id] = {
            "title": title.strip(), "cadre_id": r.cadre_id, "cadre_name": cadre, "village_id": r.village_id,
            "village_name": village, "old_cadre_id": r.old_cadre_id, "new_cadre_id": r.new_cadre_id,
            "new_cadre_name": new, "township_id": r.township_id, "unit_id": r.unit_id,
            "submitter": r.submitter, "business_key": r.business_key,
        }
    return out


def process_name(key: str, definition_name: str | None = None) -> str:
    """A process's name as people read it: ours, else the name its diagram gives, else its key."""
    return PROCESS_NAMES.get(key) or definition_name or key


def drawn_process_names(definition_ids: Iterable[int], keys: Iterable[str]) -> dict[int, str]:
    """Names of the definitions among `definition_ids` whose process is not one of ours (a
    diagram drawn elsewhere names itself); no query when all are ours."""
    if all(key in PROCESS_NAMES for key in keys):
        return {}
    return dict(db.session.execute(sa.select(ProcessDefinition.id, ProcessDefinition.name).where(
        ProcessDefinition.id.in_(set(definition_ids)))).all())


def task_item(task: HumanTask, instance: ProcessInstance, summary: dict[str, Any],
              words: dict[str, str] | None = None, people: dict[str, str] | None = None,
              definition_name: str | None = None) -> dict[str, Any]:
    """`words`: the step's own decision words (queries.decision_words); `people`: display names
    by login (the claimant is shown by name)."""
    return {
        "id": task.id, "instance_id": task.instance_id, "process": instance.process_key,
        "process_name": process_name(instance.process_key, definition_name),
        "spec_id": task.spec_id, "name": task.name, "role": task.role,
        "role_name": ROLE_NAMES.get(task.role, task.role), "scope_kind": task.scope_kind,
        "scope_id": task.scope_id, "status": task.status, "due_at": task.due_at,
        "created_at": task.created_at, "decisions": list(task.decisions or []),
        "decision_names": {d: decision_word(d, words) for d in task.decisions or []},
        "claimed_by": task.claimed_by,
        "claimed_by_name": (people or {}).get(task.claimed_by, task.claimed_by) if task.claimed_by else None,
        "completed_at": task.completed_at,
        "completed_by": task.completed_by, "decision": task.decision,
        "decision_name": decision_word(task.decision, words), "comment": task.comment,
        "summary": summary,
        "instance_status": instance.status,  # a suspended case's steps wait (commands/suspend.py)
    }


def task_items(tasks: Sequence[HumanTask], instances: Iterable[ProcessInstance] = (),
               names: tuple[dict[str, str], dict[str, str]] | None = None,
               definitions: Mapping[int, Definition] | None = None) -> list[dict[str, Any]]:
    """Response items of `tasks`; `instances`: rows the caller already holds, `names`: (cadre
    names, village names) by id and `definitions`: definitions by id the caller already read
    (none of them read again)."""
    rows = {r.id: r for r in instances}
    ids = {t.instance_id for t in tasks} - set(rows)
    if ids:
        rows.update((r.id, r) for r in db.session.execute(
            sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
            .where(ProcessInstance.id.in_(ids))).scalars())
    sums = summaries([rows[i] for i in {t.instance_id for t in tasks}], names)
    words = step_words(((rows[t.instance_id].definition_id, t.spec_id) for t in tasks), definitions)
    claimants = {t.claimed_by for t in tasks if t.claimed_by}
    people = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_(claimants))).all()) if claimants else {}
    held = list(rows.values())
    drawn = drawn_process_names([r.definition_id for r in held], [r.process_key for r in held])
    return [task_item(t, rows[t.instance_id], sums[t.instance_id], words.get(
        (rows[t.instance_id].definition_id, t.spec_id)), people, drawn.get(rows[t.instance_id].definition_id))
        for t in tasks]


def instance_item(row: ProcessInstance, version: int, summary: dict[str, Any],
                  definition_name: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id, "process": row.process_key,
        "process_name": process_name(row.process_key, definition_name), "version": version,
        "status": row.status, "status_name": STATUS_NAMES.get(row.status, row.status),
        "business_key": row.business_key, "submitter": row.submitter, "created_at": row.created_at,
        "updated_at": row.updated_at, "ended_at": row.ended_at, "revision": row.revision,
        "cadre_id": row.cadre_id, "old_cadre_id": row.old_cadre_id, "new_cadre_id": row.new_cadre_id,
        "village_id": row.village_id, "township_id": row.township_id, "unit_id": row.unit_id,
        "summary": summary,
    }


def instance_items(rows: Sequence[ProcessInstance]) -> list[dict[str, Any]]:
    versions = {d.id: d for d in db.session.execute(sa.select(
        ProcessDefinition.id, ProcessDefinition.version, ProcessDefinition.name).where(
        ProcessDefinition.id.in_({r.definition_id for r in rows}))).all()} if rows else {}
    sums = summaries(rows)
    return [instance_item(r, versions[r.definition_id].version, sums[r.id], versions[r.definition_id].name)
            for r in rows]
