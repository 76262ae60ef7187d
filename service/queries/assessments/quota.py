"""The 优秀 quota of a year's round: the share of the round's cadres the county may grade 优秀
(the share the round was opened with), how many it has, and how many are left.

Counted over the round's assessments that were not terminated, rounded down: a share of 0.2 of
7 cadres allows 1. Term-end assessments have no quota.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import AssessmentResult, AssessmentRound, ProcessInstance
from service.queries.assessments.keys import PROCESS_KEY, annual_prefix

EXCELLENT = "excellent"


@dataclass(frozen=True)
class Quota:
    share: float
    assessed: int
    allowed: int
    used: int

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)

    @property
    def share_text(self) -> str:
        return f"{self.share * 100:g}%"


def excellent_quota(found: AssessmentRound) -> Quota:
    assessed = db.session.execute(sa.select(sa.func.count()).select_from(ProcessInstance).where(
        ProcessInstance.process_key == PROCESS_KEY,
        ProcessInstance.business_key.like(f"{annual_prefix(found.year)}%"),
        ProcessInstance.status != "terminated")).scalar_one()
    used = db.session.execute(sa.select(sa.func.count()).select_from(AssessmentResult).where(
        AssessmentResult.round_id == found.id, AssessmentResult.grade == EXCELLENT)).scalar_one()
    # the small epsilon keeps 0.2 x 10 at 2, not 1.999...
    allowed = math.floor(assessed * found.excellent_share + 1e-9)
    return Quota(found.excellent_share, assessed, allowed, used)
