"""start_dispatch: nominate a cadre for a village and role (选派), or for a term-end rotation (期满轮换).

The nominator is the cadre's own organisation: a dispatch unit's HR (first secretaries, and team
members of its own), or the township for a team member it supplies itself (驻村工作队员由乡镇补齐),
which then also counts as the township's consent. What the engine's rules cannot see (who is
posted where, open cases, the round) is checked here; the rules themselves (check_dispatch) run
here first, so a bad nomination is a 422 and never an instance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.actor import require_grant
from service.commands.core import start_latest
from service.commands.handover import handover_reaches
from service.commands.placement import posting_conflicts
from service.commands.uow import unit_of_work
from service.commands.violations import refuse, unknown
from service.config import get_settings
from service.core.clock import now
from service.core.errors import Conflict, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import (
    OPEN_STATUSES,
    Cadre,
    DispatchRound,
    Org,
    Posting,
    ProcessInstance,
    Village,
)
from service.queries.cadre_standing import active_posting
from service.queries.eligibility import cadre_facts
from workflows.rules import WORK_TEAM_CATEGORIES, Violation, check_dispatch, default_planned_end, violation

PROCESS_KEY = "dispatch"


def round_business_prefix(round_id: str) -> str:
    """The business keys of a round's dispatches start with this (the round reads its progress)."""
    return f"{PROCESS_KEY}:{round_id}:"


def _found(model: type, key: str | None, field: str, what: str) -> Any:
    row = db.session.get(model, key) if key else None
    if row is None:
        code = "unknown_" + field.removesuffix("_id")
        raise unknown(field, code, f"{what} {key} 不存在")
    return row


def _open_dispatch(column: Any, value: str) -> bool:
    return db.session.execute(sa.select(ProcessInstance.id).where(
        ProcessInstance.process_key == PROCESS_KEY, ProcessInstance.status.in_(OPEN_STATUSES),
        column == value).limit(1)).first() is not None


def _round(payload: dict[str, Any], village: Village, role: str) -> DispatchRound | None:
    round_id = payload.get("round_id")
    if not round_id:
        return None
    found: DispatchRound = _found(DispatchRound, round_id, "round_id", "选派批次")
    violations: list[Violation] = []
    if village.id not in found.village_ids:
        violations.append(violation("village_not_in_round", "village_id", f"{village.name}不在该选派批次内"))
    if role not in found.roles:
        violations.append(violation("role_not_in_round", "role", "该选派批次不选派此岗位"))
    refuse(violations, "提名不属于该选派批次。")
    return found


def _nominator(actor: Principal, cadre: Cadre) -> tuple[Any, bool]:
    """(grant, nominated by the township): who nominates, checked against the caller (403). Whom
    a township may supply (team members of its own villages) is a placement rule."""
    supplier = db.session.get(Org, cadre.unit_id)
    if supplier is not None and supplier.kind == "township":
        return require_grant(actor, "township", cadre.unit_id, "提名其他乡镇的干部"), True
    return require_grant(actor, "unit_hr", cadre.unit_id, "提名其他派出单位的干部"), False


def _rotation(payload: dict[str, Any], village: Village, role: str) -> tuple[Posting | None, list[Violation]]:
    predecessor_id = payload.get("predecessor_cadre_id")
    if not predecessor_id:
        return None, []
    _found(Cadre, predecessor_id, "predecessor_cadre_id", "期满干部")
    posting = active_posting(predecessor_id, village.id, role)
    out: list[Violation] = []
    if posting is None:
        out.append(violation("predecessor_not_posted", "predecessor_cadre_id",
                             "期满干部当前未以该岗位在该村任职"))
    if _open_dispatch(ProcessInstance.old_cadre_id, predecessor_id):
        out.append(violation("duplicate_open_rotation", "predecessor_cadre_id",
                             "该干部已有正在办理的期满轮换"))
    return posting, out


def dispatch_data(actor: Principal, cadre: Cadre, village: Village, role: str, term_start: date,
                  planned_end: date, *, nominated_by_township: bool, predecessor: Posting | None,
                  round_id: str | None) -> dict[str, Any]:
    facts = cadre_facts(cadre)
    categories = village.categories
    supplier_is_unit = facts["supplier_kind"] == "dispatch_unit"
    unit_id = cadre.unit_id if supplier_is_unit else None
    if predecessor is not None and unit_id is None:
        # Access only: the unit whose cadre leaves follows the rotation and its handover. Who
        # confirms the Party relation transfer is the incoming cadre's supplier
        # (commands/party_transfer.py). Both cadres the township's: no unit at all.
        unit_id = _unit_of(predecessor.cadre_id)
    return {
        "village_id": village.id, "village_name": village.name, "village_category": village.category,
        "village_categories": categories, "township_id": village.township_id, "role": role,
        "cadre_id": cadre.id, "cadre_name": cadre.name, "nominee_facts": facts,
        "supplier_id": cadre.unit_id, "unit_id": unit_id,
        "term_start": term_start.isoformat(), "planned_end": planned_end.isoformat(),
        # 工作队队长由第一书记兼任: only where the village has a work team.
        "leads_team": role == "first_secretary" and bool(set(categories) & WORK_TEAM_CATEGORIES),
        "predecessor_cadre_id": predecessor.cadre_id if predecessor is not None else None,
        "predecessor_name": predecessor.cadre.name if predecessor is not None else None,
        "round_id": round_id, "nominated_by_township": nominated_by_township, "submitter": actor.login,
    }


def placement_check(data: dict[str, Any]) -> list[Violation]:
    """The placement rules of a nomination: the same as every posting's (the roster's too), with
    the same look-up of active postings; a rotation's predecessor stays in post until the
    handover completes. Then the dispatch's own rules (the nominee's eligibility, the term)."""
    return posting_conflicts(data["cadre_id"], data["village_id"], data["role"],
                             succeeding=data.get("predecessor_cadre_id")) + check_dispatch(data)


def _unit_of(cadre_id: str) -> str | None:
    cadre = db.session.get(Cadre, cadre_id)
    unit = db.session.get(Org, cadre.unit_id) if cadre is not None else None
    return unit.id if unit is not None and unit.kind == "dispatch_unit" else None


def _require_township_handover() -> None:
    """A rotation whose incoming member the township supplies hands the Party relation transfer
    to the township (commands/party_transfer.py): the deployed handover must have that step,
    or the handover would wait for a unit's HR nobody holds. Refused before anything starts."""
    if not handover_reaches("township"):
        detail = ("已部署的工作交接流程版本没有由乡镇确认党组织关系转接的环节，乡镇补齐的工作队员暂不能"
                  "期满轮换：请系统管理员先部署新版工作交接流程（cadreflow deploy bpmn）。")
        raise Conflict(detail, errors={"predecessor_cadre_id": [detail]}, slug="handover-version-outdated")


def start_dispatch(actor: Principal, payload: dict[str, Any],
                   respond: Callable[[ProcessInstance], None] | None = None) -> ProcessInstance:
    """`payload`: village_id, role, cadre_id, term_start (date; a round's by default), planned_end
    (date; default the round's, else the roster's default, workflows.rules.default_planned_end),
    predecessor_cadre_id, round_id."""
    at = now()
    with unit_of_work():
        village: Village = _found(Village, payload.get("village_id"), "village_id", "村")
        cadre: Cadre = _found(Cadre, payload.get("cadre_id"), "cadre_id", "干部")
        role = payload["role"]
        grant, by_township = _nominator(actor, cadre)
        found_round = _round(payload, village, role)
        term_start = payload.get("term_start") or (found_round.term_start if found_round else None)
        if term_start is None:
            raise ValidationFailed("缺少任期开始日期。", errors={"term_start": ["请填写任期开始日期。"]})
        planned_end = payload.get("planned_end") or (
            found_round.term_end if found_round else default_planned_end(term_start))
        predecessor, violations = _rotation(payload, village, role)
        if _open_dispatch(ProcessInstance.cadre_id, cadre.id):
            violations.append(violation("duplicate_open_dispatch", "cadre_id", "该干部已有正在办理的选派"))
        data = dispatch_data(actor, cadre, village, role, term_start, planned_end,
                             nominated_by_township=by_township, predecessor=predecessor,
                             round_id=found_round.id if found_round else None)
        if payload.get("predecessor_cadre_id") and data["predecessor_cadre_id"] is None:
            data["predecessor_cadre_id"] = payload["predecessor_cadre_id"]  # the rules name it too
        refuse(violations + placement_check(data), detail="选派不符合驻村工作规定。")
        if data["predecessor_cadre_id"] and data["nominee_facts"]["supplier_kind"] == "township":
            _require_township_handover()
        prefix = round_business_prefix(found_round.id) if found_round else f"{PROCESS_KEY}:"
        local_day = at.astimezone(get_settings().tz).date().isoformat()
        row = start_latest(PROCESS_KEY, data, at, actor=actor, grant=grant,
                           business_key=f"{prefix}{village.id}:{role}:{cadre.id}:{local_day}",
                           submitter=actor.login)
        if respond is not None:
            respond(row)
    return row
