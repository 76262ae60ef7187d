"""Serialization round trip at every wait state of every path.

Each scenario runs twice: once on one live instance, once restoring the instance from its JSON
state after every command (so every wait state the path passes is stored and reloaded). Both runs
must produce the same state hash after every command, the same thrown messages, the same fired
timers and the same end. The scenarios include timer firings, so restored timers keep their
absolute fire times and the sandbox is re-attached (scripts and conditions still run after
restore).
"""

from __future__ import annotations

import pytest
from process_scenarios import FIRED, SCENARIOS
from process_support import Run


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_restored_twin_continues_identically(name: str) -> None:
    key, data, scenario, status, hands_over = SCENARIOS[name]
    live = Run(key, dict(data))
    restored = Run(key, dict(data), restore_each_step=True)
    scenario(live)
    scenario(restored)
    assert restored.restores == len(restored.hashes)  # restored after start and after every command
    assert restored.hashes == live.hashes
    assert restored.messages == live.messages
    assert restored.fired == live.fired
    assert restored.ended_at() == live.ended_at()
    assert live.status == restored.status == status
    assert [m[0] for m in live.messages] == (["handover_requested"] if hands_over else [])
    assert live.fired == FIRED.get(name, [])
