"""Many real instances fast: re-execute service-built instances' recorded commands for new ids.

Creating an instance through the service costs ~100-300 ms (engine + projections + one transaction
per command), so 10,000 of them would take 20-60 minutes. Here a round of instances built
through the service (a replacement, the handover it started, a recall) is the template: its events
are read back from the database, and for each clone the same recorded command inputs are executed
again by the engine (workflows.replay.apply_command, with the engine the service uses) under a new
instance id and a shifted clock. Each clone therefore gets its own engine state, its own task ids
(derived from the instance id), its own state hashes and its own hash chain
(service.persistence.history.chain.event_hash), computed exactly as service.commands.core.save would.
Nothing is copied from the template but the inputs, actors and times: if the engine, the hashing
or the storage did not reproduce the instance, `verify` would reject the clone.

Like the service, every command after the start runs on an instance restored from the previous
command's serialized state (service.commands.core.load), not on the live object: that is the path
whose output the replay must match.

Only process_instances and history_events rows are written (in large batches); the projections
(human_tasks, pending_timers) are not, because verification never reads them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from service.audit.events import instance_events
from service.commands.core import TERMINAL
from service.persistence.db import db
from service.persistence.history import COMMAND_KIND_BY_EVENT, canonical, event_hash
from service.persistence.history.chain import EVENT_HASH_FIELDS
from service.persistence.models import HistoryEvent, ProcessDefinition, ProcessInstance
from service.persistence.projections import BUSINESS_FIELDS, business_field_changes
from service.persistence.runtime import definition_of, get_engine
from workflows.engine import Definition, Engine, Instance
from workflows.replay import apply_command
from workflows.serialization import state_hash

# Row columns a clone takes over from its template unchanged (the same request by the same people).
COPIED_COLUMNS = ("definition_id", "process_key", "submitter", "revision")
BUSINESS_COLUMNS = ("cadre_id", "old_cadre_id", "new_cadre_id", *BUSINESS_FIELDS)


@dataclass(frozen=True)
class Template:
    """One service-built instance as stored: its row columns and its events' hashed fields."""

    instance_id: str
    process_key: str
    columns: dict[str, Any]
    business_key: str | None
    definition: Definition
    events: list[dict[str, Any]]


def load_template(instance_id: str) -> Template:
    row = db.session.get(ProcessInstance, instance_id)
    definition = definition_of(db.session.get(ProcessDefinition, row.definition_id))
    events = [{name: getattr(e, name) for name in EVENT_HASH_FIELDS} for e in instance_events(instance_id)]
    return Template(instance_id, row.process_key, {c: getattr(row, c) for c in COPIED_COLUMNS},
                    row.business_key, definition, events)


def _substitute(value: Any, ids: dict[str, str]) -> Any:
    """`value` with every string equal to an old id replaced by the clone's id (deep)."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, dict):
        return {k: _substitute(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, ids) for v in value]
    return value


class Cloner:
    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or get_engine()  # the service's engine: same calendar and deadlines

    def clone_round(self, templates: list[Template], shift: timedelta) -> tuple[list[dict], list[dict]]:
        """Clones of `templates` (one round: a handover's source must come before it) with fresh ids.

        Returns (instance rows, event rows) ready for a bulk insert, instances first.
        """
        ids = {t.instance_id: str(uuid.uuid4()) for t in templates}
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for template in templates:
            row, row_events = self.clone(template, ids, shift)
            rows.append(row)
            events.extend(row_events)
        return rows, events

    def clone(self, template: Template, ids: dict[str, str],
              shift: timedelta) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        new_id = ids[template.instance_id]
        definition = template.definition
        mapping = dict(ids)  # old id -> new id; the clone's task ids are added as they appear
        instance: Instance | None = None
        state: dict[str, Any] = {}  # serialized once per command: it is both hashed and restored
        current: str | None = None
        prev_hash: str | None = None
        ended_at: datetime | None = None
        out: list[dict[str, Any]] = []
        for recorded in template.events:
            at: datetime = recorded["at"] + shift
            old_task = recorded["task_id"]
            if old_task is not None and old_task not in mapping:
                # The clone's task ids differ (derived from its own id): act on the open task of
                # the same step, as the person in the record did.
                mapping[old_task] = self._open_task_id(instance, recorded["task_spec_id"])
            inputs = _substitute(recorded["inputs"], mapping)
            kind = COMMAND_KIND_BY_EVENT[recorded["kind"]]
            if kind is not None:
                if instance is not None:  # as service.commands.core.load: restore from stored state
                    instance = self.engine.restore(definition, state, new_id)
                # The service hands the engine canonically ordered inputs (history.canonical).
                instance = apply_command(self.engine, definition, instance,
                                         {"kind": kind, "inputs": canonical(inputs), "at": at}, new_id)
                state = instance.state()
                current = state_hash(state)
                if ended_at is None and instance.status in TERMINAL:
                    ended_at = at
            fields = {**recorded, "instance_id": new_id, "at": at, "inputs": inputs,
                      "task_id": mapping.get(old_task, old_task), "state_hash": current}
            fields["event_hash"] = event_hash(fields, prev_hash)
            fields["prev_hash"] = prev_hash
            prev_hash = fields["event_hash"]
            out.append(fields)
        assert instance is not None, f"template {template.instance_id} has no engine events"
        business = SimpleNamespace(**dict.fromkeys(BUSINESS_COLUMNS))
        # the same derivation as the service's commands (commands.core)
        vars(business).update(business_field_changes(business, instance.data))  # type: ignore[arg-type]
        business_key = template.business_key
        for old, new in ids.items():  # e.g. handover:<source id>
            business_key = business_key.replace(old, new) if business_key else business_key
        row = {**template.columns, "id": new_id, "business_key": business_key,
               "status": instance.status, "state": state, "error": None,
               "created_at": out[0]["at"], "updated_at": out[-1]["at"], "ended_at": ended_at,
               **vars(business)}
        return row, out

    @staticmethod
    def _open_task_id(instance: Instance | None, spec_id: str) -> str:
        matches = [t.id for t in (instance.open_tasks() if instance else []) if t.spec_id == spec_id]
        if len(matches) != 1:
            raise RuntimeError(f"clone: expected one open task {spec_id!r}, found {len(matches)}")
        return matches[0]


def insert_batch(rows: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """Bulk INSERTs (executemany) in the caller's transaction: instances first (foreign key)."""
    if rows:
        db.session.execute(sa.insert(ProcessInstance), rows)
    if events:
        db.session.execute(sa.insert(HistoryEvent), events)
