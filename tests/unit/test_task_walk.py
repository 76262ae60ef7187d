"""workflows/task_walk.py answers exactly what SpiffWorkflow's `workflow.get_tasks(...)` answers.

Same task objects in the same order, compared by identity, for every query the facade asks and a
few more that exercise the other pruning levels (min_state MAYBE / FUTURE / COMPLETED):
* at every wait state of the real bpmn/ processes driven through their paths (approvals, returns,
  rejections, withdrawal, timers firing), in memory and after a JSON round trip;
* on a process with an embedded subprocess, a nested one and a call activity;
* on those trees with random states and random grafted branches (shapes the engine never makes);
* and the fallbacks: unsupported arguments, a dangling child id, a tree deeper than Spiff's
  max_depth.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from bpmn_snippets import boundary_timer, flow, user_task
from process_support import (
    ELIGIBLE_FACTS,
    HANDOVER_LIST,
    TEMPORARY_FACTS,
    Run,
    adjustment_data,
    cst,
    handover_data,
    recall_data,
)
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from workflows import task_walk

S = TaskState
# The facade's queries (every `_all_tasks(` call in workflows/engine.py) ...
FACADE_QUERIES: list[dict[str, Any]] = [
    {"state": S.READY, "manual": True},
    {"state": S.WAITING},
    {"state": S.COMPLETED},
    {"state": S.READY | S.WAITING | S.STARTED},
]
# ... and more: every pruning level, manual either way, the defaults, an updated_ts.
QUERIES: list[dict[str, Any]] = FACADE_QUERIES + [
    {}, {"state": S.ANY_MASK},
    {"state": S.READY}, {"state": S.READY, "manual": False}, {"state": S.READY, "manual": None},
    {"state": S.ANY_MASK, "manual": True}, {"state": S.ANY_MASK, "manual": False},
    {"state": S.MAYBE}, {"state": S.LIKELY}, {"state": S.PREDICTED_MASK}, {"state": S.FUTURE},
    {"state": S.STARTED}, {"state": S.CANCELLED}, {"state": S.ERROR}, {"state": S.FINISHED_MASK},
    {"state": S.DEFINITE_MASK}, {"state": S.NOT_FINISHED_MASK}, {"state": S.COMPLETED | S.CANCELLED},
    {"state": S.MAYBE | S.COMPLETED}, {"state": S.FUTURE | S.CANCELLED},
    {"state": S.ANY_MASK, "updated_ts": 0}, {"state": S.COMPLETED, "updated_ts": 0.0},
]


def _describe(tasks: list[Any]) -> list[tuple[str, str]]:
    return [(t.task_spec.name, TaskState.get_name(t.state)) for t in tasks]


def _same(got: list[Any], expected: list[Any], what: str) -> None:
    assert len(got) == len(expected) and all(a is b for a, b in zip(got, expected, strict=True)), \
        f"{what}:\n got      {_describe(got)}\n expected {_describe(expected)}"


def assert_same_walks(workflow: Any, queries: list[dict[str, Any]] = QUERIES) -> int:
    """Compare the walk with Spiff's get_tasks on the workflow and each subprocess; returns the
    number of comparisons. The stack walk itself (`_walk`) is compared, not just `get_tasks`, so a
    silent fallback to Spiff cannot make this pass."""
    changes = sorted(t.last_state_change for t in workflow.tasks.values())
    extra = {"updated_ts": changes[len(changes) // 2]}
    n = 0
    for w in (workflow, *workflow.subprocesses.values()):
        for kw in [*queries, {"state": S.ANY_MASK, **extra}, {"state": S.COMPLETED, **extra}]:
            expected = w.get_tasks(**kw)
            assert task_walk._mirrors(w, kw)
            walked = task_walk._walk(w, kw.get("state", S.ANY_MASK), kw.get("manual"),
                                     kw.get("updated_ts", 0))
            _same(walked, expected, f"_walk {kw}")
            _same(task_walk.get_tasks(w, **kw), expected, f"get_tasks {kw}")
            n += 1
    return n


# --- the real processes ------------------------------------------------------------------------

@dataclass
class CheckedRun(Run):
    """A Run that compares the walks after every command (and after its JSON round trip)."""

    def __post_init__(self) -> None:
        self.checks = 0
        super().__post_init__()

    def _after_command(self) -> None:
        super()._after_command()
        self.checks += assert_same_walks(self.inst.workflow)
        inst = self.inst
        wf = inst.workflow
        for kw in FACADE_QUERIES:  # the facade's own answer, cache and subprocess extension included
            expected = wf.get_tasks(**kw)
            for sp in wf.subprocesses.values():
                expected.extend(sp.get_tasks(**kw))
            _same(inst._all_tasks(**kw), expected, f"Instance._all_tasks {kw}")
        old_fingerprint: list[Any] = [id(wf)]  # the cache key as it was first written
        for w in (wf, *wf.subprocesses.values()):
            old_fingerprint.append(id(w))
            old_fingerprint.extend(id(t) for t in w.tasks.values())
            old_fingerprint.extend(t._state for t in w.tasks.values())
        assert inst._tree_fingerprint() == tuple(old_fingerprint)


def _mid_term_approved(restore: bool, role: str) -> CheckedRun:
    run = CheckedRun("mid_term_replacement", adjustment_data(role=role), restore_each_step=restore)
    run.do("township_consent", "approve")
    run.do("county_consent", "approve")
    run.do("org_dept_filing" if role == "first_secretary" else "rrb_filing", "approve", comment="同意")
    assert run.status == "completed"
    return run


def mid_term_first_secretary(restore: bool) -> CheckedRun:
    return _mid_term_approved(restore, "first_secretary")


def mid_term_team_member(restore: bool) -> CheckedRun:
    return _mid_term_approved(restore, "team_member")


def mid_term_returns_then_reject(restore: bool) -> CheckedRun:
    run = CheckedRun("mid_term_replacement", adjustment_data(), restore_each_step=restore)
    for step in ("township_consent", "county_consent", "org_dept_filing"):
        for s in ("township_consent", "county_consent", "org_dept_filing"):
            if s == step:
                break
            run.do(s, "approve")
        run.do(step, "return", comment="请补充")
        run.do("revise_request", "resubmit", data={"reason": "health", "effective_date": "2026-11-16"})
    run.do("township_consent", "approve")
    run.do("county_consent", "reject", comment="理由不充分")
    assert run.status == "rejected"
    return run


def mid_term_withdrawals(restore: bool) -> CheckedRun:
    run = CheckedRun("mid_term_replacement", adjustment_data(), restore_each_step=restore)
    run.message("withdraw", {"by": "hr_jiaoyu"})
    assert run.status == "withdrawn"
    run = CheckedRun("mid_term_replacement", adjustment_data(), restore_each_step=restore)
    run.do("township_consent", "return", comment="请补充材料")
    run.do("revise_request", "withdraw")
    assert run.status == "withdrawn"
    return run


def mid_term_rules_and_timeout(restore: bool) -> CheckedRun:
    run = CheckedRun("mid_term_replacement", adjustment_data(nominee_facts=TEMPORARY_FACTS),
                     restore_each_step=restore)
    assert run.status == "rejected"
    run = CheckedRun("mid_term_replacement", adjustment_data(), restore_each_step=restore)
    run.fire(cst(2026, 9, 30, 9, 0, 1))  # the township's reminder
    run.do("township_consent", "return", comment="请补充材料", at=cst(2026, 9, 30, 10, 0))
    run.fire(cst(2026, 10, 13, 9, 59))
    run.fire(cst(2026, 10, 13, 10, 0, 1))
    assert run.status == "withdrawn"
    return run


def _recall_to_county_decision(run: CheckedRun, dept: str) -> None:
    run.do(f"verify_finding_{dept}", "approve", comment="经核实属实")
    run.do("cadre_statement", "approve", data={"statement": "愿意整改"})


def _nominate(run: CheckedRun, facts: dict[str, Any] | None = None) -> None:
    run.do("nominate_replacement", "approve",
           data={"nominee_id": "cadre_rep", "effective_date": "2026-12-01"},
           trusted={"nominee_name": "王五", "nominee_facts": facts or dict(ELIGIBLE_FACTS)})


def recall_rectified(restore: bool) -> CheckedRun:
    run = CheckedRun("recall", recall_data(role="team_member"), restore_each_step=restore)
    _recall_to_county_decision(run, "rrb")
    run.do("county_decision", "rectify", comment="限期整改")
    run.do("rectification", "approve", data={"rectification_report": "已返岗"})
    run.do("recheck_rectification_rrb", "approve")
    assert run.status == "completed"
    return run


def recall_failed_rectification_to_replacement(restore: bool) -> CheckedRun:
    run = CheckedRun("recall", recall_data(), restore_each_step=restore)
    _recall_to_county_decision(run, "org_dept")
    run.do("county_decision", "rectify", comment="限期整改")
    run.do("rectification", "approve", data={"rectification_report": "整改报告"})
    run.do("recheck_rectification_org_dept", "reject", comment="整改不到位")
    run.do("record_accountability", "approve", data={"accountability_measures": "诫勉谈话"})
    _nominate(run, TEMPORARY_FACTS)  # ineligible: back to nomination
    _nominate(run)
    run.do("replacement_filing_org_dept", "return", comment="请另选人选")
    _nominate(run)
    run.do("replacement_filing_org_dept", "approve")
    assert run.status == "completed"
    return run


def recall_unfounded_and_deadlines(restore: bool) -> CheckedRun:
    run = CheckedRun("recall", recall_data(), restore_each_step=restore)
    run.do("verify_finding_org_dept", "reject", comment="经核实不属实")
    assert run.status == "rejected"
    run = CheckedRun("recall", recall_data(), restore_each_step=restore)
    run.do("verify_finding_org_dept", "approve", at=cst(2026, 9, 30, 15, 0))
    run.fire(cst(2026, 10, 13, 15, 0, 1))  # statement deadline
    run.do("county_decision", "rectify", comment="限期整改", at=cst(2026, 10, 16, 10, 0))
    run.fire(cst(2026, 11, 13, 10, 0, 1))  # rectification deadline
    run.do("recheck_rectification_org_dept", "reject", comment="逾期未整改")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"},
           at=cst(2026, 11, 16, 11, 0))
    run.fire(cst(2026, 12, 31, 11, 0, 1))  # nomination reminder and escalation
    assert run.open_spec_ids() == ["nominate_replacement"]
    return run


def _handover_step(run: CheckedRun, spec_id: str) -> None:
    forms = {"confirm_arrival": {"arrival_date": "2026-09-28"}, "prepare_handover_list": HANDOVER_LIST,
             "transfer_party_relation": {"party_transfer_date": "2026-10-09"}}
    run.do(spec_id, "approve", data=forms.get(spec_id))


def handover_with_return(restore: bool) -> CheckedRun:
    run = CheckedRun("handover", handover_data(), restore_each_step=restore)
    _handover_step(run, "confirm_arrival")
    _handover_step(run, "prepare_handover_list")
    run.do("review_handover_list", "return", comment="资金明细不清")
    for s in ("prepare_handover_list", "review_handover_list", "sign_new", "sign_old", "witness_handover",
              "transfer_party_relation"):
        _handover_step(run, s)
    assert run.status == "completed"
    return run


def handover_timers_at_every_step(restore: bool) -> CheckedRun:
    run = CheckedRun("handover", handover_data(), restore_each_step=restore,
                     deadlines={"deadline_arrival": "P3D", "deadline_handover": "P3D"})
    for s in ("confirm_arrival", "prepare_handover_list", "review_handover_list", "sign_old", "sign_new",
              "witness_handover", "transfer_party_relation"):
        run.fire(run.clock.now() + timedelta(days=14))
        _handover_step(run, s)
    assert run.status == "completed"
    return run


def unit_duties_year(restore: bool) -> CheckedRun:
    standards = {"duty_main_leader_reports_per_half_year": 2, "duty_main_leader_visits_per_year": 2,
                 "duty_deputy_visits_per_half_year": 1, "duty_work_funds_per_village_yuan": 10000,
                 "duty_assistance_funds_per_year_yuan": 50000, "duty_product_purchase_per_year_yuan": 10000}
    villages = {"duty_villages": [{"village_id": "v-a", "village_name": "上庄村"}]}
    plan = {"plan_start_year": 2025, "plan_end_year": 2027, "plan_content": "产业帮扶"}

    def report(reports: int = 2, deputy: int = 1, funds: int = 5000, first: bool = False) -> dict[str, Any]:
        return {"main_leader_reports": reports, "main_leader_visits": 1, "deputy_visits": deputy,
                "funds_yuan": funds, "assistance_funds_yuan": 25000, "product_purchase_yuan": 5000,
                **(plan if first else {})}

    run = CheckedRun("unit_duties", {"unit_id": "u_jiaoyu", "year": 2026, **standards},
                     start_at=cst(2026, 1, 1, 0, 0), restore_each_step=restore,
                     instance_id="duty_u_jiaoyu_2026")
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.fire(cst(2026, 7, 8, 0, 0, 2))  # report reminder and escalation
    run.do("report_first_half", "approve", data=report(deputy=0, first=True), trusted=villages)
    run.do("rectify_first_half", "return", comment="重报")
    run.do("report_first_half", "approve", data=report(reports=0, first=True), trusted=villages)
    run.fire(cst(2027, 1, 1, 0, 0, 1))  # the year ends while the first half is still open
    run.do("rectify_first_half", "approve", comment="已整改")
    run.do("report_second_half", "approve", data=report(funds=1000), trusted=villages)
    run.do("rectify_second_half", "approve", comment="已补拨")
    assert run.status == "completed"
    return run


SCENARIOS = [
    mid_term_first_secretary, mid_term_team_member, mid_term_returns_then_reject, mid_term_withdrawals,
    mid_term_rules_and_timeout, recall_rectified, recall_failed_rectification_to_replacement,
    recall_unfounded_and_deadlines, handover_with_return, handover_timers_at_every_step, unit_duties_year,
]


@pytest.mark.parametrize("restore", [False, True], ids=["in_memory", "restored"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_walk_matches_spiff_at_every_wait_state_of_the_real_processes(scenario: Any, restore: bool) -> None:
    run = scenario(restore)
    assert run.checks >= 3 * len(QUERIES)  # the start and at least two commands were compared


# --- subprocesses --------------------------------------------------------------------------------

NESTED_BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_walk"
    targetNamespace="http://cadreflow.example/bpmn">
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="o_start"/>
    {user_task("a")}
    {boundary_timer("a_timer", "a")}
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="s_start"/>
      {user_task("s1")}
      {boundary_timer("s1_timer", "s1")}
      <bpmn:subProcess id="inner">
        <bpmn:startEvent id="i_start"/>
        {user_task("i1")}
        <bpmn:endEvent id="i_end"/>
        {flow("i_f1", "i_start", "i1")}{flow("i_f2", "i1", "i_end")}
      </bpmn:subProcess>
      <bpmn:endEvent id="s_end"/>
      {flow("s_f1", "s_start", "s1")}{flow("s_f2", "s1", "inner")}{flow("s_f3", "inner", "s_end")}
    </bpmn:subProcess>
    <bpmn:parallelGateway id="split"/>
    <bpmn:callActivity id="call" calledElement="callee"/>
    {user_task("b")}
    <bpmn:parallelGateway id="join"/>
    <bpmn:endEvent id="o_end"/>
    {flow("o_f1", "o_start", "a")}{flow("o_f2", "a", "sub")}{flow("o_f3", "sub", "split")}
    {flow("o_f4", "split", "call")}{flow("o_f5", "split", "b")}{flow("o_f6", "call", "join")}
    {flow("o_f7", "b", "join")}{flow("o_f8", "join", "o_end")}
  </bpmn:process>
  <bpmn:process id="callee" isExecutable="true">
    <bpmn:startEvent id="c_start"/>
    {user_task("c1")}
    {boundary_timer("c1_timer", "c1")}
    <bpmn:endEvent id="c_end"/>
    {flow("c_f1", "c_start", "c1")}{flow("c_f2", "c1", "c_end")}
  </bpmn:process>
</bpmn:definitions>
"""


def _nested_specs() -> tuple[Any, dict[str, Any]]:
    parser = CamundaParser()
    parser.add_bpmn_str(NESTED_BPMN.encode(), filename="walk.bpmn")
    return parser.get_spec("outer"), parser.get_subprocess_specs("outer")


def _nested_states() -> list[BpmnWorkflow]:
    """A fresh workflow stopped at each of its wait states, the last one completed."""
    spec, subprocess_specs = _nested_specs()
    states, steps = [], 0
    while True:
        wf = BpmnWorkflow(spec, subprocess_specs)
        wf.do_engine_steps()
        for _ in range(steps):
            ready = wf.get_tasks(state=S.READY, manual=True)
            ready[-1].run()  # the last one first: b before the call activity's c1
            wf.do_engine_steps()
        states.append(wf)
        if wf.is_completed():
            return states
        steps += 1


def test_walk_matches_spiff_with_subprocesses_and_call_activities() -> None:
    states = _nested_states()
    assert len(states) >= 5
    assert max(len(wf.subprocesses) for wf in states) == 3  # sub, inner, call
    assert any(wf.get_tasks(state=S.WAITING) for wf in states)
    for wf in states:
        assert_same_walks(wf)


def _scramble(wf: BpmnWorkflow, rng: random.Random) -> None:
    """Random states everywhere (a few impossible ones too) and random grafted branches,
    subprocesses included."""
    states = [S.MAYBE, S.LIKELY, S.FUTURE, S.WAITING, S.READY, S.STARTED, S.COMPLETED, S.ERROR, S.CANCELLED,
              # never a task's state, but the only values for which Spiff's "completed subprocess"
              # rule (state >= FINISHED_MASK) holds
              S.FINISHED_MASK, S.ANY_MASK]
    for w in (wf, *wf.subprocesses.values()):
        for task in list(w.tasks.values()):
            if rng.random() < 0.3:
                parent = task
                for _ in range(rng.randrange(1, 4)):
                    parent = Task(w, parent.task_spec, parent, state=rng.choice(states))
        for task in w.tasks.values():
            task._state = rng.choice(states)
            task.last_state_change = rng.choice([-1.0, 0.0, 5.0, task.last_state_change])
            if task._children and rng.random() < 0.2:
                rng.shuffle(task._children)


def test_walk_matches_spiff_on_scrambled_trees() -> None:
    rng = random.Random(20260924)
    random_masks = [{"state": rng.randrange(1, 512)} for _ in range(30)]
    random_masks += [{"state": rng.randrange(1, 512), "manual": rng.choice([True, False])} for _ in range(10)]
    for round_ in range(12):
        for wf in _nested_states():
            _scramble(wf, rng)
            assert_same_walks(wf, QUERIES + random_masks)
        if round_ == 0:
            run = Run("mid_term_replacement", adjustment_data())
            run.do("township_consent", "return", comment="请补充")
            run.do("revise_request", "resubmit", data={"reason": "health"})
            _scramble(run.inst.workflow, rng)
            assert_same_walks(run.inst.workflow, QUERIES + random_masks)


# --- fallbacks -------------------------------------------------------------------------------------

def test_unsupported_arguments_go_to_spiff() -> None:
    wf = _nested_states()[3]
    spec_name = next(t.task_spec.name for t in wf.get_tasks(state=S.COMPLETED))
    for kw in [{"spec_name": spec_name}, {"skip_subprocesses": True}, {"max_depth": 2},
               {"end_at_spec": spec_name}, {"depth_first": False}, {"state": True},
               {"first_task": wf.get_tasks(state=S.COMPLETED)[1]}, {"lane": None}]:
        assert not task_walk._mirrors(wf, kw)
        _same(task_walk.get_tasks(wf, **kw), wf.get_tasks(**kw), f"fallback {kw}")


def test_a_dangling_child_id_fails_as_in_spiff() -> None:
    wf = _nested_states()[2]
    wf.task_tree._children.append(uuid.uuid4())
    with pytest.raises(AttributeError) as spiff:
        wf.get_tasks()
    with pytest.raises(AttributeError) as ours:
        task_walk.get_tasks(wf)
    assert str(ours.value) == str(spiff.value)


def test_deeper_than_max_depth_gives_spiffs_answer() -> None:
    wf = _nested_states()[0]
    leaf = next(t for t in wf.get_tasks(state=S.READY) if t.workflow is wf)
    parent = leaf
    for _ in range(1200):
        parent = Task(wf, leaf.task_spec, parent, state=S.COMPLETED)
    Task(wf, leaf.task_spec, parent, state=S.READY)
    Task(wf, leaf.task_spec, parent, state=S.MAYBE)
    assert leaf._children
    for kw in ({}, {"state": S.READY}, {"state": S.COMPLETED | S.FUTURE}, {"state": S.MAYBE}):
        expected = wf.get_tasks(**kw)
        assert len(expected) < len(wf.get_tasks(max_depth=5000, **kw))  # Spiff does stop at depth 1000
        with pytest.raises(task_walk._Unfaithful):
            task_walk._walk(wf, kw.get("state", S.ANY_MASK), None, 0)
        _same(task_walk.get_tasks(wf, **kw), expected, f"deep {kw}")
    # COMPLETED alone stops at the READY task above the chain: no depth question, no fallback.
    _same(task_walk._walk(wf, S.COMPLETED, None, 0), wf.get_tasks(state=S.COMPLETED), "deep COMPLETED")
