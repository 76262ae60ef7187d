"""Who is already posted: the placement rules that need the database, for every path that makes a
posting (the roster's commands and Excel import, a dispatch's nomination and its approval).

The rules that need no database are workflows.rules.posting_violations; this adds the two about
the postings already active, with the same shape (rule code, field, Chinese message).
"""

from __future__ import annotations

import sqlalchemy as sa

from service.core.labels import POSTING_ROLE_NAMES
from service.persistence.db import db
from service.persistence.models import Cadre, Posting, Village
from workflows.rules import Violation, violation


def posting_conflicts(cadre_id: str, village_id: str, role: str | None, *,
                      succeeding: str | None = None) -> list[Violation]:
    """One active posting per cadre, one active first secretary per village.

    `succeeding`: the cadre whose posting the new one takes over (a term-end rotation or a
    replacement's handover): that cadre stays in post until the handover completes, so the
    village's first secretary who is that cadre is no conflict."""
    out: list[Violation] = []
    current = db.session.execute(sa.select(Posting).where(
        Posting.cadre_id == cadre_id, Posting.active.is_(True)).limit(1)).scalar_one_or_none()
    if current is not None:
        cadre = db.session.get(Cadre, cadre_id)
        name = cadre.name if cadre is not None else cadre_id
        out.append(violation("cadre_already_posted", "cadre_id",
                             f"{name}已在村 {current.village_id} 任{POSTING_ROLE_NAMES[current.role]}，"
                             "须先结束该任职（一名干部同时只能有一个在岗任职）。"))
    if role == "first_secretary":
        sitting = db.session.execute(sa.select(Posting.cadre_id).where(
            Posting.village_id == village_id, Posting.role == "first_secretary",
            Posting.active.is_(True), Posting.cadre_id != (succeeding or ""))
            .limit(1)).scalar_one_or_none()
        if sitting is not None:
            village = db.session.get(Village, village_id)
            name = f"“{village.name}”" if village is not None else "该村"
            out.append(violation("village_has_first_secretary", "village_id",
                                 f"{name}已有在岗的驻村第一书记（干部 {sitting}），须先结束其任职"
                                 "（期满轮换须指明期满干部）。"))
    return out
