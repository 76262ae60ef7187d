"""Display names of cadres and villages by id, read together in one round trip."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import Cadre, Village


def cadre_and_village_names(cadre_ids: Iterable[str | None], village_ids: Iterable[str | None],
                            known: tuple[dict[str, str], dict[str, str]] | None = None,
                            ) -> tuple[dict[str, str], dict[str, str]]:
    """names(Cadre, ...) and names(Village, ...) in one round trip (none when `known`, names the
    caller already read in this transaction, holds them all)."""
    known_cadres, known_villages = known or ({}, {})
    wanted_cadres = {i for i in cadre_ids if i} - set(known_cadres)
    wanted_villages = {i for i in village_ids if i} - set(known_villages)
    parts = []
    if wanted_cadres:
        parts.append(sa.select(sa.literal("c").label("kind"), Cadre.id, Cadre.name)
                     .where(Cadre.id.in_(wanted_cadres)))
    if wanted_villages:
        parts.append(sa.select(sa.literal("v").label("kind"), Village.id, Village.name)
                     .where(Village.id.in_(wanted_villages)))
    cadres: dict[str, str] = dict(known_cadres)
    villages: dict[str, str] = dict(known_villages)
    if parts:
        stmt = parts[0] if len(parts) == 1 else sa.union_all(*parts)
        for kind, id_, name in db.session.execute(stmt):
            (cadres if kind == "c" else villages)[id_] = name
    return cadres, villages
