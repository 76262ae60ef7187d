"""submit_adjustment: unit HR asks for a mid-term replacement (中途调整) of one of its cadres."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from service.commands import attachments
from service.commands.actor import require_grant
from service.commands.core import start_latest
from service.commands.uow import unit_of_work
from service.commands.violations import refuse, unknown
from service.config import get_settings
from service.core.bounds import check_effective_date
from service.core.clock import now
from service.core.principal import Principal
from service.core.text_limits import LONG_TEXT, check_evidence, check_text
from service.persistence.db import db
from service.persistence.models import Cadre, ProcessInstance, Village
from service.queries.cadre_standing import open_request_exists
from service.queries.eligibility import cadre_facts
from workflows.rules import Violation, check_adjustment, violation

PROCESS_KEY = "mid_term_replacement"


def _cadre(cadre_id: str, field: str) -> Cadre:
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None:
        raise unknown(field, "unknown_cadre", f"干部 {cadre_id} 不存在")
    return cadre


def nominee_violations(nominee: Cadre | None, nominee_id: str, unit_id: str | None,
                       cadre_id: str | None, *, role: str | None = None,
                       township_id: str | None = None) -> list[Violation]:
    """Service-side facts about the nominee the engine's rules cannot see (registry, postings).

    The nominee is the dispatch unit's own staff, or, for a team member, the township's own
    cadre (驻村工作队员由乡镇补齐)."""
    if nominee is None:
        return [violation("unknown_nominee", "nominee_id", f"接任人选 {nominee_id} 不存在")]
    out = []
    # Cadre.postings is loaded with the cadre (selectin): no query of its own
    if nominee.id != cadre_id and nominee.active_postings:
        out.append(violation("nominee_already_posted", "nominee_id", "接任人选已在其他村任职"))
    township_supplied = role == "team_member" and township_id is not None and nominee.unit_id == township_id
    if nominee.unit_id != unit_id and not township_supplied:
        # 不得层层下派: the dispatch unit sends its own staff, not another unit's.
        out.append(violation("nominee_other_unit", "nominee_id",
                             "接任人选须为本派出单位人员（驻村工作队员也可由所在乡镇补齐）"
                             if role == "team_member" else "接任人选须为本派出单位人员"))
    return out


def submit_adjustment(actor: Principal, payload: dict[str, Any],
                      respond: Callable[[ProcessInstance], None] | None = None,
                      files: Sequence[attachments.NewFile] = ()) -> ProcessInstance:
    """`respond(row)`, when given, runs inside the transaction just before the commit: a response
    built there from the rows the command holds needs no second transaction to read them again.
    `payload["attachments"]`: ids of the submitter's pending uploads; `files`: new files that
    the request brings itself (a page's form). Both become the request's attachments."""
    at = now()
    check_text("justification", payload.get("justification"), LONG_TEXT)
    check_evidence("evidence", payload.get("evidence"))
    check_effective_date("effective_date", payload["effective_date"], at.astimezone(get_settings().tz).date())
    new_files = attachments.check_new_files(files)
    with unit_of_work():
        cadre = _cadre(payload["cadre_id"], "cadre_id")
        grant = require_grant(actor, "unit_hr", cadre.unit_id, "为其他派出单位的干部提出调整")
        village = db.session.get(Village, payload["village_id"])
        if village is None:
            raise unknown("village_id", "unknown_village", f"村 {payload['village_id']} 不存在")
        role = payload["role"]
        violations: list[Violation] = []
        posting = max((p for p in cadre.active_postings if p.village_id == village.id and p.role == role),
                      key=lambda p: p.term_start, default=None)  # active_posting(), on the loaded postings
        if posting is None:
            violations.append(violation("cadre_not_posted", "village_id",
                                        "该干部当前未以该岗位在该村任职"))
        if open_request_exists(PROCESS_KEY, cadre.id):
            violations.append(violation("duplicate_open_request", "cadre_id",
                                        "该干部已有正在办理的调整申请"))
        nominee = db.session.get(Cadre, payload["nominee_id"])
        violations += nominee_violations(nominee, payload["nominee_id"], cadre.unit_id, cadre.id,
                                         role=role, township_id=village.township_id)
        effective: date = payload["effective_date"]
        data = {
            "cadre_id": cadre.id, "cadre_name": cadre.name, "village_id": village.id,
            "village_name": village.name, "village_category": village.category,
            "village_categories": village.categories,
            "township_id": village.township_id, "unit_id": cadre.unit_id, "role": role,
            "term_start": (posting.term_start if posting else at.date()).isoformat(),
            "planned_end": posting.planned_end.isoformat() if posting and posting.planned_end else None,
            "reason": payload["reason"], "justification": payload.get("justification") or "",
            "nominee_id": payload["nominee_id"], "nominee_name": nominee.name if nominee else None,
            "nominee_facts": cadre_facts(nominee) if nominee else {},
            "effective_date": effective.isoformat(), "evidence": list(payload.get("evidence") or []),
            "submitter": actor.login,
        }
        rule_checks = check_adjustment(data)
        if posting is None:  # the term rule is meaningless without the posting
            rule_checks = [v for v in rule_checks if v["field"] != "term_start"]
        refuse(violations + rule_checks)
        enclosed = attachments.enclose_at_start(actor, payload.get("attachments") or [], new_files, data, at)
        row = start_latest(PROCESS_KEY, data, at, actor=actor, grant=grant,
                           business_key=f"{PROCESS_KEY}:{cadre.id}:{effective.isoformat()}",
                           submitter=actor.login)
        enclosed.bind(instance_id=row.id, task_id=None, event_seq=1, at=at)  # the start event
        if respond is not None:
            respond(row)
    return row
