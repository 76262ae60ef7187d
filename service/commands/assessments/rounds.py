"""open_round: the county leading group opens a year's assessment (年度考核), one per year.

It starts one assessment for every cadre (first secretary or team member) whose posting was active
at some time in that year, assessed over the part of the year they served; a cadre with two
postings that year is assessed once, on the later one. All in one transaction: the round and
every cadre's assessment, or nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.assessments.start import start_assessment
from service.commands.uow import unit_of_work
from service.commands.violations import refuse
from service.config import get_settings
from service.core.bounds import check_year
from service.core.clock import now
from service.core.errors import Forbidden
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT, check_text
from service.persistence.db import db
from service.persistence.models import AssessmentRound, Posting
from service.queries.assessments.keys import ANNUAL, annual_business_key
from workflows.rules import violation

ROUND_ROLES = ("county",)
REFUSED = "无法发起年度考核。"


def postings_of_year(year: int) -> list[Posting]:
    """Each cadre's latest posting that was active at some time in `year`."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = db.session.execute(sa.select(Posting).where(
        Posting.term_start <= last, sa.or_(Posting.term_end.is_(None), Posting.term_end >= first))
        .order_by(Posting.cadre_id, Posting.term_start, Posting.id)).scalars().all()
    latest: dict[str, Posting] = {}
    for posting in rows:
        latest[posting.cadre_id] = posting  # ordered by start: the last one wins
    return list(latest.values())


def served(posting: Posting, year: int) -> tuple[date, date]:
    """The part of `year` the posting covers (the assessed period)."""
    end = posting.term_end or date(year, 12, 31)
    return max(posting.term_start, date(year, 1, 1)), min(end, date(year, 12, 31))


def open_round(actor: Principal, payload: dict[str, Any]) -> AssessmentRound:
    """`payload`: year (int), name (optional)."""
    at = now()
    year: int = payload["year"]
    name = (payload.get("name") or "").strip() or f"{year}年度驻村干部考核"
    check_text("name", name, SHORT_TEXT)
    check_year("year", year, "考核年度")
    this_year = at.astimezone(get_settings().tz).year
    with unit_of_work():
        grant = first_grant(actor, *ROUND_ROLES)
        if grant is None:
            raise Forbidden("无权发起年度考核：需要县驻村工作领导小组。")
        if year > this_year:
            refuse([violation("future_year", "year", f"考核年度不能晚于今年（{this_year} 年）")], REFUSED)
        if db.session.execute(sa.select(AssessmentRound.id).where(AssessmentRound.year == year)).first():
            refuse([violation("duplicate_round", "year", f"{year} 年度考核已经发起，每年一次")], REFUSED)
        postings = postings_of_year(year)
        if not postings:
            refuse([violation("nobody_posted", "year", f"{year} 年没有在村任职的驻村干部")], REFUSED)
        row = AssessmentRound(id=str(uuid.uuid4()), year=year, name=name,
                              excellent_share=get_settings().assessment_excellent_share,
                              created_by=actor.login, created_at=at)
        db.session.add(row)
        db.session.flush()  # a second round of the year loses here (unique year)
        for posting in postings:
            start_assessment(posting, ANNUAL, year, served(posting, year), at, actor=actor, grant=grant,
                             business_key=annual_business_key(year, posting.cadre_id), round_id=row.id)
    return row
