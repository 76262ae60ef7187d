"""Who records which support (seed 四（二）).

The county buys every stationed cadre's accident insurance (县级统一为全县选派的驻村第一书记和工作队员
办理): the county bodies record it. What the dispatching organisation pays (派出单位可利用公用经费…):
transport, living and phone allowances, the yearly health check, is recorded by that organisation,
the cadre's own: a unit's HR for its cadres, a township for its own staff it supplies as team
members. Nobody else records anything; the county reads everything.
"""

from __future__ import annotations

from service.commands.violations import unknown
from service.core.errors import Forbidden
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import Cadre
from service.queries.access import acting_grant

COUNTY_RECORDERS = ("county", "org_dept", "rrb")
UNIT_RECORDERS = ("unit_hr", "township")


def insurance_grant(actor: Principal) -> Grant:
    """The grant under which the actor records the county's insurance, else 403 (asked first)."""
    grant = next((g for g in actor.grants if g.role in COUNTY_RECORDERS), None)
    if grant is None:
        raise Forbidden("无权登记人身意外伤害保险：保险由县级统一办理，只有县驻村工作领导小组、"
                        "县委组织部和县乡村振兴局可以登记。")
    return grant


def require_unit_recorder(actor: Principal, what: str) -> None:
    """Refuse at once whoever records no unit-paid support, before the input is read."""
    if not actor.has_role(*UNIT_RECORDERS):
        raise Forbidden(f"无权登记{what}：由干部所在的派出单位（人事部门）或选派队员的乡镇登记。")


def cadre_of(cadre_id: str, field: str = "cadre_id") -> Cadre:
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None:
        raise unknown(field, "unknown_cadre", f"干部 {cadre_id} 不存在")
    return cadre


def unit_grant(actor: Principal, cadre: Cadre, what: str) -> Grant:
    """The grant under which the actor records `what` for the cadre: their own organisation's."""
    for role in UNIT_RECORDERS:
        grant = acting_grant(actor, role, cadre.unit_id)
        if grant is not None:
            return grant
    raise Forbidden(f"无权登记该干部的{what}：派出单位（人事部门）只能登记本单位干部的，"
                    "乡镇只能登记本乡镇选派的干部的。")
