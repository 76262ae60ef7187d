"""Reminder (催办) and escalation (督办) timers of every approval step, on the working-day calendar.

Two anchors, both with the default deadlines (reminder P3D, escalation P5D, working days):
* Thursday 2026-09-24 09:00: Fri 25 - Sun 27 is the Mid-autumn holiday, Oct 1-7 National Day
  (chinese-calendar 1.11 data; Sat Oct 10 is an adjusted working day). Working days after the
  start: Sep 28, 29, 30, Oct 8, 9 -> reminder Wed Sep 30 09:00, escalation Fri Oct 9 09:00.
* Friday 2026-10-16 10:00, an ordinary weekend: Oct 19, 20, 21, 22, 23 -> reminder Wed Oct 21
  10:00, escalation Fri Oct 23 10:00.
Timers fire strictly after their moment; a reminder never moves the process on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from process_support import ELIGIBLE_FACTS, Run, adjustment_data, cst, recall_data

Step = tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]  # spec, decision, data, trusted

FS, TM = "first_secretary", "team_member"
CONSENTS: list[Step] = [("township_consent", "approve", None, None),
                        ("county_consent", "approve", None, None)]
STATEMENT: Step = ("cadre_statement", "approve", {"statement": "说明"}, None)
RECALL_TO_ACCOUNTABILITY: list[Step] = [STATEMENT, ("county_decision", "recall", None, None)]
NOMINATION: Step = ("nominate_replacement", "approve",
                    {"nominee_id": "cadre_rep", "effective_date": "2026-12-01"},
                    {"nominee_facts": dict(ELIGIBLE_FACTS)})
ACCOUNTABILITY: Step = ("record_accountability", "approve", {"accountability_measures": "问责"}, None)
RECTIFY: list[Step] = [STATEMENT, ("county_decision", "rectify", None, None),
                       ("rectification", "approve", {"rectification_report": "报告"}, None)]

# (process, role, steps taken to get there, approval step under test)
APPROVAL_STEPS: list[tuple[str, str, list[Step], str]] = [
    ("mid_term_replacement", FS, [], "township_consent"),
    ("mid_term_replacement", FS, CONSENTS[:1], "county_consent"),
    ("mid_term_replacement", FS, CONSENTS, "org_dept_filing"),
    ("mid_term_replacement", TM, CONSENTS, "rrb_filing"),
    ("recall", FS, [], "verify_finding_org_dept"),
    ("recall", TM, [], "verify_finding_rrb"),
    ("recall", FS, [("verify_finding_org_dept", "approve", None, None), STATEMENT], "county_decision"),
    ("recall", FS, [("verify_finding_org_dept", "approve", None, None), *RECTIFY],
     "recheck_rectification_org_dept"),
    ("recall", TM, [("verify_finding_rrb", "approve", None, None), *RECTIFY], "recheck_rectification_rrb"),
    ("recall", FS, [("verify_finding_org_dept", "approve", None, None), *RECALL_TO_ACCOUNTABILITY],
     "record_accountability"),
    ("recall", FS, [("verify_finding_org_dept", "approve", None, None), *RECALL_TO_ACCOUNTABILITY,
                    ACCOUNTABILITY, NOMINATION], "replacement_filing_org_dept"),
    ("recall", TM, [("verify_finding_rrb", "approve", None, None), *RECALL_TO_ACCOUNTABILITY,
                    ACCOUNTABILITY, NOMINATION], "replacement_filing_rrb"),
]

ANCHORS = {
    "holiday": (cst(2026, 9, 24, 9, 0), cst(2026, 9, 30, 9, 0), cst(2026, 10, 9, 9, 0)),
    "weekend": (cst(2026, 10, 16, 10, 0), cst(2026, 10, 21, 10, 0), cst(2026, 10, 23, 10, 0)),
}
SECOND = timedelta(seconds=1)


def reach(key: str, role: str, steps: list[Step], at: datetime) -> Run:
    data = adjustment_data(role=role) if key == "mid_term_replacement" else recall_data(role=role)
    run = Run(key, data, start_at=at)
    for spec_id, decision, form, trusted in steps:
        comment = "意见" if decision in ("rectify", "recall") else None
        run.do(spec_id, decision, comment=comment, data=form, trusted=trusted, at=at)
    return run


@pytest.mark.parametrize("anchor", sorted(ANCHORS))
@pytest.mark.parametrize(("key", "role", "steps", "step"), APPROVAL_STEPS,
                         ids=[f"{k}:{s}" for k, _, _, s in APPROVAL_STEPS])
def test_reminder_then_escalation_at_working_day_moments(key: str, role: str, steps: list[Step], step: str,
                                                          anchor: str) -> None:
    opened, remind_at, escalate_at = ANCHORS[anchor]
    run = reach(key, role, steps, opened)
    assert run.open_spec_ids() == [step]
    timers = {t.spec_id: t for t in run.inst.pending_timers()}
    reminder, escalation = timers[f"{step}_reminder"], timers[f"{step}_escalation"]
    assert reminder.fire_at == remind_at
    assert escalation.fire_at == escalate_at
    assert (reminder.kind, escalation.kind) == ("reminder", "escalation")
    assert escalation.notify == "county"
    assert reminder.notify == run.task(step).role  # the reminder nudges whoever must act
    task_id = run.task(step).id
    assert reminder.task_id == task_id and escalation.task_id == task_id
    assert run.task(step).due_at == escalate_at

    run.fire(remind_at - timedelta(minutes=1))
    assert run.fired == []
    run.fire(remind_at)  # "strictly after": the exact moment is not yet late
    assert run.fired == []
    run.fire(remind_at + SECOND)
    assert run.fired == [f"{step}_reminder"]
    assert run.open_spec_ids() == [step] and run.task(step).id == task_id
    run.fire(escalate_at + SECOND)
    assert run.fired == [f"{step}_reminder", f"{step}_escalation"]
    assert run.open_spec_ids() == [step] and run.status == "running"
    assert run.inst.pending_timers() == []
