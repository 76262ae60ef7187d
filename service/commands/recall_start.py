"""The start of a recall case's data, and the recall a 不称职 assessment grade opens (the reaction
to the assessment's `recall_requested`, commands.reactions). No unit of work here: it runs inside
the grading command's."""

from __future__ import annotations

from typing import Any

from service.commands.core import start_latest
from service.commands.outbox import Reported
from service.commands.suppliers import supplier_role
from service.core.labels import ASSESSMENT_KIND_NAMES
from service.core.text_limits import LONG_TEXT
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, ProcessInstance, Village
from service.queries.assessments.keys import recall_business_key
from service.queries.cadre_standing import active_posting, open_request_exists

PROCESS_KEY = "recall"
RECALL_MESSAGE = "recall_requested"
# The start data field naming the organisation whose unit HR or township rectifies and nominates.
SUPPLIER_FIELD = "supplier_id"


def recall_data(cadre: Cadre, posting: Posting, source: str, finding: str, evidence: list[str],
                opened_by: str) -> dict[str, Any]:
    """A recall's start data. The recalled cadre's supplier (commands/suppliers.py) rectifies and
    nominates the successor: `supplier_role` and `supplier_id` route and scope both steps."""
    village = db.session.get_one(Village, posting.village_id)
    supplier = supplier_role(cadre.id, posting.supplier_id, cadre.unit_id)
    own = db.session.get(Org, cadre.unit_id)
    return {
        "cadre_id": cadre.id, "cadre_name": cadre.name, "role": posting.role,
        "village_id": village.id, "village_name": village.name, "township_id": village.township_id,
        # the dispatch unit follows its own cadre's case; a township's own cadre has none
        "unit_id": cadre.unit_id if own is None or own.kind != "township" else None,
        "supplier_role": supplier.role, SUPPLIER_FIELD: supplier.org_id,
        "source": source, "finding": finding, "evidence": evidence, "opened_by": opened_by,
    }


def start_recall_for_assessment(reported: Reported, payload: object) -> ProcessInstance | None:
    """A 不称职 grade (对工作不胜任不尽职的驻村干部，进行召回和问责): the recall case starts in the
    grade's own transaction, by the county member who graded, with the assessment as its finding
    and evidence (`source_instance_id` links the two). None when the cadre is no longer posted or
    a recall of them is already open (the assessment's result says which)."""
    if not isinstance(payload, dict):
        return None
    cadre = db.session.get(Cadre, str(payload.get("cadre_id")))
    posting = active_posting(cadre.id) if cadre is not None else None
    if cadre is None or posting is None or open_request_exists(PROCESS_KEY, cadre.id):
        return None
    assessment, data = reported.row, reported.data
    kind = ASSESSMENT_KIND_NAMES.get(str(data.get("kind")), "考核")
    title = f"{data.get('year')}年度考核" if data.get("kind") == "annual" else kind
    reason = str(reported.comment or "").strip()
    finding = f"{title}被县驻村工作领导小组确定为不称职等次" + (f"：{reason}" if reason else "。")
    summary = str(data.get("summary") or "").strip()
    evidence = [f"{title}结果：不称职（{reported.actor.display_name}，{reported.at.date().isoformat()}）",
                f"{kind}流程编号 {assessment.id}"]
    if summary:
        evidence.append(f"本人述职：{summary[:150]}")
    recall = {**recall_data(cadre, posting, "assessment", finding[:LONG_TEXT], evidence,
                            reported.actor.login),
              "source_instance_id": assessment.id}
    return start_latest(PROCESS_KEY, recall, reported.at, actor=reported.actor, grant=reported.grant,
                        business_key=recall_business_key(assessment.id), submitter=reported.actor.login)
