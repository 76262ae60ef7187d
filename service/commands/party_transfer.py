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
dispatch unit's own staff or the township's, so one rule covers every handover. The supplier and
its acting role are chosen as for a recall's rectification and nomination (commands/suppliers.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.commands.suppliers import supplier_role

# The start data field naming the organisation whose unit HR or township confirms the transfer.
PARTY_TRANSFER_ORG = "party_transfer_org_id"


def party_transfer(payload: Mapping[str, Any]) -> dict[str, str | None]:
    """`party_transfer_role` and `party_transfer_org_id` for a handover's start data.

    The supplier is the new posting's (`posting_supplier_id`, a rotation's), else the new cadre's
    organisation. Without a known supplier the step stays with the dispatch unit of the case
    (`unit_id`), as before there was a choice."""
    found = supplier_role(payload.get("new_cadre_id"), payload.get("posting_supplier_id"),
                          payload.get("unit_id"))
    return {"party_transfer_role": found.role, "party_transfer_org_id": found.org_id}

