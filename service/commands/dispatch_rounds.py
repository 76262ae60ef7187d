"""create_round: the county (leading group or Organization Department) opens a dispatch round
(选派批次): a term period, the villages (listed, or by township and category) and the roles.

Each village's nomination is then a dispatch started by its nominator from the round's page
(start_dispatch with round_id): the round itself holds no per-village state.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.uow import unit_of_work
from service.commands.violations import refuse
from service.core.clock import now
from service.core.errors import Forbidden, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import DispatchRound, Village, VillageCategory
from workflows.rules import ROLES, minimum_term_end, violation

ROUND_ROLES = ("county", "org_dept")


def _villages(payload: dict[str, Any]) -> list[str]:
    ids = payload.get("village_ids") or []
    if ids:
        known = set(db.session.execute(sa.select(Village.id).where(Village.id.in_(ids))).scalars())
        unknown = [v for v in ids if v not in known]
        if unknown:
            refuse([violation("unknown_village", "village_ids", f"村 {v} 不存在") for v in unknown],
                   "村不存在。")
        return list(dict.fromkeys(ids))
    stmt = sa.select(Village.id).order_by(Village.id)
    if payload.get("township_id"):
        stmt = stmt.where(Village.township_id == payload["township_id"])
    if payload.get("categories"):
        stmt = stmt.where(Village.id.in_(sa.select(VillageCategory.village_id).where(
            VillageCategory.category.in_(payload["categories"]))))
    found = list(db.session.execute(stmt).scalars())
    if not found:
        refuse([violation("no_villages", "village_ids", "请列出村，或给出能选中村的乡镇、类别")],
               "没有符合条件的村。")
    return found


def create_round(actor: Principal, payload: dict[str, Any]) -> DispatchRound:
    """`payload`: term_start, term_end (dates), roles, and village_ids or township_id/categories."""
    at = now()
    term_start: date = payload["term_start"]
    term_end: date = payload["term_end"]
    if term_end < minimum_term_end(term_start):
        raise ValidationFailed("驻村任期不少于 2 年。", errors={"term_end": [
            f"planned_term_under_2_years: 计划期满日不得早于 {minimum_term_end(term_start).isoformat()}"]})
    roles = list(dict.fromkeys(payload.get("roles") or ROLES))
    with unit_of_work():
        if first_grant(actor, *ROUND_ROLES) is None:
            raise Forbidden("无权发起选派批次：需要县驻村工作领导小组或县委组织部。")
        row = DispatchRound(
            id=str(uuid.uuid4()), name=(payload.get("name") or f"{term_start.year}年驻村干部选派").strip(),
            term_start=term_start, term_end=term_end, roles=roles, village_ids=_villages(payload),
            created_by=actor.login, created_at=at)
        db.session.add(row)
    return row
