"""RestrictedPython sandbox: escapes fail in scripts, gateway conditions and timer expressions."""

from pathlib import Path

import pytest
from wf_helpers import fixture_bytes, local

from workflows.definitions import Definition, content_hash
from workflows.engine import Engine, load_definition
from workflows.parsing import CadreflowParser, DefinitionError
from workflows.sandbox import RestrictedEnvironment, ScriptError

ORIGINAL_SCRIPT = b"total = sum([x * 2 for x in values])"
ORIGINAL_CONDITION = b"total &gt; 10 and count == 2"
ORIGINAL_TIMER = b">deadline_statement<"
START_DATA = {"values": [1, 2, 3], "facts": {"party_status": "formal", "party_member_since": "2020-01-01",
                                              "work_start_date": "2010-01-01", "employment_type": "staff"}}

ESCAPES = [
    "import os",
    "__import__('os').system('touch {marker}')",
    "().__class__.__base__.__subclasses__()",
    "open('{marker}', 'w').write('x')",
    "getattr(values, '__class__')",
    "type(values).mro()",
    "values.__class__",
    "eval('1')",
    "'{{0.__class__}}'.format(1)",
]


def unvalidated(xml: bytes) -> Definition:
    """Parse without deploy-time validation, to prove the runtime sandbox holds on its own."""
    parser = CadreflowParser()
    parser.add_bpmn_str(xml, "variant.bpmn")
    return Definition(key="script_ok", name="variant", content_hash=content_hash({"v": xml}),
                      files={"variant.bpmn": xml}, version_label="t", spec=parser.get_spec("script_ok"),
                      subprocess_specs=parser.get_subprocess_specs("script_ok"))


def xml_escape(code: str) -> bytes:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def test_ordinary_scripts_conditions_and_timers_work(engine):
    definition = load_definition({"script_ok.bpmn": fixture_bytes("script_ok.bpmn")})
    inst = engine.start(definition, START_DATA, instance_id="s1", at=local(2026, 11, 2, 9, 0))
    data = inst.data
    assert data["total"] == 13 and data["count"] == 2 and data["items"] == {"a": 1, "b": 12}
    assert data["violations"] == []
    # Condition total > 10 and count == 2 took the timer branch; the timer waits 5 working days.
    assert inst.active_element_ids() == ["wait"]
    [timer] = inst.pending_timers()
    assert timer.fire_at == local(2026, 11, 9, 9, 0)
    inst.fire_due_timers(local(2026, 11, 9, 9, 0, 1))
    assert inst.status == "completed"
    assert "end_completed" in inst.completed_element_ids()


@pytest.mark.parametrize("code", ESCAPES)
def test_escape_in_script_task_fails(engine, tmp_path: Path, code: str):
    marker = tmp_path / "pwned"
    xml = fixture_bytes("script_ok.bpmn").replace(ORIGINAL_SCRIPT, xml_escape(code.format(marker=marker)))
    with pytest.raises(ScriptError) as err:
        engine.start(unvalidated(xml), START_DATA, instance_id="s2", at=local(2026, 11, 2, 9, 0))
    assert err.value.element_id == "run_script"
    assert "run_script" in str(err.value) and code.format(marker=marker) in err.value.code
    assert not marker.exists()


@pytest.mark.parametrize("code", ESCAPES[1:])  # `import os` is a statement, not an expression
def test_escape_in_gateway_condition_fails(engine, tmp_path: Path, code: str):
    marker = tmp_path / "pwned"
    xml = fixture_bytes("script_ok.bpmn").replace(ORIGINAL_CONDITION, xml_escape(code.format(marker=marker)))
    with pytest.raises(ScriptError) as err:
        engine.start(unvalidated(xml), START_DATA, instance_id="s3", at=local(2026, 11, 2, 9, 0))
    assert err.value.element_id == "gw"
    assert not marker.exists()


@pytest.mark.parametrize("code", ESCAPES[1:])
def test_escape_in_timer_expression_fails(engine, tmp_path: Path, code: str):
    marker = tmp_path / "pwned"
    xml = fixture_bytes("script_ok.bpmn").replace(
        ORIGINAL_TIMER, b">" + xml_escape(code.format(marker=marker)) + b"<")
    with pytest.raises(ScriptError) as err:
        engine.start(unvalidated(xml), START_DATA, instance_id="s4", at=local(2026, 11, 2, 9, 0))
    assert err.value.element_id == "wait"
    assert not marker.exists()


@pytest.mark.parametrize(("original", "element"), [
    (ORIGINAL_SCRIPT, "run_script"), (ORIGINAL_CONDITION, "f_cond"), (ORIGINAL_TIMER, "wait")])
def test_deploy_refuses_dunder_code(original, element):
    bad = b"().__class__.__base__.__subclasses__()"
    replacement = b">" + bad + b"<" if original == ORIGINAL_TIMER else bad
    xml = fixture_bytes("script_ok.bpmn").replace(original, replacement)
    with pytest.raises(DefinitionError) as err:
        load_definition({"evil.bpmn": xml})
    assert err.value.element_id == element
    assert "evil.bpmn" in str(err.value) and element in str(err.value)


def test_sandbox_is_reattached_after_restore(engine):
    definition = load_definition({"script_ok.bpmn": fixture_bytes("script_ok.bpmn")})
    inst = engine.start(definition, START_DATA, instance_id="s5", at=local(2026, 11, 2, 9, 0))
    restored = Engine().restore(definition, inst.state(), instance_id="s5")
    assert isinstance(restored.workflow.script_engine.environment, RestrictedEnvironment)


def test_environment_write_back_and_reserved_names():
    env = RestrictedEnvironment()
    ctx = {"a": 1, "lst": [1], "gone": 1}
    env.execute("a += 1\nlst.append(2)\ndel gone\nb = {k: v for k, v in [('x', 1)]}\nf = lambda: 1", ctx)
    assert ctx == {"a": 2, "lst": [1, 2], "b": {"x": 1}}  # functions never enter task data
    with pytest.raises(ValueError):
        env.evaluate("1", {"check_nominee": 1})
    assert env.evaluate("max(a, 5) + min(lst)", ctx) == 6
