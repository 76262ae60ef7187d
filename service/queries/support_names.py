"""What a support record in the roster change log is about, by name ("赵敏（2026-11-02）"), for
the change log's readers (the audit page and GET /audit/roster-changes)."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from service.core.labels import ALLOWANCE_KIND_NAMES
from service.persistence.db import db
from service.persistence.models import (
    Cadre,
    SupportAllowance,
    SupportHealthCheck,
    SupportInsurance,
    SupportTransport,
)


def support_record_names(ids: Mapping[str, set[str]]) -> dict[tuple[str, str], str]:
    """{(entity, entity_id): name} of the support records among `ids` (entity -> ids)."""
    out: dict[tuple[str, str], str] = {}

    def numbers(entity: str) -> list[int]:
        return [int(i) for i in ids.get(entity, set()) if i.isdigit()]

    for entity, model in (("insurance", SupportInsurance), ("health_check", SupportHealthCheck)):
        if numbers(entity):
            rows = db.session.execute(sa.select(model.id, Cadre.name, model.year)
                                      .join(Cadre, Cadre.id == model.cadre_id)
                                      .where(model.id.in_(numbers(entity))))
            out.update({(entity, str(r.id)): f"{r.name}（{r.year} 年度）" for r in rows})
    if numbers("transport"):
        rows = db.session.execute(sa.select(SupportTransport.id, Cadre.name, SupportTransport.trip_date)
                                  .join(Cadre, Cadre.id == SupportTransport.cadre_id)
                                  .where(SupportTransport.id.in_(numbers("transport"))))
        out.update({("transport", str(r.id)): f"{r.name}（{r.trip_date.isoformat()}）" for r in rows})
    if numbers("allowance"):
        rows = db.session.execute(sa.select(SupportAllowance.id, Cadre.name, SupportAllowance.year,
                                            SupportAllowance.month, SupportAllowance.kind)
                                  .join(Cadre, Cadre.id == SupportAllowance.cadre_id)
                                  .where(SupportAllowance.id.in_(numbers("allowance"))))
        out.update({("allowance", str(r.id)):
                    f"{r.name}（{r.year} 年 {r.month} 月{ALLOWANCE_KIND_NAMES[r.kind]}）" for r in rows})
    return out
