"""verify_assessment_results: each assessment result (the unit's record, the cadre's file) says what
the instance's hash-chained history says: the grade the county gave, who gave it and when, about
which cadre. `cadreflow audit verify` checks the history itself; this ties the records to it, so a
result changed behind the service's back (SQLite has no trigger to refuse it) is found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import AssessmentResult, HistoryEvent, ProcessInstance

GRADE_STEP = "county_grade"
BATCH = 500


@dataclass(frozen=True)
class ResultsVerification:
    results: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows() -> Iterable[AssessmentResult]:
    after = 0
    while True:
        batch = db.session.execute(sa.select(AssessmentResult).where(AssessmentResult.id > after)
                                   .order_by(AssessmentResult.id).limit(BATCH)).scalars().all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id


def _problem(result: AssessmentResult) -> str | None:
    row = db.session.get(ProcessInstance, result.instance_id)
    if row is None or row.status != "completed":
        return "考核流程不存在或未办结"
    graded = db.session.execute(sa.select(HistoryEvent).where(
        HistoryEvent.instance_id == row.id, HistoryEvent.kind == "complete",
        HistoryEvent.task_spec_id == GRADE_STEP).order_by(HistoryEvent.seq.desc()).limit(1)
    ).scalar_one_or_none()
    if graded is None:
        return "历史中没有确定等次的事件"
    recorded = (graded.inputs.get("data") or {}).get("grade")
    if recorded != result.grade:
        return f"等次与历史不符（历史：{recorded}，记录：{result.grade}）"
    if graded.actor_login != result.graded_by or graded.at != result.graded_at:
        return "确定人或确定时间与历史不符"
    if row.cadre_id != result.cadre_id:
        return "干部与考核流程不符"
    return None


def verify_assessment_results() -> ResultsVerification:
    count, problems = 0, []
    for result in _rows():
        count += 1
        problem = _problem(result)
        if problem:
            problems.append(f"第 {result.id} 条（{result.cadre_name}，{result.year} 年）：{problem}")
    return ResultsVerification(count, problems)
