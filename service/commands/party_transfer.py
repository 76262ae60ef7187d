"""Who confirms a handover's Party relation transfer (党组织关系转接确认).

The relation that moves is the new cadre's: a stationed cadre's Party relation goes to the village
(seed 三（三）"党组织关系转至所驻村", domain rule 6), so it is released by the organisation that
holds it, the one that supplies the new cadre. That is a dispatch unit, whose HR confirms, or, for a
team member the township supplies itself (驻村工作队员由乡镇补齐), the township. The outgoing
cadre's organisation does not decide it: in a mixed term-end rotation (a unit's cadre followed by
the township's, or the other way round) the step goes to the incoming cadre's side.

The answer goes into the handover's start data (`party_transfer_role`, `party_transfer_org_id`);
bpmn/handover.bpmn routes the step by the role and scopes it by the id, so the inbox, the holders
and the access rules read it like any other task. A replacement's or a recall's successor is the
dispatch unit's own staff or the township's, so one rule covers every handover.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from service.core.principal import SCOPE_KIND_BY_ROLE
from service.persistence.db import db
from service.persistence.models import Cadre, Org
from workflows.definitions import Definition

# The role that confirms the transfer for each kind of supplying organisation.
ROLE_BY_SUPPLIER_KIND = {"dispatch_unit": "unit_hr", "township": "township"}


def party_transfer(payload: Mapping[str, Any]) -> dict[str, str | None]:
    """`party_transfer_role` and `party_transfer_org_id` for a handover's start data.

    The supplier is the new posting's (`posting_supplier_id`, a rotation's), else the new cadre's
    organisation. Without a known supplier the step stays with the dispatch unit of the case
    (`unit_id`), as before there was a choice."""
    supplier_id = payload.get("posting_supplier_id")
    if supplier_id:
        stmt = sa.select(Org.id, Org.kind).where(Org.id == str(supplier_id))
    else:
        stmt = (sa.select(Org.id, Org.kind).join(Cadre, Cadre.unit_id == Org.id)
                .where(Cadre.id == str(payload.get("new_cadre_id") or "")))
    found = db.session.execute(stmt).first()
    role = ROLE_BY_SUPPLIER_KIND.get(found.kind) if found is not None else None
    if found is None or role is None:
        unit_id = payload.get("unit_id")
        return {"party_transfer_role": "unit_hr",
                "party_transfer_org_id": None if unit_id is None else str(unit_id)}
    return {"party_transfer_role": role, "party_transfer_org_id": found.id}


def routes_party_transfer_to(definition: Definition, role: str) -> bool:
    """Whether a handover version has the Party relation step for `role`, scoped by
    `party_transfer_org_id`. Versions deployed before the township's step have the unit HR's
    only, scoped by `unit_id`: a handover on one of them cannot reach the township."""
    scope = f"{SCOPE_KIND_BY_ROLE[role]}:party_transfer_org_id"
    return any((getattr(ts, "extensions", None) or {}).get("candidateGroups") == role
               and (ts.extensions or {}).get("scope") == scope
               for ts in definition.spec.task_specs.values())
