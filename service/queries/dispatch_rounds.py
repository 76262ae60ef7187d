"""A dispatch round's progress per village and role, read from the round's dispatch instances.

Every dispatch started for the round has a business key `dispatch:<round>:<village>:<role>:...`
(commands.dispatches), so one query finds them all. A caller sees every village's state; the
nominee's name and the instance only where the access policy lets it see the instance.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.labels import POSTING_ROLE_NAMES, VILLAGE_CATEGORY_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, DispatchRound, HumanTask, Org, Posting, ProcessInstance, Village
from service.queries.access import can_see_instance
from workflows.rules import WORK_TEAM_CATEGORIES

DISPATCH = "dispatch"
STATE_NAMES = {"none": "未提名", "running": "办理中", "handover": "已备案，交接中", "posted": "已任职",
               "rejected": "未通过", "withdrawn": "已撤回", "terminated": "已终止", "error": "出错"}


def get_round(round_id: str) -> DispatchRound:
    found = db.session.get(DispatchRound, round_id)
    if found is None:
        raise NotFound(f"选派批次 {round_id} 不存在。")
    return found


def roles_for(village: Village, roles: list[Any]) -> list[str]:
    """The round's roles this village takes: team members only where it has a work team."""
    team = bool(set(village.categories) & WORK_TEAM_CATEGORIES)
    return [str(r) for r in roles if r == "first_secretary" or team]


def _entry(principal: Principal, row: ProcessInstance, open_steps: dict[str, list[str]],
           posted: set[str], names: dict[str, str]) -> dict[str, Any]:
    state = row.status
    if row.status == "completed":  # approved: posted, or (a rotation) waiting for its handover
        state = "posted" if row.id in posted else "handover"
    visible = can_see_instance(principal, row)
    steps = open_steps.get(row.id, [])
    return {
        "instance_id": row.id if visible else None, "state": state,
        "state_name": STATE_NAMES.get(state, state) + (f"：{'、'.join(steps)}" if steps else ""),
        "steps": steps, "cadre_id": row.cadre_id if visible else None,
        "cadre_name": names.get(row.cadre_id or "") if visible else None,
        "rotation": row.old_cadre_id is not None, "created_at": row.created_at,
    }


def round_progress(principal: Principal, found: DispatchRound) -> dict[str, Any]:
    villages = {v.id: v for v in db.session.execute(
        sa.select(Village).where(Village.id.in_(found.village_ids))).scalars()}
    townships = dict(db.session.execute(sa.select(Org.id, Org.name).where(
        Org.id.in_({v.township_id for v in villages.values()}))).all()) if villages else {}
    rows = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state)).where(
        ProcessInstance.process_key == DISPATCH,
        ProcessInstance.business_key.like(f"{DISPATCH}:{found.id}:%")).order_by(
        ProcessInstance.created_at, ProcessInstance.id)).scalars().all()
    ids = [r.id for r in rows]
    open_steps: dict[str, list[str]] = {}
    for task in db.session.execute(sa.select(HumanTask).where(
            HumanTask.instance_id.in_(ids), HumanTask.status == "open")).scalars() if ids else ():
        open_steps.setdefault(task.instance_id, []).append(task.name)
    posted = {i for i in db.session.execute(sa.select(Posting.source_instance_id).where(
        Posting.source_instance_id.in_(ids))).scalars() if i is not None} if ids else set()
    names = dict(db.session.execute(sa.select(Cadre.id, Cadre.name).where(
        Cadre.id.in_({r.cadre_id for r in rows if r.cadre_id}))).all()) if rows else {}
    by_place: dict[tuple[str, str], list[ProcessInstance]] = {}
    for row in rows:
        parts = (row.business_key or "").split(":")
        if len(parts) >= 4:
            by_place.setdefault((parts[2], parts[3]), []).append(row)
    items = []
    for village_id in found.village_ids:
        village = villages.get(village_id)
        if village is None:
            continue
        for role in roles_for(village, found.roles):
            entries = [_entry(principal, r, open_steps, posted, names)
                       for r in by_place.get((village_id, role), [])]
            latest = entries[-1] if entries else None
            items.append({
                "village_id": village.id, "village_name": village.name,
                "township_id": village.township_id, "township_name": townships.get(village.township_id),
                "categories": village.categories,
                "category_names": [VILLAGE_CATEGORY_NAMES.get(c, c) for c in village.categories],
                "role": role, "role_name": POSTING_ROLE_NAMES.get(role, role),
                "state": latest["state"] if latest else "none",
                "state_name": latest["state_name"] if latest else STATE_NAMES["none"],
                "dispatches": entries,
            })
    done = sum(1 for i in items if i["state"] == "posted")
    return {
        "id": found.id, "name": found.name, "term_start": found.term_start, "term_end": found.term_end,
        "roles": list(found.roles), "village_ids": list(found.village_ids), "created_by": found.created_by,
        "created_at": found.created_at, "items": items,
        "summary": {"places": len(items), "posted": done,
                    "open": sum(1 for i in items if i["state"] in ("running", "handover")),
                    "not_nominated": sum(1 for i in items if i["state"] == "none")},
    }
