"""A posting's Party relation as the API and the cadre's page show it (empty when none recorded)."""

from __future__ import annotations

from typing import Any

from service.core.errors import NotFound
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, PartyRelation, Posting
from service.queries.access import can_see_cadre

FIELDS = ("transferred_in_on", "transferred_in_org", "transferred_out_on", "transferred_out_org",
          "updated_by", "updated_at")


def visible_posting(principal: Principal, posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id)
    cadre = db.session.get(Cadre, posting.cadre_id) if posting is not None else None
    if posting is None or cadre is None or not can_see_cadre(principal, cadre):
        raise NotFound(f"任职 {posting_id} 不存在或无权查看。")
    return posting


def party_relation_view(posting: Posting) -> dict[str, Any]:
    row = db.session.get(PartyRelation, posting.id)
    return {"posting_id": posting.id, "cadre_id": posting.cadre_id, "village_id": posting.village_id,
            **{name: getattr(row, name) if row is not None else None for name in FIELDS}}
