"""Budgets: no script, process shape or cycle timer can hold the engine for long or grow without
bound; each ends its command with LimitExceeded naming the element, in well under a second."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from wf_helpers import fixture_bytes, local

from workflows import determinism
from workflows.budget import LimitExceeded, Limits
from workflows.engine import Engine, load_definition
from workflows.parsing import DefinitionError
from workflows.sandbox import RestrictedEnvironment
from workflows.working_days import WorkingCalendar

ORIGINAL_SCRIPT = b"total = sum([x * 2 for x in values])"
START_DATA = {"values": [1, 2, 3], "facts": {"party_status": "formal", "party_member_since": "2020-01-01",
                                              "work_start_date": "2010-01-01", "employment_type": "staff"}}
AT = local(2026, 11, 2, 9, 0)


def xml_escape(code: str) -> bytes:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def with_script(code: str) -> bytes:
    return fixture_bytes("script_ok.bpmn").replace(ORIGINAL_SCRIPT, xml_escape(code))


def start(code: str, engine: Engine | None = None, data: dict | None = None):  # type: ignore[no-untyped-def]
    definition = load_definition({"budget.bpmn": with_script(code)})
    return (engine or Engine()).start(definition, data or START_DATA, instance_id="b1", at=AT)


def refused(code: str, engine: Engine | None = None) -> tuple[LimitExceeded, float]:
    began = time.monotonic()
    with pytest.raises(LimitExceeded) as err:
        start(code, engine)
    return err.value, time.monotonic() - began


# --- steps and time --------------------------------------------------------------------------

def test_a_thirty_million_step_loop_ends_at_the_step_budget_in_well_under_a_second():
    err, took = refused("total = 0\ni = 0\nwhile i < 30000000:\n    i += 1")
    assert err.what == "script_steps" and err.element_id == "run_script"
    assert "脚本超出运行预算" in err.reason and "run_script" in err.reason
    assert took < 2.0  # was ~18 s


@pytest.mark.parametrize("code", [
    "total = 0\nwhile True:\n    pass",
    "total = 0\nfor i in range(90000):\n    for j in range(90000):\n        total += 1",
    "total = sum([1 for i in range(90000) for j in range(90000)])",
    "f = lambda n: 1 if n == 0 else f(n - 1) + f(n - 1)\ntotal = f(40)",  # calls, no loop at all
    "def gen():\n    while True:\n        yield 1\ntotal = sum(gen())",
])
def test_every_kind_of_loop_spends_steps(code: str):
    err, took = refused(code)
    assert err.what == "script_steps" and took < 2.0


def test_catching_the_budget_exception_does_not_let_a_script_go_on():
    code = ("total = 0\nfor n in range(10):\n    try:\n        while True:\n            pass\n"
            "    except Exception:\n        total += 1")
    err, took = refused(code)
    assert err.what == "script_steps" and took < 2.0


def test_wall_clock_budget_of_a_script():
    engine = Engine(limits=Limits(script_steps=10**9, script_seconds=0.2))
    # each step is slow (a scan of a long list), so the clock runs out before the steps do
    err, took = refused("big = list(range(90000))\ntotal = 0\nwhile 89999 in big:\n    total += 1", engine)
    assert err.what == "script_seconds" and "秒" in err.reason
    assert 0.2 <= took < 1.5


def test_wall_clock_budget_of_a_command_spans_its_scripts():
    engine = Engine(limits=Limits(script_steps=10**9, script_seconds=None, command_seconds=0.2))
    err, _ = refused("big = list(range(90000))\ntotal = 0\nwhile 89999 in big:\n    total += 1", engine)
    assert err.what == "command_seconds"


def test_a_process_loop_that_never_waits_ends_at_the_engine_step_budget():
    xml = fixture_bytes("script_ok.bpmn").replace(
        b'sourceRef="gw" targetRef="end_other"', b'sourceRef="gw" targetRef="run_script"')
    definition = load_definition({"loop.bpmn": xml})
    engine = Engine(limits=Limits(command_steps=200))
    began = time.monotonic()
    with pytest.raises(LimitExceeded) as err:  # values [1]: total 3, never > 10, so round it goes
        engine.start(definition, {**START_DATA, "values": [1]}, instance_id="loop", at=AT)
    assert err.value.what == "command_steps" and "不经等待的循环" in err.value.reason
    assert time.monotonic() - began < 2.0


# --- what scripts create ---------------------------------------------------------------------

@pytest.mark.parametrize(("code", "what"), [
    ("x = 'a' * 500000000", "items"),
    ("x = [0] * 500000000", "items"),
    ("s = 'x'\nfor i in range(40):\n    s += s", "items"),
    ("s = 'x'\nfor i in range(40):\n    s = s + s", "items"),
    ("n = 2 ** 10 ** 7", "int_bits"),
    ("n = 1 << 10 ** 8", "int_bits"),
    ("n = 3\nfor i in range(40):\n    n = n * n", "int_bits"),
    ("n = pow(7, 10 ** 8)", "int_bits"),
    ("x = list(range(10 ** 9))", "items"),
    ("x = range(10 ** 9)", "items"),
    ("x = f'{1:>1000000000}'", "items"),
    ("x = f'{1.5:.1000000000f}'", "items"),
    ("x = 'x'.ljust(10 ** 9)", "items"),
    ("x = '\\t' * 90000\ny = x.expandtabs(100000)", "items"),
    ("x = 'x' * 90000\ny = x.replace('x', x)", "items"),
    ("a = ['x' * 90000] * 90000\ny = ''.join(a)", "items"),
    ("a = ['x' * 90000] * 90000\ny = str(a)", "items"),
    ("a = ['x' * 90000] * 90000\ny = f'{a}'", "items"),
    ("a = ['x' * 90000] * 90000\ny = '%s' % (a,)", "items"),
    ("y = '%*d' % (1000000000, 1)", None),  # refused outright (a ValueError of the sandbox)
    ("a = [0] * 90000\nfor i in range(40):\n    a.extend(a)", "items"),
    ("a = [0] * 90000\nb = [a[:] for i in range(90000)]", "total_items"),
    ("a = [0] * 90000\nb = [list(a) for i in range(90000)]", "total_items"),
    ("a = [0] * 90000\nb = [[*a] for i in range(90000)]", "total_items"),
    ("a = 'x' * 90000\nb = [a.upper() for i in range(90000)]", "total_items"),
])
def test_what_a_script_creates_is_bounded(code: str, what: str | None):
    began = time.monotonic()
    with pytest.raises(Exception) as err:  # noqa: PT011 - LimitExceeded, or a ScriptError (None)
        start("total = 1\n" + code)
    assert time.monotonic() - began < 2.0
    if what is None:
        assert "不允许" in str(err.value)
    else:
        assert isinstance(err.value, LimitExceeded) and err.value.what == what, err.value


def test_sum_concatenating_lists_is_refused():
    with pytest.raises(Exception, match="只能对数字求和"):
        start("total = 1\nx = sum([[1]] * 1000, [])")


def test_ordinary_script_features_still_work():
    env = RestrictedEnvironment()
    ctx = {"names": ["张三", "李四"], "n": 7, "d": {"a": 1}}
    env.execute(
        "total = sum(x * 2 for x in range(10))\n"
        "label = f'{n:>4}|{n!r}|{3.14159:.2f}|{names[0]}'\n"
        "pct = '%d%% %s' % (n, names[1])\n"
        "merged = {**d, 'b': 2}\n"
        "joined = '、'.join(names)\n"
        "firsts = [*names, *names][:3]\n"
        "ordered = sorted(names, key=lambda s: -len(s))\n"
        "big = pow(2, 100, 97) + 2 ** 64 + (1 << 70)\n"
        "padded = 'x'.ljust(5).replace('x', 'yy') + str(n) * 3\n"
        "i = 0\nwhile i < 3:\n    i += 1\n"
        "a, b = names\n", ctx)
    assert ctx["total"] == 90 and ctx["label"] == "   7|7|3.14|张三" and ctx["pct"] == "7% 李四"
    assert ctx["merged"] == {"a": 1, "b": 2} and ctx["joined"] == "张三、李四"
    assert ctx["firsts"] == ["张三", "李四", "张三"] and ctx["i"] == 3
    assert (ctx["a"], ctx["b"]) == ("张三", "李四")
    assert ctx["big"] == pow(2, 100, 97) + 2 ** 64 + (1 << 70) and ctx["padded"] == "yy    777"


def test_the_budget_belongs_to_the_command_of_the_calling_thread():
    env = RestrictedEnvironment()
    limits = Limits(script_steps=50)
    with determinism.command("tight", AT, WorkingCalendar(), limits=limits):
        with pytest.raises(LimitExceeded):
            env.execute("total = 0\nfor i in range(100):\n    total += i", {})
    env.execute("total = 0\nfor i in range(100):\n    total += i", {})  # outside: the default limits


# --- instance size ---------------------------------------------------------------------------

def test_instance_state_is_capped_after_each_command():
    engine = Engine(limits=Limits(state_bytes=60_000))
    err, _ = refused("total = 1\nblob = 'x' * 80000", engine)
    assert err.what == "state_bytes" and "流程实例数据过大" in err.reason
    with pytest.raises(LimitExceeded):  # start data alone can be too much
        engine.start(load_definition({"script_ok.bpmn": fixture_bytes("script_ok.bpmn")}),
                     {**START_DATA, "blob": "x" * 80_000}, instance_id="b2", at=AT)


def test_replays_have_no_wall_clock_and_more_room():
    limits = Limits().for_replay()
    assert limits.script_seconds is None and limits.command_seconds is None
    assert limits.script_steps == Limits().script_steps * 10
    with pytest.raises(ValueError):
        Limits(script_steps=0)


# --- cycle timers ----------------------------------------------------------------------------

def cycle(expression: str, name: str = "等待") -> bytes:
    xml = fixture_bytes("script_ok.bpmn").replace(b"bpmn:timeDuration", b"bpmn:timeCycle")
    xml = xml.replace(b'id="wait" name="\xe7\xad\x89\xe5\xbe\x85"', f'id="wait" name="{name}"'.encode())
    return xml.replace(b">deadline_statement<", b">" + expression.encode() + b"<")


@pytest.mark.parametrize(("expression", "words"), [
    ('"R/PT0S"', "不能无限重复"),
    ('"R/PT1S"', "不能无限重复"),
    ('"R/P1D"', "不能无限重复"),
    ('"R5/PT1S"', "短于 1 分钟"),
    ('"R5/PT59S"', "短于 1 分钟"),
    ('"R2/2026-11-02T09:00:00+08:00/PT30S"', "短于 1 分钟"),
    ('"R1001/P1D"', "超过上限 1000 次"),
    ('"RX/P1D"', "无效"),
    ("deadline_statement", "带引号的字面量"),
])
def test_deploy_refuses_runaway_cycle_timers_naming_the_element(expression: str, words: str):
    with pytest.raises(DefinitionError) as err:
        load_definition({"cycle.bpmn": cycle(expression, name="每日催办")})
    assert err.value.element_id == "wait" and err.value.file_name == "cycle.bpmn"
    assert words in str(err.value) and "每日催办" in str(err.value) and "wait" in str(err.value)


@pytest.mark.parametrize("expression", ['"R5/PT1M"', '"R3/P1D"', '"R1000/P1D"', '"R2/PT1H"'])
def test_bounded_cycles_of_a_minute_or_more_deploy(expression: str):
    load_definition({"cycle.bpmn": cycle(expression)})


def test_a_stored_version_with_a_runaway_cycle_loads_but_cannot_run_it():
    definition = load_definition({"old.bpmn": cycle('"R/PT0S"')}, deploying=False)
    began = time.monotonic()
    with pytest.raises(LimitExceeded) as err:
        Engine().start(definition, START_DATA, instance_id="old", at=AT)
    assert err.value.what == "timer_cycle" and err.value.element_id == "wait"
    assert "不能无限重复" in err.value.reason and time.monotonic() - began < 1.0
    # The same content deployed anew (even from the cache) is refused.
    with pytest.raises(DefinitionError):
        load_definition({"old.bpmn": cycle('"R/PT0S"')})


def test_a_waiting_runaway_cycle_puts_the_command_out_instead_of_spinning():
    """A timer that started waiting before the rule (its state says unbounded, zero period)."""
    engine = Engine()
    inst = engine.start(load_definition({"cy.bpmn": cycle('"R2/PT1M"')}), START_DATA, instance_id="cy", at=AT)
    [timer] = [t for t in inst.workflow.get_tasks() if t.task_spec.bpmn_id == "wait"]
    timer._set_internal_data(event_value={**timer._get_internal_data("event_value"), "cycles": -1,
                                          "duration_iso": "PT0S"})
    began = time.monotonic()
    with pytest.raises(LimitExceeded) as err:
        inst.fire_due_timers(local(2026, 11, 2, 10, 0))
    assert err.value.what == "timer_cycle" and time.monotonic() - began < 1.0


def test_catching_up_a_long_overdue_cycle_spends_engine_steps():
    engine = Engine(limits=Limits(command_steps=50))
    inst = engine.start(load_definition({"cy.bpmn": cycle('"R1000/PT1M"')}), START_DATA, instance_id="cy2",
                        at=AT)
    waiting = inst.state()
    with pytest.raises(LimitExceeded) as err:
        inst.fire_due_timers(local(2026, 11, 3, 9, 0))  # a day late: 1000 firings due
    assert err.value.what == "command_steps"
    small = replace(engine.limits, command_steps=2000)
    again = Engine(limits=small).restore(inst.definition, waiting, "cy2")
    assert again.fire_due_timers(local(2026, 11, 2, 9, 3, 30)).fired_timers  # a few late: fine
