"""The engine's state does not depend on the key order of the data it is handed (JSONB reorders)."""

from __future__ import annotations

import json

from wf_helpers import local, request_data

from workflows.engine import state_hash
from workflows.serialization import restore_state


def reversed_keys(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    return value


def test_start_and_trusted_data_order_do_not_change_the_state(approval_definition, engine) -> None:
    data = request_data()
    hashes = []
    for variant in (data, reversed_keys(data)):
        inst = engine.start(approval_definition, variant, instance_id="order", at=local(2026, 11, 2, 9, 0))
        task = inst.open_tasks()[0]
        inst.complete(task.id, decision="approve", comment="", actor="t", at=local(2026, 11, 2, 10, 0),
                      trusted_data=reversed_keys({"b": 1, "a": {"y": 2, "x": 3}}) if variant is not data
                      else {"a": {"x": 3, "y": 2}, "b": 1})
        hashes.append(state_hash(inst.state()))
    assert hashes[0] == hashes[1]


def test_restore_leaves_its_input_alone(approval_definition, engine) -> None:
    inst = engine.start(approval_definition, request_data(), instance_id="keep", at=local(2026, 11, 2, 9, 0))
    state = json.loads(json.dumps(inst.state()))
    before = json.dumps(state)
    restored = restore_state(state, approval_definition.spec, approval_definition.subprocess_specs)
    assert json.dumps(state) == before
    assert restored.get_tasks()
