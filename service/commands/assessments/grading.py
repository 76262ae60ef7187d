"""The county's grade (县驻村工作领导小组确定等次), checked before the engine takes it:

- 优秀 in a year's round only within the round's share (CADREFLOW_ASSESSMENT_EXCELLENT_SHARE when it
  opened; it may exceed the unit's own quota and does not count against it). The round's row is
  locked while its 优秀 are counted, so two graders at once cannot both take the last place.
- 不称职 needs its reason: it opens a recall case, whose finding it is.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.errors import ValidationFailed
from service.persistence.db import db
from service.persistence.loading import Loaded
from service.persistence.models import AssessmentRound, HumanTask
from service.queries.assessments.keys import ANNUAL
from service.queries.assessments.quota import EXCELLENT, excellent_quota

INCOMPETENT = "incompetent"


def check_county_grade(loaded: Loaded, task: HumanTask, decision: str | None, comment: str | None,
                       data: dict[str, Any]) -> None:
    grade = data.get("grade")
    if grade == INCOMPETENT and not (comment or "").strip():
        message = "确定为不称职须填写理由：将作为召回程序的问题依据。"
        raise ValidationFailed(message, errors={"comment": [message]})
    case = loaded.instance.data
    if grade != EXCELLENT or case.get("kind") != ANNUAL or not case.get("round_id"):
        return
    found = db.session.execute(sa.select(AssessmentRound).where(AssessmentRound.id == str(case["round_id"]))
                               .with_for_update()).scalar_one_or_none()
    if found is None:
        return
    quota = excellent_quota(found)
    if quota.used >= quota.allowed:
        message = (f"考核等次：{found.year} 年度考核的优秀等次最多 {quota.allowed} 名"
                   f"（参加考核 {quota.assessed} 人，比例 {quota.share_text}），已确定 {quota.used} 名，"
                   "不能再确定为优秀。")
        raise ValidationFailed(message, errors={"data.grade": [message]}, slug="excellent-share-exceeded")
