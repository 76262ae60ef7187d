"""bpmn/handover.bpmn: the old cadre is released only after every handover step (domain rule 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from process_support import HANDOVER_LIST, Run, cst, handover_data

from workflows.engine import FormInvalid

KEY = "handover"
ORDER = ["confirm_arrival", "prepare_handover_list", "review_handover_list", "sign_new", "sign_old",
         "witness_handover", "transfer_party_relation"]


def released(run: Run) -> bool:
    done = run.inst.completed_element_ids()
    return bool(run.inst.data.get("old_cadre_released")) or "release_old_cadre" in done


def step(run: Run, spec_id: str) -> None:
    forms = {"confirm_arrival": {"arrival_date": "2026-09-28"}, "prepare_handover_list": HANDOVER_LIST,
             "transfer_party_relation": {"party_transfer_date": "2026-10-09"}}
    run.do(spec_id, "approve", data=forms.get(spec_id))


@pytest.mark.parametrize("sign_first", ["sign_old", "sign_new"])
def test_full_handover_in_order_releases_only_at_the_end(sign_first: str) -> None:
    run = Run(KEY, handover_data())
    t = run.task("confirm_arrival")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_dongxiang")
    step(run, "confirm_arrival")
    assert run.task("prepare_handover_list").scope_value == "cadre_old"
    assert not released(run)
    step(run, "prepare_handover_list")
    assert run.task("review_handover_list").scope_value == "cadre_new"
    step(run, "review_handover_list")
    # Both signatures are open at once, each for its own cadre.
    assert run.open_spec_ids() == ["sign_new", "sign_old"]
    assert run.task("sign_old").scope_value == "cadre_old"
    assert run.task("sign_new").scope_value == "cadre_new"
    step(run, sign_first)
    # One signature is not enough for the witness.
    assert run.open_spec_ids() == sorted({"sign_old", "sign_new"} - {sign_first})
    step(run, "sign_new" if sign_first == "sign_old" else "sign_old")
    assert run.open_spec_ids() == ["witness_handover"]
    assert not released(run)
    step(run, "witness_handover")
    t = run.task("transfer_party_relation")
    assert (t.role, t.scope_kind, t.scope_value) == ("unit_hr", "unit", "u_jiaoyu")
    assert not released(run)
    step(run, "transfer_party_relation")
    assert released(run)
    assert run.inst.data["old_cadre_released"] is True
    assert run.status == "completed"
    assert run.ended_at() == ["end_completed"]
    data = run.inst.data
    assert data["arrival_date"] == "2026-09-28" and data["party_transfer_date"] == "2026-10-09"
    assert all(data[k] == v for k, v in HANDOVER_LIST.items())


def test_the_township_confirms_the_party_transfer_of_a_team_member_it_supplies() -> None:
    """The start data names who confirms the Party relation transfer; the township's step is
    scoped to the township named there, not to the village's township nor to any unit."""
    run = Run(KEY, handover_data(role="team_member", unit_id=None, party_transfer_role="township",
                                 party_transfer_org_id="t_supplier"))
    for spec_id in ORDER[:-1]:
        step(run, spec_id)
    assert run.open_spec_ids() == ["transfer_party_relation_township"]
    t = run.task("transfer_party_relation_township")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_supplier")
    assert [f["id"] for f in t.form_fields] == ["party_transfer_date"]
    assert not released(run)
    run.do("transfer_party_relation_township", "approve", data={"party_transfer_date": "2026-10-09"})
    assert released(run) and run.status == "completed" and run.ended_at() == ["end_completed"]
    assert "transfer_party_relation" not in run.inst.completed_element_ids()


def test_returned_list_loops_back_to_the_old_cadre() -> None:
    run = Run(KEY, handover_data())
    step(run, "confirm_arrival")
    step(run, "prepare_handover_list")
    run.do("review_handover_list", "return", comment="资金明细不清")
    assert run.open_spec_ids() == ["prepare_handover_list"]
    run.do("prepare_handover_list", "approve", data={**HANDOVER_LIST, "funds": "余 3.2 万元，明细见附件"})
    assert run.open_spec_ids() == ["review_handover_list"]
    assert run.inst.data["funds"].endswith("明细见附件")
    for s in ORDER[2:]:
        assert not released(run)
        step(run, s)
    assert run.status == "completed" and released(run)


def test_the_list_must_cover_three_clear_projects_funds_and_files() -> None:
    run = Run(KEY, handover_data())
    step(run, "confirm_arrival")
    fields = {f["id"] for f in run.task("prepare_handover_list").form_fields}
    assert fields == set(HANDOVER_LIST)
    with pytest.raises(FormInvalid):
        without_funds = {k: v for k, v in HANDOVER_LIST.items() if k != "funds"}
        run.do("prepare_handover_list", "approve", data=without_funds)
    with pytest.raises(FormInvalid):
        run.do("prepare_handover_list", "approve",
               data={**HANDOVER_LIST, "village_situation": "  "})


def test_no_timer_releases_the_old_cadre_early() -> None:
    """At every wait state, let every pending timer fire: reminders and escalations notify but
    never move the handover on, so the same step is still waiting and nobody is released."""
    # Short working-day deadlines and two calendar weeks per step keep the test inside 2026.
    run = Run(KEY, handover_data(), deadlines={"deadline_arrival": "P3D", "deadline_handover": "P3D"})
    for spec_id in ORDER:
        if spec_id == "sign_old":  # opened together with sign_new: its timers fired already
            step(run, spec_id)
            continue
        when = run.clock.now() + timedelta(days=14)
        open_before = run.open_spec_ids()
        fired_before = len(run.fired)
        run.fire(when)
        assert len(run.fired) > fired_before, f"no timer fired while waiting at {spec_id}"
        assert run.open_spec_ids() == open_before
        assert not released(run) and run.status == "running"
        step(run, spec_id)
    assert released(run) and run.status == "completed"
    assert run.inst.pending_timers() == []


def test_arrival_reminder_and_escalation_fire_after_deadline_arrival_working_days() -> None:
    # Started Thursday 2026-09-24 09:00. Working days after it: Sep 28, 29, 30 (Sep 25-27 is the
    # Mid-autumn holiday), Oct 8, 9, 10 (adjusted working Saturday), 12, 13, 14, 15 -> Oct 15.
    run = Run(KEY, handover_data())
    timers = run.timers()
    assert timers == {"confirm_arrival_reminder": cst(2026, 10, 15, 9, 0),
                      "confirm_arrival_escalation": cst(2026, 10, 15, 9, 0)}
    kinds = {t.spec_id: (t.kind, t.notify) for t in run.inst.pending_timers()}
    assert kinds == {"confirm_arrival_reminder": ("reminder", "township"),
                     "confirm_arrival_escalation": ("escalation", "county")}
    assert run.task("confirm_arrival").due_at == cst(2026, 10, 15, 9, 0)
    run.fire(cst(2026, 10, 15, 8, 59))
    assert run.fired == []
    run.fire(cst(2026, 10, 15, 9, 0, 1))
    assert sorted(run.fired) == ["confirm_arrival_escalation", "confirm_arrival_reminder"]
    assert run.open_spec_ids() == ["confirm_arrival"]


def test_handover_steps_use_deadline_handover() -> None:
    # A distinct, exact duration for the handover deadline shows which variable the timers read.
    run = Run(KEY, handover_data(), deadlines={"deadline_handover": "PT7H", "deadline_arrival": "PT2H"})
    assert set(run.timers().values()) == {cst(2026, 9, 24, 11, 0)}
    step(run, "confirm_arrival")
    assert run.timers() == {"prepare_handover_list_reminder": cst(2026, 9, 24, 16, 0),
                            "prepare_handover_list_escalation": cst(2026, 9, 24, 16, 0)}
