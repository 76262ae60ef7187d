"""State without spec, round trips at every wait state, deterministic ids, replay."""

import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import SpiffWorkflow.task as spiff_task
from wf_helpers import FIXTURES, local, request_data

from workflows import determinism
from workflows.determinism import RESERVED_KEY, CommandContext, instance_namespace
from workflows.engine import Engine
from workflows.replay import ReplayError, replay, verify
from workflows.serialization import canonical_json, state_hash
from workflows.working_days import WorkingCalendar

ROOT = Path(__file__).resolve().parents[2]


def scenario(engine, definition, instance_id="rp-1", restore_between=False):
    """Run a 10-command story (return loop, timers, approvals), recording commands and hashes."""
    commands, hashes = [], []
    inst = None

    def record(kind, inputs, at):
        nonlocal inst
        if restore_between and inst is not None:
            before = inst.state()
            inst = engine.restore(definition, before, instance_id)
            assert inst.state() == before  # restore is lossless at this wait state
        cmd = {"kind": kind, "inputs": inputs, "at": at.isoformat()}
        if kind == "start":
            inst = engine.start(definition, inputs["data"], instance_id=instance_id, at=at)
        elif kind == "complete":
            inst.complete(inputs["task_id"], decision=inputs["decision"], comment=inputs.get("comment"),
                          data=inputs.get("data"), actor=inputs.get("actor"), at=at)
        elif kind == "fire_timers":
            inst.fire_due_timers(at)
        commands.append(cmd)
        hashes.append(state_hash(inst.state()))

    def task_id():
        return inst.open_tasks()[0].id

    record("start", {"instance_id": instance_id, "data": request_data()}, local(2026, 9, 24, 9, 0))
    record("fire_timers", {}, local(2026, 9, 30, 10, 0))  # reminder fires
    record("complete", {"task_id": task_id(), "decision": "return", "comment": "补材料", "actor": "tw"},
           local(2026, 10, 8, 9, 0))
    record("complete", {"task_id": task_id(), "decision": "resubmit", "actor": "hr",
                        "data": {"reason": "other", "justification": "家庭困难"}}, local(2026, 10, 8, 15, 0))
    record("fire_timers", {}, local(2026, 10, 14, 9, 0))  # reminder of the second round
    record("complete", {"task_id": task_id(), "decision": "approve", "actor": "tw"},
           local(2026, 10, 15, 9, 0))
    record("fire_timers", {}, local(2026, 10, 23, 9, 0))  # county escalation
    record("complete", {"task_id": task_id(), "decision": "approve", "actor": "cty"},
           local(2026, 10, 26, 9, 0))
    return inst, commands, hashes


def test_state_has_no_spec_and_is_json(engine, approval_definition):
    inst, _, _ = scenario(engine, approval_definition)
    state = inst.state()
    assert "spec" not in state and "subprocess_specs" not in state
    assert json.loads(json.dumps(state)) == state
    assert state["data"][RESERVED_KEY]["instance_id"] == "rp-1"
    assert len(canonical_json(state)) < 40_000


def test_round_trip_at_every_wait_state_continues_identically(engine, approval_definition):
    inst_a, commands_a, hashes_a = scenario(engine, approval_definition)
    inst_b, commands_b, hashes_b = scenario(engine, approval_definition, restore_between=True)
    assert commands_a == commands_b  # same task ids chosen
    assert hashes_a == hashes_b
    assert inst_a.status == inst_b.status == "completed"
    assert len(set(hashes_a)) == len(hashes_a)  # every command changed the state


def test_replay_reproduces_every_hash(engine, approval_definition):
    _, commands, hashes = scenario(engine, approval_definition)
    assert replay(approval_definition, commands, engine) == hashes
    assert replay(approval_definition, commands, Engine(WorkingCalendar()), restore_between=True) == hashes
    assert verify(approval_definition, commands, engine, hashes) is None


def test_replay_detects_tampering(engine, approval_definition):
    _, commands, hashes = scenario(engine, approval_definition)
    tampered = json.loads(json.dumps(commands))
    tampered[5]["inputs"]["actor"] = "tw"  # harmless field: actor is not in the state
    assert verify(approval_definition, tampered, engine, hashes) is None
    tampered[5]["at"] = local(2026, 10, 15, 9, 1).isoformat()
    assert verify(approval_definition, tampered, engine, hashes) == 5
    tampered = json.loads(json.dumps(commands))
    tampered[7]["inputs"]["decision"] = "reject"
    tampered[7]["inputs"]["comment"] = "不同意"
    assert verify(approval_definition, tampered, engine, hashes) == 7
    with pytest.raises(ReplayError) as err:
        replay(approval_definition, commands[1:], engine, instance_id="rp-1")
    assert err.value.index == 0


def test_replay_in_a_fresh_process(engine, approval_definition, tmp_path):
    _, commands, hashes = scenario(engine, approval_definition)
    (tmp_path / "commands.json").write_text(json.dumps(commands))
    code = (
        "import json,sys\n"
        "from workflows.engine import Engine, load_definition\n"
        "from workflows.replay import replay\n"
        f"d = load_definition({{'approval_loop.bpmn': open({str(FIXTURES / 'approval_loop.bpmn')!r}, 'rb').read()}})\n"  # noqa: E501
        f"print(json.dumps(replay(d, json.load(open({str(tmp_path / 'commands.json')!r})), Engine())))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "TZ": "America/New_York"})
    assert json.loads(out.stdout) == hashes


def test_task_ids_are_uuid5_of_instance_and_counter(engine, approval_definition):
    a = engine.start(approval_definition, request_data(), instance_id="ids-a", at=local(2026, 9, 24, 9, 0))
    b = engine.start(approval_definition, request_data(), instance_id="ids-b", at=local(2026, 9, 24, 9, 0))
    ns = instance_namespace("ids-a")
    seq = a.workflow.data[RESERVED_KEY]["task_seq"]
    # Every id in the tree is one of the counter's ids (some predicted tasks were dropped again).
    assert {t.id for t in a.workflow.get_tasks()} <= {uuid.uuid5(ns, str(n)) for n in range(1, seq + 1)}
    assert a.open_tasks()[0].id != b.open_tasks()[0].id
    assert a.open_tasks()[0].spec_id == b.open_tasks()[0].spec_id
    # last_state_change comes from the command clock
    assert {t.last_state_change for t in a.workflow.get_tasks()} == {local(2026, 9, 24, 9, 0).timestamp()}


def test_collision_guard_skips_ids_in_the_tree():
    ctx = CommandContext("guard", local(2026, 1, 1), WorkingCalendar())

    class FakeWorkflow:
        tasks = {uuid.uuid5(instance_namespace("guard"), "1"): None}

    ctx.workflow = FakeWorkflow()
    assert ctx.next_id() == uuid.uuid5(instance_namespace("guard"), "2")
    assert ctx.counter == 2


def test_shims_answer_from_the_calling_threads_command_only():
    with determinism.command("scoped", local(2026, 1, 1), WorkingCalendar()):
        assert spiff_task.uuid4() == uuid.uuid5(instance_namespace("scoped"), "1")
        assert spiff_task.time.time() == local(2026, 1, 1).timestamp()
        # Another thread in the same moment gets real values, not this command's.
        other = {}
        t = threading.Thread(target=lambda: other.update(u=spiff_task.uuid4(), t=spiff_task.time.time()))
        t.start()
        t.join()
        assert other["u"].version == 4 and other["t"] > local(2026, 6, 1).timestamp()
    # Outside any command: the real functions' answers.
    assert spiff_task.uuid4().version == 4 and spiff_task.time.time() > local(2026, 6, 1).timestamp()
    assert determinism.current() is None


def test_a_command_in_progress_does_not_hold_up_commands_on_other_threads(engine, approval_definition):
    """No process-wide lock: while one thread is inside a command (say, a long script), another
    thread starts and completes instances with its own ids and clock, without waiting."""
    inside, release = threading.Event(), threading.Event()

    def long_command():
        with determinism.command("slow", local(2026, 1, 1), WorkingCalendar()):
            inside.set()
            release.wait(30)
            assert spiff_task.uuid4() == uuid.uuid5(instance_namespace("slow"), "1")  # still its own

    slow = threading.Thread(target=long_command)
    slow.start()
    try:
        assert inside.wait(5)
        done = {}

        def other():
            inst = engine.start(approval_definition, request_data(), instance_id="quick",
                                at=local(2026, 9, 24, 9, 0))
            [task] = inst.open_tasks()
            inst.complete(task.id, decision="approve", at=local(2026, 9, 24, 10, 0))
            done["ids"] = {t.id for t in inst.workflow.get_tasks()}

        quick = threading.Thread(target=other)
        quick.start()
        quick.join(10)
        assert not quick.is_alive(), "a command on another thread waited for the long one"
        namespace = instance_namespace("quick")
        assert done["ids"] and all(uuid.uuid5(namespace, str(n)) in done["ids"] for n in (1, 2))
    finally:
        release.set()
        slow.join()


def test_concurrent_commands_stay_deterministic(engine, approval_definition):
    _, commands, hashes = scenario(engine, approval_definition, instance_id="rp-1")
    results, errors = [], []

    def worker():
        try:
            results.append(replay(approval_definition, commands, engine, restore_between=True))
        except Exception as err:  # surfaced below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [hashes] * 4


def test_state_hash_is_canonical():
    assert state_hash({"a": 1, "b": [1, "二"]}) == state_hash({"b": [1, "二"], "a": 1})
    assert state_hash({"a": 1}) != state_hash({"a": 2})
    assert state_hash({"a": 1}).startswith("sha256:") and len(state_hash({})) == 7 + 64


def test_restore_refuses_foreign_state(engine, approval_definition):
    inst = engine.start(approval_definition, request_data(), instance_id="mine", at=local(2026, 9, 24, 9, 0))
    with pytest.raises(ValueError):
        engine.restore(approval_definition, inst.state(), instance_id="someone-else")
