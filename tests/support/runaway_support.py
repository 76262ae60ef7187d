"""BPMN variants for the runaway-definition tests (imported by name: test dirs are not packages)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from timer_helpers import who

from service import commands
from service.persistence.db import db
from service.persistence.models import ProcessDefinition

BUNDLED = Path(__file__).resolve().parents[2] / "bpmn" / "mid_term_replacement.bpmn"
APPROVE_CONDITION = b'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve"'
# The township's approval now also counts to 8.1e9: a condition that would hold the request for hours.
RUNAWAY_CONDITION = (b'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve" and '
                     b'len([1 for i in range(90000) for j in range(90000)]) &gt; 0')
REMINDER = (b'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">deadline_approval_reminder'
            b'</bpmn:timeDuration>')
SPINNING_REMINDER = b'<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R/PT0S"</bpmn:timeCycle>'


def variant(old: bytes, new: bytes) -> bytes:
    xml = BUNDLED.read_bytes()
    assert old in xml
    return xml.replace(old, new, 1)


def deploy_runaway_condition() -> None:
    """A new version of mid_term_replacement whose township approval runs away."""
    xml = variant(APPROVE_CONDITION, RUNAWAY_CONDITION)
    commands.deploy(who("admin"), {"mid_term_replacement.bpmn": xml})


def store_pre_rule_version(xml: bytes) -> None:
    """A version as deployed before the cycle rule existed: stored as is, never validated anew."""
    latest = db.session.execute(sa.select(sa.func.max(ProcessDefinition.version)).where(
        ProcessDefinition.key == "mid_term_replacement")).scalar()
    db.session.add(ProcessDefinition(key="mid_term_replacement", version=latest + 1, name="旧版",
                                     content_hash=f"sha256:old-{latest}", files={"m.bpmn": xml.decode()},
                                     deployed_by="admin"))
    db.session.commit()
