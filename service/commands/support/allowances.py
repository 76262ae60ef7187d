"""record_allowance: a month's living allowance (生活补助, 参照差旅费伙食补助标准) or phone allowance
(通信补贴) the cadre's unit paid. One amount per cadre, month and kind; recording it again corrects
it (logged as an update). Only for a month the cadre served in, and not ahead of the current one."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.roster.fields import today
from service.commands.support.checks import Fields
from service.commands.support.log import log_change
from service.commands.support.permissions import cadre_of, require_unit_recorder, unit_grant
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import ValidationFailed
from service.core.labels import ALLOWANCE_KIND_NAMES
from service.core.money import yuan_text
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import SupportAllowance
from service.queries.stationed import month_span, stationed_between

FIELDS = ("cadre_id", "year", "month", "kind", "amount_yuan")
WHAT = "生活补助、通信补贴"


def allowance_snapshot(row: SupportAllowance) -> dict[str, Any]:
    return {"cadre_id": row.cadre_id, "unit_id": row.unit_id, "year": row.year, "month": row.month,
            "kind": row.kind, "amount_yuan": yuan_text(row.amount_fen)}


def record_allowance(actor: Principal, values: dict[str, Any], *, source: str) -> dict[str, Any]:
    """Record (or correct) one month's allowance; returns {id, created, **snapshot}."""
    require_unit_recorder(actor, WHAT)
    f = Fields()
    f.known(values, FIELDS)
    cadre_id = f.identifier("cadre_id", values.get("cadre_id"))
    year = f.year("year", values.get("year"))
    month = f.month("month", values.get("month"))
    kind = f.code("kind", values.get("kind"), ALLOWANCE_KIND_NAMES)
    amount = f.money("amount_yuan", values.get("amount_yuan"), allow_zero=True)
    current = today()
    if year is not None and month is not None and (year, month) > (current.year, current.month):
        f.add("month", f"不能登记今后月份的补助：{year} 年 {month} 月尚未到来。")
    f.raise_if_any("补助登记")
    assert cadre_id and year and month and kind and amount is not None  # checked
    name = ALLOWANCE_KIND_NAMES[kind]
    with unit_of_work():
        cadre = cadre_of(cadre_id)
        grant = unit_grant(actor, cadre, name)
        if not stationed_between(cadre.id, *month_span(year, month)):
            message = f"{cadre.name} {year} 年 {month} 月不在驻村任职期间，不能登记{name}。"
            raise ValidationFailed(f"补助登记未通过校验：{message}", errors={"month": [message]})
        row = db.session.execute(sa.select(SupportAllowance).where(
            SupportAllowance.cadre_id == cadre.id, SupportAllowance.year == year,
            SupportAllowance.month == month, SupportAllowance.kind == kind)).scalar_one_or_none()
        before = allowance_snapshot(row) if row is not None else None
        if row is None:
            row = SupportAllowance(cadre_id=cadre.id, unit_id=cadre.unit_id, year=year, month=month,
                                   kind=kind, amount_fen=amount, recorded_by=actor.login, recorded_at=now())
            db.session.add(row)
        elif row.amount_fen != amount:
            row.amount_fen, row.unit_id = amount, cadre.unit_id
            row.recorded_by, row.recorded_at = actor.login, now()
        db.session.flush()
        after = allowance_snapshot(row)
        log_change(actor, grant, "allowance", row.id, before, after, source)
        return {"id": row.id, "created": before is None, **after}
