"""open_recall: the Organization Department, the RRB or the county opens a recall case (召回).

The recalled cadre's supplier rectifies (限期整改) and nominates the successor (提名接任人选): a
dispatch unit's HR, or the township for a team member it supplies itself (驻村工作队员由乡镇补齐).
The posting names the supplier, else the cadre's organisation does (commands/suppliers.py); the
start data carries it as `supplier_role` and `supplier_id`, on which bpmn/recall.bpmn routes and
scopes both steps.
"""

from __future__ import annotations

from typing import Any

from service.commands import attachments
from service.commands.actor import first_grant
from service.commands.adjustments import _cadre
from service.commands.core import start_latest
from service.commands.handover import handover_reaches
from service.commands.recall_start import PROCESS_KEY, SUPPLIER_FIELD, recall_data
from service.commands.suppliers import latest_version_reaches
from service.commands.uow import unit_of_work
from service.commands.violations import refuse
from service.core.clock import now
from service.core.errors import Conflict, Forbidden
from service.core.principal import Principal
from service.core.text_limits import LONG_TEXT, check_evidence, check_text
from service.persistence.models import ProcessInstance
from service.queries.cadre_standing import active_posting, open_request_exists
from workflows.rules import violation

RECALL_ROLES = ("org_dept", "rrb", "county")


def _require_township_steps() -> None:
    """A township's own team member is rectified and replaced by the township, and their successor
    (the township's cadre too) has the township confirm the Party relation transfer. Versions of
    `recall` or `handover` deployed before those steps would wait for a unit's HR nobody holds:
    refused before anything starts, naming the cure."""
    cure = "请系统管理员先部署新版流程（cadreflow deploy bpmn）。"
    if not latest_version_reaches(PROCESS_KEY, "township", SUPPLIER_FIELD):
        detail = ("已部署的召回流程版本没有由乡镇整改和提名接任人选的环节，乡镇补齐的工作队员暂不能"
                  "召回：" + cure)
        raise Conflict(detail, errors={"cadre_id": [detail]}, slug="recall-version-outdated")
    if not handover_reaches("township"):
        detail = ("已部署的工作交接流程版本没有由乡镇确认党组织关系转接的环节，乡镇补齐的工作队员暂不能"
                  "召回：" + cure)
        raise Conflict(detail, errors={"cadre_id": [detail]}, slug="handover-version-outdated")


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
        if data["supplier_role"] == "township":
            _require_township_steps()
        enclosed = attachments.enclose_at_start(actor, payload.get("attachments") or [], [], data, at)
        row = start_latest(PROCESS_KEY, data, at, actor=actor, grant=grant,
                           business_key=f"{PROCESS_KEY}:{cadre.id}:{at.date().isoformat()}",
                           submitter=actor.login)
        enclosed.bind(instance_id=row.id, task_id=None, event_seq=1, at=at)  # the start event
        return row
