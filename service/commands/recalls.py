"""open_recall: the Organization Department, the RRB or the county opens a recall case (召回)."""

from __future__ import annotations

from typing import Any

from service.commands import attachments
from service.commands.actor import first_grant
from service.commands.adjustments import _cadre
from service.commands.core import start_latest
from service.commands.recall_start import PROCESS_KEY, recall_data
from service.commands.uow import unit_of_work
from service.commands.violations import refuse
from service.core.clock import now
from service.core.errors import Forbidden
from service.core.principal import Principal
from service.core.text_limits import LONG_TEXT, check_evidence, check_text
from service.persistence.models import ProcessInstance
from service.queries.cadre_standing import active_posting, open_request_exists
from workflows.rules import violation

RECALL_ROLES = ("org_dept", "rrb", "county")


def open_recall(actor: Principal, payload: dict[str, Any]) -> ProcessInstance:
    at = now()
    grant = first_grant(actor, *RECALL_ROLES)
    if grant is None:
        raise Forbidden("只有县委组织部、县乡村振兴局或县驻村工作领导小组可以启动召回。")
    check_text("finding", payload.get("finding"), LONG_TEXT)
    check_evidence("evidence", payload.get("evidence"))
    with unit_of_work():
        cadre = _cadre(payload["cadre_id"], "cadre_id")
        posting = active_posting(cadre.id)
        violations = []
        if posting is None:
            violations.append(violation("cadre_not_posted", "cadre_id", "该干部当前未在村任职"))
        if open_request_exists(PROCESS_KEY, cadre.id):
            violations.append(violation("duplicate_open_request", "cadre_id", "该干部已有正在办理的召回案件"))
        refuse(violations, detail="无法启动召回。")
        assert posting is not None  # refuse() raised cadre_not_posted otherwise
        data = recall_data(cadre, posting, payload["source"], payload["finding"],
                           list(payload.get("evidence") or []), actor.login)
        enclosed = attachments.enclose_at_start(actor, payload.get("attachments") or [], [], data, at)
        row = start_latest(PROCESS_KEY, data, at, actor=actor, grant=grant,
                           business_key=f"{PROCESS_KEY}:{cadre.id}:{at.date().isoformat()}",
                           submitter=actor.login)
        enclosed.bind(instance_id=row.id, task_id=None, event_seq=1, at=at)  # the start event
        return row
