"""Who acts for the organisation that supplies a stationed cadre: a dispatch unit's HR, or the
township for a team member it supplies itself (驻村工作队员由乡镇补齐).

The steps that belong to a cadre's supplier (a handover's Party relation transfer, a recall's
rectification and nomination of a successor) go to this role, scoped by this organisation's id.
Sending them to "the dispatch unit" alone strands every case of a township's own team member: no
unit's HR holds a township's id, so nobody could act.

Processes read the answer from their start data and route on the role; a version deployed before
it had the township's step cannot reach the township, which `latest_version_reaches` tells.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from service.core.principal import SCOPE_KIND_BY_ROLE
from service.persistence.db import db
from service.persistence.models import Cadre, Org
from service.persistence.runtime import definition_of, latest_definition_row

# The role that acts for each kind of supplying organisation.
ROLE_BY_SUPPLIER_KIND = {"dispatch_unit": "unit_hr", "township": "township"}


class SupplierRole(NamedTuple):
    role: str  # unit_hr | township
    org_id: str | None  # the unit or the township it acts for


def supplier_role(cadre_id: object, supplier_id: object = None,
                  fallback_unit_id: object = None) -> SupplierRole:
    """The role acting for the supplier of `cadre_id` and the organisation it acts for.

    The supplier is `supplier_id` when the caller knows it (a posting's supplier), else the
    cadre's own organisation. A supplier that is unknown, or neither a dispatch unit nor a
    township, leaves the step with the HR of `fallback_unit_id` (the case's dispatch unit)."""
    if supplier_id:
        stmt = sa.select(Org.id, Org.kind).where(Org.id == str(supplier_id))
    else:
        stmt = (sa.select(Org.id, Org.kind).join(Cadre, Cadre.unit_id == Org.id)
                .where(Cadre.id == str(cadre_id or "")))
    found = db.session.execute(stmt).first()
    role = ROLE_BY_SUPPLIER_KIND.get(found.kind) if found is not None else None
    if found is None or role is None:
        return SupplierRole("unit_hr", None if fallback_unit_id is None else str(fallback_unit_id))
    return SupplierRole(role, found.id)


def latest_version_reaches(process_key: str, role: str, org_field: str) -> bool:
    """Whether the latest deployed version of `process_key` has a step for `role` scoped by the
    start data field `org_field` (e.g. `township:supplier_id`). A version from before the
    township's step was added has none, and a case of the township's on it would wait for a
    unit's HR nobody holds."""
    scope = f"{SCOPE_KIND_BY_ROLE[role]}:{org_field}"
    spec = definition_of(latest_definition_row(process_key)).spec
    return any((getattr(ts, "extensions", None) or {}).get("candidateGroups") == role
               and (ts.extensions or {}).get("scope") == scope
               for ts in spec.task_specs.values())
