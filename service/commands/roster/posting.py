"""save_posting / validate_posting / end_posting: who is stationed in which village, since when,
until when, supplied by whom.

A posting is found by its id, or by (cadre_id, village_id, role, term_start). Who, where, which role
and since when never change: a different posting is a new one, after the old one has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.placement import posting_conflicts
from service.commands.roster.fields import EARLIEST_FACT, REASON_MAX, Problems, label, today
from service.commands.roster.permissions import posting_editor, require_roster_role
from service.commands.roster.record import check_source, process_source, record
from service.core.bounds import LATEST_DATE, latest_effective_date
from service.core.errors import NotFound
from service.core.labels import CATEGORIES_WITH_WORK_TEAM, POSTING_ROLE_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, RosterChange, Village
from workflows.rules import default_planned_end, posting_violations

FIELDS = ("id", "cadre_id", "village_id", "role", "term_start", "planned_end", "supplier_id", "leads_team")
IDENTITY = ("cadre_id", "village_id", "role", "term_start")


def posting_snapshot(posting: Posting) -> dict[str, Any]:
    return {"cadre_id": posting.cadre_id, "village_id": posting.village_id, "role": posting.role,
            "term_start": posting.term_start, "planned_end": posting.planned_end,
            "supplier_id": posting.supplier_id, "leads_team": posting.leads_team,
            "active": posting.active, "ended_on": posting.term_end}


def find_posting(values: dict[str, Any]) -> Posting | None:
    if values.get("id") is not None:
        return db.session.get(Posting, values["id"]) if isinstance(values["id"], int) else None
    if any(not values.get(name) for name in IDENTITY):
        return None
    return db.session.execute(sa.select(Posting).where(
        *(getattr(Posting, name) == values[name] for name in IDENTITY)).limit(1)).scalar_one_or_none()


def _has_work_team(village: Village) -> bool:
    return bool(CATEGORIES_WITH_WORK_TEAM & set(village.categories))


# The placement rules name the fields of dispatch process data; the roster's fields are these.
RULE_FIELD = {
    "nominee_facts.supplier_id": "supplier_id", "nominee_facts.supplier_kind": "supplier_id",
    "nominee_facts.supplier_level": "supplier_id", "nominee_facts.employment_type": "cadre_id",
}


def _supplier(problems: Problems, supplier_id: Any) -> Org | None:
    supplier_id = problems.identifier("supplier_id", supplier_id)
    if not supplier_id or problems.has("supplier_id"):
        return None
    supplier = db.session.get(Org, supplier_id)
    if supplier is None:
        problems.add("supplier_id", f"选派单位 {supplier_id} 不存在。")
    return supplier


def placement_data(cadre: Cadre | None, village: Village, role: str | None, supplier: Org | None,
                   values: dict[str, Any]) -> dict[str, Any]:
    """The input of workflows.rules.posting_violations, in the shape of dispatch process data."""
    facts: dict[str, Any] = {}
    if cadre is not None:
        facts["employment_type"] = cadre.employment_type
    if supplier is not None:
        facts.update(supplier_id=supplier.id, supplier_kind=supplier.kind, supplier_level=supplier.level,
                     supplier_name=supplier.name)
    return {"role": role, "village_categories": village.categories, "village_name": village.name,
            "township_id": village.township_id, "nominee_facts": facts,
            "term_start": values.get("term_start"), "planned_end": values.get("planned_end"),
            "leads_team": values.get("leads_team")}


def _check_placement(problems: Problems, values: dict[str, Any], row: Posting | None, role: str | None,
                     village: Village | None, waived: frozenset[str]) -> None:
    """The placement rules every posting obeys (the same as a dispatch's), once the fields they
    read are well-formed. A change of an existing posting answers only for what it changes."""
    if village is None or role is None or problems.has("term_start"):
        return
    supplier = _supplier(problems, values["supplier_id"]) if "supplier_id" in values else None
    cadre_id = row.cadre_id if row is not None else values.get("cadre_id")
    cadre = db.session.get(Cadre, cadre_id) if isinstance(cadre_id, str) and cadre_id else None
    checked = dict(values)
    if row is not None:
        checked.setdefault("term_start", row.term_start)
        checked.setdefault("planned_end", row.planned_end)
        if "supplier_id" not in values:
            supplier = db.session.get(Org, row.supplier_id) if row.supplier_id else None
    for name in ("planned_end", "leads_team"):
        if problems.has(name):
            checked.pop(name, None)
    if problems.has("supplier_id"):
        supplier = None
    for found in posting_violations(placement_data(cadre, village, role, supplier, checked)):
        field = RULE_FIELD.get(found["field"], found["field"])
        if found["rule"] in waived:
            continue
        if (row is None or field in values) and found["message"] not in problems.errors.get(field, []):
            problems.add(field, found["message"])


def _check_new(problems: Problems, values: dict[str, Any],
               succeeding: str | None) -> tuple[str | None, Village | None]:
    cadre_id = problems.identifier("cadre_id", values.get("cadre_id"))
    cadre = db.session.get(Cadre, cadre_id) if cadre_id and not problems.has("cadre_id") else None
    if cadre_id and cadre is None and not problems.has("cadre_id"):
        problems.add("cadre_id", f"干部 {cadre_id} 不存在。")
    village_id = problems.identifier("village_id", values.get("village_id"))
    village = db.session.get(Village, village_id) if village_id and not problems.has("village_id") else None
    if village_id and village is None and not problems.has("village_id"):
        problems.add("village_id", f"村 {village_id} 不存在。")
    role = problems.code("role", values.get("role"), POSTING_ROLE_NAMES)
    start = problems.day("term_start", values.get("term_start"), EARLIEST_FACT,
                         latest_effective_date(today()), required=True)
    if cadre is not None and village is not None:
        for found in posting_conflicts(cadre.id, village.id, role, succeeding=succeeding):
            problems.add(found["field"], found["message"])
    if start is not None and values.get("planned_end") is None:
        values.setdefault("planned_end", default_planned_end(start))
    if values.get("supplier_id") is None and cadre is not None:
        values["supplier_id"] = cadre.unit_id
    return role, village


def validate_posting(values: dict[str, Any]) -> dict[str, list[str]]:
    """Fields: id (to change an existing posting) or cadre_id, village_id, role, term_start; and
    planned_end (default: workflows.rules.default_planned_end), supplier_id (default: the cadre's unit),
    leads_team (default: a first secretary of a village with a work team leads it)."""
    problems, _ = _validate(dict(values))
    return problems.errors


def _validate(values: dict[str, Any], succeeding: str | None = None,
              waived: frozenset[str] = frozenset()) -> tuple[Problems, Posting | None]:
    problems = Problems()
    problems.unknown_fields(values, FIELDS)
    if values.get("id") is not None and (not isinstance(values["id"], int) or isinstance(values["id"], bool)):
        problems.add("id", "任职编号须为整数。")
        return problems, None
    row = find_posting(values)
    if values.get("id") is not None and row is None:
        problems.add("id", f"任职 {values['id']} 不存在。")
        return problems, None
    if row is None:
        role, village = _check_new(problems, values, succeeding)
    else:
        if not row.active:
            problems.add("id", f"该任职已于 {row.term_end} 结束，不能修改。")
        for name in IDENTITY:
            if name in values and values[name] != getattr(row, name):
                problems.add(name, f"已有任职不能更改{label(name)}；如需调整，请结束本任职后新建任职。")
        role, village = row.role, db.session.get(Village, row.village_id)
    if "planned_end" in values:
        problems.day("planned_end", values["planned_end"], EARLIEST_FACT, LATEST_DATE, required=True)
    if values.get("leads_team") is not None:
        problems.flag("leads_team", values["leads_team"])
    _check_placement(problems, values, row, role, village, waived)
    return problems, row


def save_posting(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    check_source(source)
    require_roster_role(actor)
    values = dict(values)  # defaults are filled in below; the caller's dict stays as it was
    problems, row = _validate(values)
    problems.raise_if_any("任职信息")
    if row is None:
        village = db.session.get(Village, values["village_id"])
        assert village is not None  # validated
        role = posting_editor(actor, values["role"], village.township_id, values["supplier_id"])
        return _create(actor, role, values, village, source=source)[1]
    role = _editor(actor, row, values.get("supplier_id", row.supplier_id))
    before = posting_snapshot(row)
    for field in ("planned_end", "supplier_id", "leads_team"):
        if values.get(field) is not None:
            setattr(row, field, values[field])
    return record(actor, role, entity="posting", entity_id=str(row.id), action="update",
                  before=before, after=posting_snapshot(row), source=source)


def _create(actor: Principal, actor_role: str | None, values: dict[str, Any], village: Village, *,
            source: str, source_instance_id: str | None = None) -> tuple[Posting, RosterChange | None]:
    leads = values.get("leads_team")
    row = Posting(cadre_id=values["cadre_id"], village_id=village.id, role=values["role"],
                  term_start=values["term_start"], planned_end=values["planned_end"],
                  supplier_id=values["supplier_id"], active=True, source_instance_id=source_instance_id,
                  leads_team=(values["role"] == "first_secretary" and _has_work_team(village))
                  if leads is None else leads)
    db.session.add(row)
    db.session.flush()  # the id names the posting in the log
    return row, record(actor, actor_role, entity="posting", entity_id=str(row.id), action="create",
                       before=None, after=posting_snapshot(row), source=source)


@dataclass(frozen=True)
class ProcessStep:
    """The step of a process instance that makes or ends a posting: its actor (who completed it,
    under `actor_role`) is the one the roster log names, and the process's approval is the
    authority, so no roster permission is asked for."""

    actor: Principal
    actor_role: str | None
    instance_id: str


def create_process_posting(step: ProcessStep, values: dict[str, Any], *, decided_by: str | None = None,
                           succeeding: str | None = None, continues_term: bool = False) -> Posting:
    """The posting an approved dispatch (or a completed handover) makes, under the same rules and
    with the same log entry as any other; a breach refuses the approving step (422), nothing is
    written.

    `decided_by`: the instance that decided it (the posting's source_instance_id; by default the
    step's own, while a handover names the dispatch or replacement it carries out). `succeeding`:
    the cadre it takes over from, still in post until the handover ends. `continues_term`: a
    replacement's successor serves the rest of the predecessor's term, which ends sooner than 2
    years after the successor's start."""
    values = dict(values)
    waived = frozenset({"planned_term_under_2_years"}) if continues_term else frozenset()
    problems, row = _validate(values, succeeding, waived)
    if row is not None and not problems.errors:
        problems.add("term_start", f"该任职（{row.term_start} 起）已经存在。")
    problems.raise_if_any("任职信息")
    village = db.session.get(Village, values["village_id"])
    assert village is not None  # validated
    return _create(step.actor, step.actor_role, values, village, source=process_source(step.instance_id),
                   source_instance_id=decided_by or step.instance_id)[0]


def end_process_posting(step: ProcessStep, row: Posting, ended_on: date) -> None:
    """A handover ends the predecessor's posting on the day it completes, logged like the roster's."""
    if not row.active:
        return
    before = {**posting_snapshot(row), "reason": None}
    row.active, row.term_end = False, ended_on
    record(step.actor, step.actor_role, entity="posting", entity_id=str(row.id), action="end",
           before=before, after={**posting_snapshot(row), "reason": "工作交接完成"},
           source=process_source(step.instance_id))


def _editor(actor: Principal, row: Posting, new_supplier: str | None) -> str:
    village = db.session.get(Village, row.village_id)
    township = village.township_id if village is not None else None
    role = posting_editor(actor, row.role, township, row.supplier_id)
    if new_supplier != row.supplier_id:
        role = posting_editor(actor, row.role, township, new_supplier)
    return role


def end_posting(actor: Principal, posting_id: int, ended_on: Any, reason: Any, *,
                source: str) -> RosterChange | None:
    """End an active posting on `ended_on` for `reason`; ending it again on the same day changes
    nothing. (A replacement's handover ends postings itself; this is for the roster's own record.)"""
    check_source(source)
    require_roster_role(actor)
    row = db.session.get(Posting, posting_id)
    if row is None:
        raise NotFound(f"任职 {posting_id} 不存在。")
    role = _editor(actor, row, row.supplier_id)
    problems = Problems()
    day = problems.day("ended_on", ended_on, row.term_start, today(), required=True)
    problems.text("reason", reason, REASON_MAX)
    if not row.active and day is not None and day != row.term_end:
        problems.add("ended_on", f"该任职已于 {row.term_end} 结束。")
    problems.raise_if_any("结束任职")
    if not row.active:
        return None
    before = {**posting_snapshot(row), "reason": None}
    row.active, row.term_end = False, day
    return record(actor, role, entity="posting", entity_id=str(row.id), action="end", before=before,
                  after={**posting_snapshot(row), "reason": reason}, source=source)
