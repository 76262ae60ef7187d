"""record_insurance: the county's accident insurance of stationed cadres for a year (县级统一办理).

One policy usually covers all of them (a group policy), so one command records it for every cadre
named, all or none. A cadre has one record per year; recording again corrects it (logged as an
update). A cover below CADREFLOW_SUPPORT_INSURANCE_MIN_COVER_YUAN is recorded as it is and flagged
in the ledger: the record states what was bought, the ledger says what is missing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.support.checks import COVER_MAX, INSURER_MAX, POLICY_MAX, Fields
from service.commands.support.log import log_change
from service.commands.support.permissions import cadre_of, insurance_grant
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import SupportInsurance
from service.queries.stationed import stationed_between

FIELDS = ("cadre_ids", "year", "insurer", "policy_no", "cover_yuan", "period_start", "period_end")
MAX_CADRES = 1000


def insurance_snapshot(row: SupportInsurance) -> dict[str, Any]:
    return {"cadre_id": row.cadre_id, "year": row.year, "insurer": row.insurer, "policy_no": row.policy_no,
            "cover_yuan": row.cover_yuan, "period_start": row.period_start, "period_end": row.period_end}


def _checked(values: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    f = Fields()
    f.known(values, FIELDS)
    raw_ids = values.get("cadre_ids")
    cadre_ids: list[str] = []
    if not isinstance(raw_ids, list) or not raw_ids:
        f.add("cadre_ids", "参保干部不能为空：至少选择一名干部。")
    elif len(raw_ids) > MAX_CADRES:
        f.add("cadre_ids", f"一次最多登记 {MAX_CADRES} 名干部，现为 {len(raw_ids)} 名。")
    elif not all(isinstance(i, str) and i for i in raw_ids):
        f.add("cadre_ids", "参保干部须为干部编号的列表。")
    else:
        cadre_ids = list(dict.fromkeys(raw_ids))  # each once, in the order given
    year = f.year("year", values.get("year"))
    start = f.date("period_start", values.get("period_start"))
    end = f.date("period_end", values.get("period_end"))
    fields: dict[str, Any] = {
        "year": year,
        "insurer": f.line("insurer", values.get("insurer"), INSURER_MAX),
        "policy_no": f.line("policy_no", values.get("policy_no"), POLICY_MAX),
        "cover_yuan": f.whole("cover_yuan", values.get("cover_yuan"), 1, COVER_MAX, " 元"),
        "period_start": start,
        "period_end": end,
    }
    if start and end and end < start:
        f.add("period_end", f"保险截止日期（{end.isoformat()}）不能早于起始日期（{start.isoformat()}）。")
    elif start and end and year and not (start <= date(year, 12, 31) and end >= date(year, 1, 1)):
        f.add("period_start", f"保险期间（{start.isoformat()} 至 {end.isoformat()}）不在 {year} 年度内。")
    f.raise_if_any("人身意外伤害保险登记")
    return cadre_ids, fields


def record_insurance(actor: Principal, values: dict[str, Any], *, source: str) -> list[dict[str, Any]]:
    """Record (or correct) the policy for each cadre of `cadre_ids`; returns each record as
    {id, created, **snapshot}."""
    grant = insurance_grant(actor)
    cadre_ids, fields = _checked(values)
    year: int = fields["year"]
    at = now()
    out = []
    with unit_of_work():
        f = Fields()
        cadres = []
        for cadre_id in cadre_ids:
            cadre = cadre_of(cadre_id, "cadre_ids")
            if not stationed_between(cadre.id, date(year, 1, 1), date(year, 12, 31)):
                f.add("cadre_ids", f"{cadre.name}（{cadre.id}）{year} 年度没有驻村任职，"
                                   "无需办理驻村人身意外伤害保险。")
            cadres.append(cadre)
        f.raise_if_any("人身意外伤害保险登记")
        existing = {row.cadre_id: row for row in db.session.execute(sa.select(SupportInsurance).where(
            SupportInsurance.year == year, SupportInsurance.cadre_id.in_(cadre_ids))).scalars()}
        for cadre in cadres:
            row = existing.get(cadre.id)
            before = insurance_snapshot(row) if row is not None else None
            if row is None:
                row = SupportInsurance(cadre_id=cadre.id, **fields, recorded_by=actor.login, recorded_at=at)
                db.session.add(row)
            elif any(getattr(row, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(row, name, value)
                row.recorded_by, row.recorded_at = actor.login, at
            db.session.flush()
            after = insurance_snapshot(row)
            log_change(actor, grant, "insurance", row.id, before, after, source)
            out.append({"id": row.id, "created": before is None, **after})
    return out
