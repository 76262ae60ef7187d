"""record_transport: one round trip a cadre's unit reimburses (每月驻村干部可报销往返X次的交通费).

At most CADREFLOW_SUPPORT_TRANSPORT_TRIPS_PER_MONTH trips a calendar month; the next one that month
is refused naming `trip_date`. Trips on official business, to meetings or training are not these
(因公出差、开会和培训除外) and are not recorded here. The trip's number in its month is part of a
unique key, so two claims racing for the month's last place cannot both get it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.support.checks import ROUTE_MAX, Fields
from service.commands.support.log import log_change
from service.commands.support.permissions import cadre_of, require_unit_recorder, unit_grant
from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.clock import now
from service.core.errors import ValidationFailed
from service.core.money import yuan_text
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import SupportTransport
from service.queries.stationed import stationed_between

FIELDS = ("cadre_id", "trip_date", "route", "amount_yuan", "note")
WHAT = "往返交通费"


def transport_snapshot(row: SupportTransport) -> dict[str, Any]:
    return {"cadre_id": row.cadre_id, "unit_id": row.unit_id, "year": row.year, "month": row.month,
            "trip_no": row.trip_no, "trip_date": row.trip_date, "route": row.route,
            "amount_yuan": yuan_text(row.amount_fen), "note": row.note}


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{WHAT}登记未通过校验：{message}", errors={field: [message]})


def record_transport(actor: Principal, values: dict[str, Any], *, source: str) -> dict[str, Any]:
    """Record one reimbursed round trip; returns {id, **snapshot}."""
    require_unit_recorder(actor, WHAT)
    f = Fields()
    f.known(values, FIELDS)
    cadre_id = f.identifier("cadre_id", values.get("cadre_id"))
    trip_date = f.date("trip_date", values.get("trip_date"), not_after_today=True)
    route = f.line("route", values.get("route"), ROUTE_MAX)
    amount = f.money("amount_yuan", values.get("amount_yuan"), allow_zero=False)
    note = f.note("note", values.get("note"))
    f.raise_if_any(f"{WHAT}登记")
    assert cadre_id and trip_date and route and amount is not None  # checked
    limit = get_settings().transport_trips_per_month
    with unit_of_work():
        cadre = cadre_of(cadre_id)
        grant = unit_grant(actor, cadre, WHAT)
        if not stationed_between(cadre.id, trip_date, trip_date):
            raise _refuse("trip_date", f"{cadre.name} {trip_date.isoformat()} 不在驻村任职期间，"
                                       "不能报销往返交通费。")
        year, month = trip_date.year, trip_date.month
        trips = db.session.execute(sa.select(SupportTransport.trip_date).where(
            SupportTransport.cadre_id == cadre.id, SupportTransport.year == year,
            SupportTransport.month == month)).scalars().all()
        if trip_date in trips:
            raise _refuse("trip_date", f"{cadre.name} {trip_date.isoformat()} 的往返交通费已登记，"
                                       "不能重复登记。")
        if len(trips) >= limit:
            raise _refuse("trip_date", f"{cadre.name} {year} 年 {month} 月已报销往返交通费 {len(trips)} 次，"
                                       f"每月至多报销往返 {limit} 次（因公出差、开会和培训除外）。")
        row = SupportTransport(cadre_id=cadre.id, unit_id=cadre.unit_id, year=year, month=month,
                               trip_no=len(trips) + 1, trip_date=trip_date, route=route, amount_fen=amount,
                               note=note, recorded_by=actor.login, recorded_at=now())
        db.session.add(row)
        db.session.flush()
        after = transport_snapshot(row)
        log_change(actor, grant, "transport", row.id, None, after, source)
        return {"id": row.id, **after}
