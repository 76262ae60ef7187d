"""record_health_check: the yearly health check a cadre's unit arranges (每年安排驻村干部进行体检).

One record per cadre and year: done with its date, or not (yet) done, with a note. Recording it
again corrects it (logged as an update); the ledger flags a stationed cadre without a done check."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.support.checks import Fields
from service.commands.support.log import log_change
from service.commands.support.permissions import cadre_of, require_unit_recorder, unit_grant
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import SupportHealthCheck
from service.queries.stationed import stationed_between

FIELDS = ("cadre_id", "year", "done", "check_date", "note")
WHAT = "年度体检"


def health_snapshot(row: SupportHealthCheck) -> dict[str, Any]:
    return {"cadre_id": row.cadre_id, "unit_id": row.unit_id, "year": row.year, "done": row.done,
            "check_date": row.check_date, "note": row.note}


def record_health_check(actor: Principal, values: dict[str, Any], *, source: str) -> dict[str, Any]:
    """Record (or correct) the cadre's health check of a year; returns {id, created, **snapshot}."""
    require_unit_recorder(actor, WHAT)
    f = Fields()
    f.known(values, FIELDS)
    cadre_id = f.identifier("cadre_id", values.get("cadre_id"))
    year = f.year("year", values.get("year"))
    done = f.boolean("done", values.get("done"))
    check_date = f.date("check_date", values.get("check_date"), required=bool(done), not_after_today=True)
    note = f.note("note", values.get("note"))
    if done is False and values.get("check_date") not in (None, ""):
        f.add("check_date", "尚未体检时不填体检日期。")
    elif check_date and year and check_date.year != year:
        f.add("check_date", f"体检日期（{check_date.isoformat()}）不在 {year} 年度内。")
    f.raise_if_any("体检登记")
    assert cadre_id and year and done is not None  # checked
    fields = {"done": done, "check_date": check_date if done else None, "note": note}
    with unit_of_work():
        cadre = cadre_of(cadre_id)
        grant = unit_grant(actor, cadre, WHAT)
        if not stationed_between(cadre.id, date(year, 1, 1), date(year, 12, 31)):
            message = f"{cadre.name} {year} 年度没有驻村任职，不在驻村干部体检范围内。"
            raise ValidationFailed(f"体检登记未通过校验：{message}", errors={"year": [message]})
        row = db.session.execute(sa.select(SupportHealthCheck).where(
            SupportHealthCheck.cadre_id == cadre.id, SupportHealthCheck.year == year)).scalar_one_or_none()
        before = health_snapshot(row) if row is not None else None
        if row is None:
            row = SupportHealthCheck(cadre_id=cadre.id, unit_id=cadre.unit_id, year=year, **fields,
                                     recorded_by=actor.login, recorded_at=now())
            db.session.add(row)
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.unit_id, row.recorded_by, row.recorded_at = cadre.unit_id, actor.login, now()
        db.session.flush()
        after = health_snapshot(row)
        log_change(actor, grant, "health_check", row.id, before, after, source)
        return {"id": row.id, "created": before is None, **after}
