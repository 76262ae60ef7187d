"""workflows/task_converter.py dumps and restores exactly what SpiffWorkflow's TaskConverter does.

Compared against the stock converter (and the stock registry dispatch), at every wait state of the
real bpmn/ processes driven through their paths (approvals, returns, rejections, withdrawal,
messages, timers firing), live and restored after every command, and on a process with embedded
and called subprocesses:
* dumps: the same tree (types, values, key order at every level), the same JSON text without
  sort_keys, and the same sharing with the live task data (the stock dump hands out live objects);
* restores from that JSON: a workflow whose stock dump is the input text again, tasks with the same
  attributes, the same data objects shared or copied exactly as after a stock restore (nothing
  shared with the input state, a task's own containers not shared with its parent's), the input
  left untouched;
* non-JSON values in task data and internal data (datetime, timedelta, UUID, Decimal, set, tuple,
  callables, a module, dicts carrying 'typename'): the registry's handling, and its failures.
"""

from __future__ import annotations

import copy
import json
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from bpmn_snippets import flow, user_task
from process_scenarios import SCENARIOS
from process_support import Run, adjustment_data, cst, definition
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.bpmn_converter import BpmnConverter
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from workflows import determinism, serialization, task_converter
from workflows.serialization import SPEC_CONFIG, StatelessSpecWorkflowConverter, dump_state, restore_state
from workflows.task_converter import FastTaskConverter, parse_uuid, uuid_text
from workflows.working_days import WorkingCalendar


class StockMappingWorkflowConverter(StatelessSpecWorkflowConverter):
    """Our workflow converter with the stock mapping helpers (UUID(k), str(k), registry dispatch)."""

    mapping_to_dict = BpmnConverter.mapping_to_dict
    mapping_from_dict = BpmnConverter.mapping_from_dict


STOCK_REGISTRY = BpmnWorkflowSerializer.configure(
    {**SPEC_CONFIG, Task: TaskConverter, BpmnWorkflow: StockMappingWorkflowConverter})
STOCK_FULL = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPEC_CONFIG, Task: TaskConverter}))


@contextmanager
def stock() -> Iterator[None]:
    saved = serialization._state_registry
    serialization._state_registry = STOCK_REGISTRY
    try:
        yield
    finally:
        serialization._state_registry = saved


def stock_dump(wf: BpmnWorkflow) -> dict[str, Any]:
    with stock():
        return dump_state(wf)


def stock_restore(state: dict[str, Any], spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    with stock():
        return restore_state(state, spec, subprocess_specs)


def text(state: dict[str, Any]) -> str:
    return json.dumps(state, ensure_ascii=False)  # no sort_keys: the stored text keeps key order


# --- comparisons -----------------------------------------------------------------------------

def assert_same_tree(a: Any, b: Any, path: str = "$") -> None:
    """Equal values of the same types, dict keys in the same order, at every level."""
    assert type(a) is type(b), (path, type(a), type(b))
    if isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            assert_same_tree(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_tree(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    else:
        assert a == b, (path, a, b)


def containers(root: Any, path: tuple = ()) -> Iterator[tuple[Any, tuple]]:
    """Every dict, list and set reachable from `root` (through tuples too), with its path."""
    if isinstance(root, dict | list | set):
        yield root, path
    if isinstance(root, dict):
        for key, value in root.items():
            yield from containers(value, (*path, repr(key)))
    elif isinstance(root, list | tuple):
        for i, value in enumerate(root):
            yield from containers(value, (*path, i))


def sharing(roots: list[tuple[str, Any]]) -> list[tuple]:
    """Which containers are one and the same object, as groups of (root, path): the identity
    structure, comparable between two object graphs."""
    seen: dict[int, list[tuple]] = {}
    for name, root in roots:  # every object stays reachable from `roots`: ids are not reused
        for obj, path in containers(root):
            seen.setdefault(id(obj), []).append((name, path))
    return sorted(tuple(sorted(group, key=repr)) for group in seen.values() if len(group) > 1)


def task_roots(wf: BpmnWorkflow) -> list[tuple[str, Any]]:
    roots = []
    for w in (wf, *wf.subprocesses.values()):
        for task in w.tasks.values():
            roots += [(f"{task.id}.data", task.data), (f"{task.id}.internal", task.internal_data)]
    return roots


def assert_same_tasks(fast: BpmnWorkflow, stock_wf: BpmnWorkflow, one_spec: bool = True) -> None:
    for f, s in ((fast, stock_wf), *zip(fast.subprocesses.values(), stock_wf.subprocesses.values(),
                                         strict=True)):
        assert list(f.tasks) == list(s.tasks)
        for ft, st in zip(f.tasks.values(), s.tasks.values(), strict=True):
            assert type(ft) is type(st) is Task
            fv, sv = dict(vars(ft)), dict(vars(st))
            assert list(fv) == list(sv)  # the same attributes, set in the same order
            assert fv.pop("workflow") is f and sv.pop("workflow") is s
            fs, ss = fv.pop("task_spec"), sv.pop("task_spec")  # one spec, or two restored copies
            assert fs is ss if one_spec else (type(fs), fs.name) == (type(ss), ss.name)
            assert_same_tree(fv, sv, str(ft.id))
            assert ft.parent is (f.tasks.get(st._parent) if st._parent else None)
    assert list(fast.event_manager.tasks) == list(stock_wf.event_manager.tasks)  # waiting catches
    assert list(fast.subprocesses) == list(stock_wf.subprocesses)


def check_state(wf: BpmnWorkflow, spec: Any, subprocess_specs: dict[str, Any]) -> None:
    """The whole comparison for one workflow (live or restored)."""
    # Dumps: the same tree and text; the same objects handed out from the live data.
    fast, slow = dump_state(wf), stock_dump(wf)
    assert_same_tree(fast, slow)
    assert text(fast) == text(slow)
    assert sharing(task_roots(wf) + [("dump", fast)]) == sharing(task_roots(wf) + [("dump", slow)])

    # Restores from the stored JSON.
    state = json.loads(text(slow))
    before = copy.deepcopy(state)
    restored = restore_state(state, spec, subprocess_specs)
    baseline = stock_restore(state, spec, subprocess_specs)
    assert_same_tree(state, before)  # the input is only read
    assert_same_tasks(restored, baseline)
    again = stock_dump(restored)
    assert_same_tree(again, state)
    assert text(again) == text(slow)
    assert sharing(task_roots(restored)) == sharing(task_roots(baseline))
    state_ids = {id(obj) for obj, _ in containers(state)}
    for _, root in task_roots(restored):
        assert not any(id(obj) in state_ids for obj, _ in containers(root))
    assert_isolated(restored)


def assert_isolated(wf: BpmnWorkflow) -> None:
    """A task's data and its top-level dict/list values are its own (Spiff copies them from the
    parent): changing them in place changes no other task."""
    tasks = [t for w in (wf, *wf.subprocesses.values()) for t in w.tasks.values()]
    snapshot = {t.id: copy.deepcopy(t.data) for t in tasks}
    for task in tasks:
        for key, value in list(task.data.items()):
            if isinstance(value, dict):
                value["__probe__"] = 1
            elif isinstance(value, list):
                value.append("__probe__")
            else:
                continue
            others = [t for t in tasks if t is not task]
            assert all(t.data == snapshot[t.id] for t in others), (task.task_spec.name, key)
            if isinstance(value, dict):
                del value["__probe__"]
            else:
                value.pop()
        task.data["__probe__"] = 1
        assert all(t.data == snapshot[t.id] for t in tasks if t is not task)
        del task.data["__probe__"]


# --- the real processes ----------------------------------------------------------------------

class CheckedRun(Run):
    """A Run that compares the converters after start and after every command."""

    checks: int = 0

    def _after_command(self) -> None:
        d = definition(self.key)
        check_state(self.inst.workflow, d.spec, d.subprocess_specs)
        self.checks += 1
        super()._after_command()


def test_registered_for_tasks() -> None:
    assert FastTaskConverter.of(serialization._state_registry) is not None
    assert FastTaskConverter.of(serialization.full_serializer.registry) is not None
    assert FastTaskConverter.of(STOCK_REGISTRY) is None


@pytest.mark.parametrize("restore_each_step", [False, True], ids=["live", "restored"])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_dumps_and_restores_at_every_wait_state(name: str, restore_each_step: bool) -> None:
    key, data, scenario, status, _ = SCENARIOS[name]
    run = CheckedRun(key, copy.deepcopy(data), restore_each_step=restore_each_step)
    scenario(run)
    assert run.status == status
    assert run.checks == len(run.hashes) >= 2


def test_same_with_nested_data_and_rejection() -> None:
    """Nested containers two levels deep (shared with the parent after a stock restore too)."""
    run = CheckedRun("mid_term_replacement", adjustment_data(
        evidence=[{"name": "体检报告", "pages": [1, 2]}, ["a", ["b"]]],
        nominee_facts={"party_status": "formal", "party_member_since": "2012-07-01",
                       "work_start_date": "2009-09-01", "employment_type": "civil_servant"}),
        restore_each_step=True)
    run.do("township_consent", "return", comment="请补充")
    run.do("revise_request", "resubmit", data={"justification": "见附件"})
    run.do("township_consent", "approve")
    run.do("county_consent", "reject", comment="不同意")
    assert run.status == "rejected"
    wf = run.inst.workflow
    d = definition("mid_term_replacement")
    state = json.loads(text(dump_state(wf)))
    restored = restore_state(state, d.spec, d.subprocess_specs)
    deep = [t for t in restored.tasks.values() if t.parent is not None and "evidence" in t.data
            and "evidence" in t.parent.data]
    assert deep
    for task in deep:  # exactly Spiff's one-level copy: own list, shared inner containers
        assert task.data["evidence"] is not task.parent.data["evidence"]
        assert task.data["evidence"][0] is task.parent.data["evidence"][0]


# --- subprocesses and call activities --------------------------------------------------------

NESTED_BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_conv"
    targetNamespace="http://cadreflow.example/bpmn">
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="o_start"/>
    {user_task("a")}
    <bpmn:boundaryEvent id="a_timer" attachedToRef="a" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="a_timer_end"/>
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="s_start"/>
      {user_task("s1")}
      <bpmn:endEvent id="s_end"/>
      {flow("s_f1", "s_start", "s1")}{flow("s_f2", "s1", "s_end")}
    </bpmn:subProcess>
    <bpmn:callActivity id="call" calledElement="callee"/>
    <bpmn:endEvent id="o_end"/>
    {flow("o_f1", "o_start", "a")}{flow("o_f2", "a", "sub")}{flow("o_f3", "sub", "call")}
    {flow("o_f4", "call", "o_end")}{flow("o_f5", "a_timer", "a_timer_end")}
  </bpmn:process>
  <bpmn:process id="callee" isExecutable="true">
    <bpmn:startEvent id="c_start"/>
    {user_task("c1")}
    <bpmn:endEvent id="c_end"/>
    {flow("c_f1", "c_start", "c1")}{flow("c_f2", "c1", "c_end")}
  </bpmn:process>
</bpmn:definitions>
"""


def test_same_with_subprocesses_and_call_activities() -> None:
    """Also: continuing on a fast-restored and on a stock-restored copy, with nested data changed
    in place (shared with the parent task after either restore), gives the same states."""
    parser = CamundaParser()
    parser.add_bpmn_str(NESTED_BPMN.encode(), filename="conv.bpmn")
    spec, subprocess_specs = parser.get_spec("outer"), parser.get_subprocess_specs("outer")
    wf = BpmnWorkflow(spec, subprocess_specs)
    wf.get_next_task(state=TaskState.READY).data.update({"form": {"items": [1, {"x": [2]}]}, "n": 1})
    wf.do_engine_steps()
    seen_subprocesses = 0
    for step in range(10):
        check_state(wf, spec, subprocess_specs)
        seen_subprocesses = max(seen_subprocesses, len(wf.subprocesses))
        if wf.is_completed():
            break
        stored = text(dump_state(wf))
        twins = [restore_state(json.loads(stored), spec, subprocess_specs),
                 stock_restore(json.loads(stored), spec, subprocess_specs)]
        for twin in twins:
            with determinism.command("twin", cst(2026, 9, 24, 9, step), WorkingCalendar()) as ctx:
                ctx.load_counter(twin)  # the same new task ids and timestamps in both twins
                task = twin.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data[f"step_{step}"] = {"by": task.task_spec.name, "list": [step]}
                task.data["form"]["items"].append(step)  # nested, in place
                task.data["form"]["items"][1]["x"].append(step)
                task.run()
                twin.do_engine_steps()
                ctx.save_counter(twin)
        assert text(stock_dump(twins[0])) == text(stock_dump(twins[1]))
        wf = twins[0]
    assert wf.is_completed()
    assert seen_subprocesses >= 2


# --- values that are not plain JSON ----------------------------------------------------------

WHEN = datetime(2026, 9, 24, 9, 30)
UID = uuid.UUID("12345678-1234-5678-1234-567812345678")


def _non_json_workflow() -> tuple[BpmnWorkflow, Any]:
    run = Run("mid_term_replacement", adjustment_data())
    run.do("township_consent", "approve")
    wf = run.inst.workflow
    tasks = list(wf.tasks.values())
    root, middle = tasks[0], tasks[len(tasks) // 2]
    root.data.update({
        "when": WHEN, "tags": {"a", "b"}, "pair": (1, [2, 3]), "amount": Decimal("1.50"), "uid": UID,
        "typed": {"typename": "datetime", "value": "2026-01-01T00:00:00"},
        "nested": {"deep": {"typename": "timedelta", "days": 1, "seconds": 5}, "nan": math.nan},
    })
    for task in tasks[1:]:  # let the values flow down as Spiff's _inherit_data would
        task.data.update({k: copy.copy(v) for k, v in root.data.items() if k not in task.data})
    middle.data.update({"when": WHEN + timedelta(days=1), "ids": (UID, "x"), "frozen": frozenset({1}),
                        "typed_list": [{"typename": "UUID", "value": str(UID)}, {"plain": True}]})
    middle.internal_data.update({
        "at": WHEN, "span": timedelta(hours=5), "ids": (UID,), "flags": {1, 2}, "fn": lambda: None,
        "module": json, "nested": {"cb": print, "when": WHEN,
                                   "list": [WHEN, {"typename": "timedelta", "days": 2, "seconds": 0}]},
        "plain": {"a": [1, 2.5, None, True]},
    })
    return wf, definition("mid_term_replacement")


def test_same_with_non_json_values() -> None:
    wf, d = _non_json_workflow()
    fast, slow = dump_state(wf), stock_dump(wf)
    assert_same_tree(fast, slow)
    assert sharing(task_roots(wf) + [("dump", fast)]) == sharing(task_roots(wf) + [("dump", slow)])
    internal = next(t for t in fast["tasks"].values() if "at" in t["internal_data"])["internal_data"]
    assert internal["at"] == {"value": WHEN.isoformat(), "typename": "datetime"}  # the registry's doing
    assert "fn" not in internal and "module" not in internal and "cb" not in internal["nested"]
    assert internal["flags"] == {1, 2} and internal["ids"] == ({"value": str(UID), "typename": "UUID"},)

    # Restored from the dump itself (not JSON-able): typed dicts become objects, the rest is kept.
    before = copy.deepcopy(slow)
    restored, baseline = restore_state(slow, d.spec, d.subprocess_specs), \
        stock_restore(slow, d.spec, d.subprocess_specs)
    assert_same_tree(slow, before)
    assert_same_tasks(restored, baseline)
    assert sharing(task_roots(restored)) == sharing(task_roots(baseline))
    assert_same_tree(stock_dump(restored), stock_dump(baseline))
    root = restored.task_tree
    assert root.data["typed"] == datetime(2026, 1, 1)
    assert root.data["nested"]["deep"] == timedelta(days=1, seconds=5)
    middle = next(t for t in restored.tasks.values() if "ids" in t.data)
    assert middle.data["typed_list"][0] == UID and middle.internal_data["at"] == WHEN
    assert_isolated(restored)


@pytest.mark.parametrize("typed", [
    {"typename": "nosuch"},  # unknown: the registry fails
    {"typename": "UUID", "value": str(UID)},  # known: the updates become a UUID, update() fails
])
def test_updates_carrying_typename_fail_alike(typed: dict[str, Any]) -> None:
    wf, d = _non_json_workflow()
    middle = list(wf.tasks.values())[len(wf.tasks) // 2]
    middle.data.update(typed)
    state = dump_state(wf)
    assert "typename" in state["tasks"][str(middle.id)]["delta"]["updates"]
    with pytest.raises(Exception) as stock_error:
        stock_restore(state, d.spec, d.subprocess_specs)
    with pytest.raises(Exception) as fast_error:
        restore_state(state, d.spec, d.subprocess_specs)
    assert type(fast_error.value) is type(stock_error.value)
    assert str(fast_error.value) == str(stock_error.value)


def test_full_serializer_and_encoder_mode_alike() -> None:
    """The full (spec included) serializer's JSON: the registry's encoder mode takes the stock path."""
    wf, _ = _non_json_workflow()
    for task in wf.tasks.values():  # serialize_json needs JSON-encodable data (sets become lists)
        for key in ("amount", "pair", "tags", "frozen", "nested", "typed", "uid", "when", "ids",
                    "typed_list"):
            task.data.pop(key, None)
    fast_text = serialization.full_serializer.serialize_json(wf)
    assert fast_text == STOCK_FULL.serialize_json(wf)
    assert_same_tree(serialization.full_serializer.to_dict(wf), STOCK_FULL.to_dict(wf))
    restored = serialization.full_serializer.deserialize_json(fast_text)
    baseline = STOCK_FULL.deserialize_json(fast_text)
    assert_same_tasks(restored, baseline, one_spec=False)
    assert STOCK_FULL.serialize_json(restored) == STOCK_FULL.serialize_json(baseline)


# --- UUID helpers ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "12345678-1234-5678-1234-567812345678", "12345678123456781234567812345678",
    "{12345678-1234-5678-1234-567812345678}", "urn:uuid:12345678-1234-5678-1234-567812345678",
    "ABCDEF01-1234-5678-1234-567812345678", "1234-5678", "", "not-a-uuid", None, 5, b"x" * 16,
])
def test_parse_uuid_is_uuid(value: Any) -> None:
    for _ in range(2):  # miss, then hit
        try:
            expected: Any = uuid.UUID(value)
        except Exception as e:
            expected = e
        if isinstance(expected, Exception):
            with pytest.raises(type(expected)):
                parse_uuid(value)
        else:
            got = parse_uuid(value)
            assert type(got) is uuid.UUID and got == expected and got.is_safe == expected.is_safe


def test_uuid_text_is_str(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(task_converter, "_CACHE_LIMIT", 8)
    values = [uuid.uuid4() for _ in range(30)] + [uuid.uuid5(uuid.NAMESPACE_DNS, "x")]
    for _ in range(2):
        for value in values:
            assert uuid_text(value) == str(value)
            assert parse_uuid(str(value)) == value
    assert len(task_converter._text_of) <= 8 and len(task_converter._uuid_of) <= 8
    assert uuid_text("plain") == "plain" and uuid_text(5) == "5"
