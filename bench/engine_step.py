"""Median cost of one approval step: bare SpiffWorkflow in memory vs. workflows/ with restore + save.

Bare:      plain CamundaParser, workflow kept in memory, `task.run()` + `do_engine_steps()`.
workflows: `Engine.restore(state)` -> `Instance.complete(...)` -> `Instance.state()`, i.e. what the
           service does per command (minus the database), with the sandbox, our timers and
           deterministic ids.
Both drive the same fixture (tests/support/fixtures/approval_loop.bpmn) through the same loop of
approvals: township returns -> unit HR resubmits (rule-check script + gateways) -> ... so the task
trees grow alike. Prints medians in milliseconds and their ratio (target <= 5x).

Usage: .venv/bin/python bench/engine_step.py [--rounds 30] [--steps 24]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.specs.user_task import UserTask  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from wf_helpers import local, request_data  # noqa: E402

from workflows import rules  # noqa: E402
from workflows.engine import DEFAULT_DEADLINES, Engine, load_definition  # noqa: E402
from workflows.working_days import WorkingCalendar  # noqa: E402

FIXTURE = ROOT / "tests" / "support" / "fixtures" / "approval_loop.bpmn"


def decision_for(spec_id: str) -> tuple[str, str | None, dict]:
    if spec_id == "revise_request":
        return "resubmit", None, {"reason": "health"}
    return "return", "补充材料", {}


def bare_round(spec, steps: int) -> list[float]:
    engine = PythonScriptEngine(environment=TaskDataEnvironment({"check_adjustment": rules.check_adjustment}))
    wf = BpmnWorkflow(spec, script_engine=engine)
    start = wf.get_next_task(state=TaskState.READY)
    start.data.update({**DEFAULT_DEADLINES, **request_data()})
    wf.do_engine_steps()
    out = []
    for _ in range(steps):
        t0 = time.perf_counter()
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        task = next(t for t in ready if isinstance(t.task_spec, UserTask))
        decision, comment, data = decision_for(task.task_spec.bpmn_id)
        task.data.update(data)
        task.data.update(decision=decision, comment=comment or "")
        task.data[f"{task.task_spec.bpmn_id}_decision"] = decision
        task.run()
        wf.do_engine_steps()
        out.append(time.perf_counter() - t0)
    return out


def workflows_round(definition, engine: Engine, steps: int, n: int) -> list[float]:
    at = local(2026, 11, 2, 9, 0)
    inst = engine.start(definition, request_data(), instance_id=f"bench-{n}", at=at)
    state = inst.state()
    task_id = inst.open_tasks()[0].id
    out = []
    for i in range(steps):
        at = at + timedelta(minutes=1)
        t0 = time.perf_counter()
        inst = engine.restore(definition, state, instance_id=f"bench-{n}")
        spec_id = inst.workflow.get_task_from_id(uuid.UUID(task_id)).task_spec.bpmn_id
        decision, comment, data = decision_for(spec_id)
        inst.complete(task_id, decision=decision, comment=comment, data=data, actor="bench", at=at)
        state = inst.state()
        out.append(time.perf_counter() - t0)
        task_id = inst.open_tasks()[0].id  # the next task id, outside the timed step (an inbox query)
        assert inst.status == "running", (i, inst.status)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--steps", type=int, default=24)
    args = ap.parse_args()

    parser = CamundaParser()
    parser.add_bpmn_file(str(FIXTURE))
    spec = parser.get_spec("approval_loop")
    definition = load_definition({FIXTURE.name: FIXTURE.read_bytes()})
    engine = Engine(WorkingCalendar())

    bare, ours = [], []
    bare_round(spec, 4)
    workflows_round(definition, engine, 4, -1)  # warm-up (imports, compile caches)
    for n in range(args.rounds):
        bare += bare_round(spec, args.steps)
        ours += workflows_round(definition, engine, args.steps, n)
    b, w = statistics.median(bare) * 1000, statistics.median(ours) * 1000
    print(f"fixture: {FIXTURE.relative_to(ROOT)}; {args.rounds} rounds x {args.steps} approval steps")
    print(f"bare SpiffWorkflow step (in memory, run + do_engine_steps): median {b:.3f} ms")
    print(f"workflows/ step (restore + complete + state):              median {w:.3f} ms")
    print(f"ratio: {w / b:.2f}x (target <= 5x)")


if __name__ == "__main__":
    main()
