"""bpmn/leave.bpmn: 请假 and 销假 (domain rule 11).

The township approves every leave; one longer than `leave_county_days` working days goes to the
county leading group too. Once approved, the process waits for the leave's last day
(`deadline_leave_end`, midnight Beijing time) and then asks the cadre to confirm the return,
reminding them on working days and telling the township after the escalation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from process_support import Run, cst

from workflows.engine import FormInvalid

KEY = "leave"
SECOND = timedelta(seconds=1)


def leave_data(**overrides: Any) -> dict[str, Any]:
    # Tue 8 to Thu 10 December 2026: 3 working days, the default threshold, so the township alone.
    data: dict[str, Any] = {
        "cadre_id": "cadre_zw", "cadre_name": "张伟", "village_id": "v_shangzhuang", "village_name": "上庄村",
        "township_id": "t_qingshan", "unit_id": "u_edu", "leave_type": "personal", "reason": "家中有事",
        "leave_start": "2026-12-08", "leave_end": "2026-12-10", "leave_days": 3, "leave_working_days": 3,
        "leave_county_days": 3, "deadline_leave_end": "2026-12-10T00:00:00+08:00",
        "submitter": "cadre_zhangwei",
    }
    data.update(overrides)
    return data


def start(restore: bool = False, **overrides: Any) -> Run:
    return Run(KEY, leave_data(**overrides), start_at=cst(2026, 12, 1, 9, 0), restore_each_step=restore)


@pytest.mark.parametrize("restore", [False, True], ids=["live", "restored"])
def test_a_short_leave_needs_the_township_only_then_the_cadre_confirms_the_return(restore: bool) -> None:
    run = start(restore)
    task = run.task("township_approval")
    assert (task.role, task.scope_kind, task.scope_value) == ("township", "township", "t_qingshan")
    assert task.decisions == ["approve", "reject"]
    run.do("township_approval", "approve")
    # Approved, nothing to do until the leave's last day.
    assert run.open_spec_ids() == [] and run.inst.data["leave_approved"] is True
    assert run.timers() == {"wait_leave_end": cst(2026, 12, 10, 0, 0)}
    run.fire(cst(2026, 12, 10, 0, 0))  # timers fire strictly after their moment
    assert run.open_spec_ids() == []
    run.fire(cst(2026, 12, 10, 0, 0) + SECOND)
    task = run.task("confirm_return")
    assert (task.role, task.scope_kind, task.scope_value) == ("cadre", "cadre", "cadre_zw")
    assert [f["id"] for f in task.form_fields] == ["return_date", "return_note"]
    run.do("confirm_return", "approve", data={"return_date": "2026-12-11"}, at=cst(2026, 12, 11, 8, 30))
    assert run.status == "completed" and run.ended_at() == ["end_returned"]
    assert run.inst.data["return_date"] == "2026-12-11"
    if restore:
        assert run.restores > 0


def test_the_township_refuses_and_nothing_waits() -> None:
    run = start()
    run.do("township_approval", "reject", comment="村里近期有检查，请改期")
    assert run.status == "rejected" and run.ended_at() == ["end_rejected_township"]
    assert "leave_approved" not in run.inst.data and run.timers() == {}


def test_a_leave_longer_than_the_threshold_goes_to_the_county_too() -> None:
    # Tue 8 to Mon 14 December: 5 working days > 3.
    run = start(leave_end="2026-12-14", leave_days=7, leave_working_days=5,
                deadline_leave_end="2026-12-14T00:00:00+08:00")
    run.do("township_approval", "approve")
    assert run.open_spec_ids() == ["county_approval"]
    assert "leave_approved" not in run.inst.data
    task = run.task("county_approval")
    assert (task.role, task.scope_kind) == ("county", "county")
    run.do("county_approval", "approve")
    assert run.inst.data["leave_approved"] is True
    assert run.timers() == {"wait_leave_end": cst(2026, 12, 14, 0, 0)}


def test_the_county_refuses_a_long_leave() -> None:
    run = start(leave_working_days=4)
    run.do("township_approval", "approve")
    run.do("county_approval", "reject", comment="脱贫攻坚验收期间不宜长假")
    assert run.status == "rejected" and run.ended_at() == ["end_rejected_county"]
    assert "leave_approved" not in run.inst.data


def test_the_threshold_comes_from_the_start_data() -> None:
    # A county that sends every leave up (CADREFLOW_LEAVE_COUNTY_DAYS=0): even one day.
    run = start(leave_end="2026-12-08", leave_days=1, leave_working_days=1, leave_county_days=0,
                deadline_leave_end="2026-12-08T00:00:00+08:00")
    run.do("township_approval", "approve")
    assert run.open_spec_ids() == ["county_approval"]
    # And one that allows a week at the township: five working days stay there.
    run = start(leave_working_days=5, leave_county_days=5)
    run.do("township_approval", "approve")
    assert run.open_spec_ids() == [] and run.inst.data["leave_approved"] is True


def test_the_cadre_withdraws_before_the_township_decides() -> None:
    run = start()
    run.message("withdraw", {"by": "cadre_zhangwei"})
    assert run.status == "withdrawn" and run.ended_at() == ["end_withdrawn"]
    assert run.open_spec_ids() == []


def test_the_return_is_reminded_on_working_days_and_escalated_to_the_township() -> None:
    # The leave ends Wed 30 September 2026, before the National Day holiday (1-7 October; Sat 10
    # October is an adjusted working day): the working days after it are Oct 8, 9, 10.
    run = Run(KEY, leave_data(leave_start="2026-09-28", leave_end="2026-09-30",
                              deadline_leave_end="2026-09-30T00:00:00+08:00"),
              start_at=cst(2026, 9, 24, 9, 0))
    run.do("township_approval", "approve")
    run.fire(cst(2026, 9, 30, 0, 0) + SECOND)
    assert run.open_spec_ids() == ["confirm_return"]
    timers = {t.spec_id: t for t in run.inst.pending_timers()}
    reminder, escalation = timers["confirm_return_reminder"], timers["confirm_return_escalation"]
    # Counted from the moment the step opened (00:00:01): the 1st and the 3rd working day after.
    assert reminder.fire_at == cst(2026, 10, 8, 0, 0, 1) and (reminder.kind, reminder.notify) == (
        "reminder", "cadre")
    assert escalation.fire_at == cst(2026, 10, 10, 0, 0, 1) and (escalation.kind, escalation.notify) == (
        "escalation", "township")
    # Nothing during the holiday.
    run.fire(cst(2026, 10, 7, 23, 0))
    assert run.fired == ["wait_leave_end"]
    run.fire(cst(2026, 10, 8, 1, 0))
    assert run.fired[-1] == "confirm_return_reminder"
    run.fire(cst(2026, 10, 10, 1, 0))
    assert run.fired[-1] == "confirm_return_escalation"
    # Reminders move nothing on: the step still waits for the cadre.
    assert run.open_spec_ids() == ["confirm_return"] and run.status == "running"
    run.do("confirm_return", "approve", data={"return_date": "2026-10-09", "return_note": "因病晚归"})
    assert run.status == "completed"


def test_a_leave_approved_after_its_last_day_asks_for_the_return_at_once() -> None:
    run = start()
    run.do("township_approval", "approve", at=cst(2026, 12, 10, 10, 0))
    assert run.open_spec_ids() == ["confirm_return"]


def test_the_return_date_is_required() -> None:
    run = start()
    run.do("township_approval", "approve")
    run.fire(cst(2026, 12, 10, 8, 0))
    with pytest.raises(FormInvalid):
        run.do("confirm_return", "approve", data={})
