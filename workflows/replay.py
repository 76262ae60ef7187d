"""Re-execution of recorded commands (design.md §2.3).

A command is {kind, inputs, at}; kinds: start, complete, message, fire_timers, terminate,
recompute_deadlines and migrate (to the target version the caller hands in: migration.py).
Replay starts from nothing and returns the state hash after each command;
with deterministic ids and the recorded clock readings it reproduces the recorded states byte for
byte. `restore_between=True` serializes and restores between commands, as the service does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .definitions import Definition
from .engine import Engine, Instance
from .migration import migrate


class ReplayError(Exception):
    def __init__(self, index: int, message: str) -> None:
        self.index = index
        super().__init__(f"重放第 {index} 条命令失败: {message}")


def _at(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def apply_command(engine: Engine, definition: Definition, instance: Instance | None,
                  command: Mapping[str, Any], instance_id: str, target: Definition | None = None) -> Instance:
    """`instance` after `command` (a new Instance for start and migrate). `target`: the version a
    migrate command moves to (the caller resolves it from the command's inputs)."""
    kind, inputs, at = command["kind"], dict(command.get("inputs") or {}), _at(command["at"])
    if kind == "start":
        if instance is not None:
            raise ValueError("start 只能是第一条命令")
        return engine.start(definition, inputs.get("data", {}), instance_id=instance_id, at=at)
    if instance is None:
        raise ValueError("第一条命令必须是 start")
    if kind == "complete":
        instance.complete(inputs["task_id"], decision=inputs.get("decision"), comment=inputs.get("comment"),
                          data=inputs.get("data"), actor=inputs.get("actor"), at=at,
                          trusted_data=inputs.get("trusted_data"))
    elif kind == "message":
        instance.send_message(inputs["name"], inputs.get("payload"), at=at)
    elif kind == "fire_timers":
        instance.fire_due_timers(at)
    elif kind == "recompute_deadlines":
        instance.recompute_deadlines(at)
    elif kind == "terminate":
        instance.terminate(at)
    elif kind == "migrate":
        if target is None:
            raise ValueError("迁移命令须给出目标版本的流程定义")
        return migrate(instance, target, dict(inputs.get("mapping") or {}), at)
    else:
        raise ValueError(f"未知的命令类型 {kind!r}")
    return instance


def replay(definition: Definition, commands: Iterable[Mapping[str, Any]], engine: Engine,
           instance_id: str | None = None, restore_between: bool = False) -> list[str]:
    """Re-execute `commands` from nothing; return the state hash after each one."""
    commands = list(commands)
    if instance_id is None:
        if not commands or commands[0].get("kind") != "start":
            raise ReplayError(0, "第一条命令必须是 start")
        instance_id = commands[0].get("inputs", {}).get("instance_id")
        if not instance_id:
            raise ReplayError(0, "start 命令缺少 instance_id")
    hashes: list[str] = []
    instance: Instance | None = None
    for index, command in enumerate(commands):
        try:
            if restore_between and instance is not None:
                instance = engine.restore(definition, instance.state(), instance_id)
            instance = apply_command(engine, definition, instance, command, instance_id)
        except Exception as err:
            raise ReplayError(index, f"{type(err).__name__}: {err}") from err
        hashes.append(instance.state_hash())
    return hashes


def verify(definition: Definition, commands: Iterable[Mapping[str, Any]], engine: Engine,
           recorded_hashes: list[str], instance_id: str | None = None) -> int | None:
    """Index of the first command whose replayed hash differs from the record, or None."""
    replayed = replay(definition, commands, engine, instance_id=instance_id)
    if len(replayed) != len(recorded_hashes):
        return min(len(replayed), len(recorded_hashes))
    for i, (a, b) in enumerate(zip(replayed, recorded_hashes, strict=True)):
        if a != b:
            return i
    return None
