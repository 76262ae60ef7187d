"""Budgets that keep one process definition from wedging the engine.

Code in a BPMN file (scripts, gateway conditions, timer expressions) and the shape of a process
(a loop of tasks that never waits, a cycle timer that never runs out) can make one command run
for ever or grow without bound. Every engine command therefore runs with a `CommandBudget`
(determinism.command creates it, from the Engine's `Limits`):

* each script run gets a `ScriptBudget` counting its steps (loop iterations, calls) against
  `script_steps`, and its wall-clock time against `script_seconds`; the sandbox's guards and
  the hooks its compiler inserts (sandbox.py) call `step()` and `items()`;
* what a script creates is accounted for: one string or sequence may have at most `items`
  items, all of them together `total_items`, an integer at most `int_bits` bits;
* the whole command may run at most `command_steps` engine steps (tasks run, cycle timer
  firings) in at most `command_seconds`;
* the instance state after a command may be at most `state_bytes` bytes (engine.py checks).

A budget that runs out raises `LimitExceeded` with a Chinese reason naming the element; the
command is abandoned (the caller rolls its transaction back) and the service puts the instance in
status `error`. Once blown, a script's budget stays blown: a script that catches the exception
gets it again at its next step, and again when it ends.

Steps and sizes are deterministic; wall-clock limits are not, so replays of recorded commands
run without them (`Limits.for_replay`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

_monotonic = time.monotonic


@dataclass(frozen=True)
class Limits:
    script_steps: int = 100_000
    script_seconds: float | None = 1.0
    command_steps: int = 2_000
    command_seconds: float | None = 5.0
    items: int = 100_000
    total_items: int = 1_000_000
    int_bits: int = 100_000
    state_bytes: int = 2_000_000

    def __post_init__(self) -> None:
        for name in ("script_steps", "command_steps", "items", "total_items", "int_bits", "state_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"运行限制 {name} 必须为正数")
        for name in ("script_seconds", "command_seconds"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"运行限制 {name} 必须为正数")

    def for_replay(self) -> Limits:
        """Limits for re-executing recorded commands: no wall clock (a slower machine must not make
        a recorded command fail), and ten times the room, so that a limit lowered since does not
        make old records unreplayable, while a runaway still ends."""
        return replace(self, script_seconds=None, command_seconds=None,
                       script_steps=self.script_steps * 10, command_steps=self.command_steps * 10,
                       items=self.items * 10, total_items=self.total_items * 10,
                       int_bits=self.int_bits * 10, state_bytes=self.state_bytes * 10)


class LimitExceeded(Exception):
    """A command ran out of budget. `what` names the limit (a Limits field, or `timer_cycle`),
    `element_id` the BPMN element that was running, `message` is the Chinese reason;
    `instance_id` the instance whose command it was (determinism.command fills it in)."""

    def __init__(self, what: str, message: str, element_id: str | None = None) -> None:
        self.what = what
        self.message = message
        self.element_id = element_id
        self.instance_id: str | None = None
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        where = f"（流程环节 {self.element_id}）" if self.element_id else ""
        return f"{self.message}{where}"


class CommandBudget:
    """The budget of one engine command (all scripts and engine steps of it)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.started = _monotonic()
        seconds = self.limits.command_seconds
        self.deadline = self.started + seconds if seconds is not None else None
        self.steps = 0

    def engine_step(self, element_id: str | None = None) -> None:
        """One task run by the engine, or one firing of a cycle timer."""
        self.steps += 1
        if self.steps > self.limits.command_steps:
            raise LimitExceeded("command_steps",
                                f"一次操作中引擎执行的环节超过 {self.limits.command_steps} 个"
                                "（流程中可能有不经等待的循环，或定时器触发过多）", element_id)
        self.check_time(element_id)

    def check_time(self, element_id: str | None = None) -> None:
        if self.deadline is not None and _monotonic() > self.deadline:
            raise LimitExceeded("command_seconds",
                                f"一次操作中引擎运行超过 {self.limits.command_seconds:g} 秒", element_id)

    def script(self, element_id: str | None) -> ScriptBudget:
        return ScriptBudget(self, element_id)


class ScriptBudget:
    """The budget of one script, condition or expression run (within its command's budget)."""

    __slots__ = ("command", "element_id", "limits", "steps", "total", "deadline", "deadline_what",
                 "blown")

    def __init__(self, command: CommandBudget, element_id: str | None) -> None:
        self.command = command
        self.element_id = element_id
        self.limits = command.limits
        self.steps = 0
        self.total = 0
        self.blown: LimitExceeded | None = None
        seconds = self.limits.script_seconds
        own = _monotonic() + seconds if seconds is not None else None
        self.deadline, self.deadline_what = own, "script_seconds"
        if command.deadline is not None and (own is None or command.deadline < own):
            self.deadline, self.deadline_what = command.deadline, "command_seconds"

    def fail(self, what: str, message: str) -> LimitExceeded:
        if self.blown is None:
            self.blown = LimitExceeded(what, message, self.element_id)
        return self.blown

    def step(self) -> None:
        if self.blown is not None:
            raise self.blown
        self.steps = steps = self.steps + 1
        if steps > self.limits.script_steps:
            raise self.fail("script_steps", f"脚本超出运行预算：循环和调用超过 {self.limits.script_steps} 步")
        # Reading the clock costs more than the rest of a step: every 16th step, and a step is
        # never long (the work of one call is bounded by the sizes of what it is given).
        if not steps & 15 and self.deadline is not None and _monotonic() > self.deadline:
            if self.deadline_what == "script_seconds":
                raise self.fail("script_seconds", f"脚本运行超过 {self.limits.script_seconds:g} 秒")
            raise self.fail("command_seconds", f"一次操作中引擎运行超过 {self.limits.command_seconds:g} 秒")

    def check_items(self, count: int) -> None:
        """One string or sequence of `count` items is about to be made (or looked at)."""
        if self.blown is not None:
            raise self.blown
        if count > self.limits.items:
            raise self.fail("items", f"脚本生成的字符串或序列过大：{count} 项，上限 {self.limits.items} 项")

    def items(self, count: int) -> None:
        """The script is about to create (or has created) a string or sequence of `count` items."""
        self.check_items(count)
        self.total += count
        if self.total > self.limits.total_items:
            raise self.fail("total_items", f"脚本累计生成的数据超过 {self.limits.total_items} 项")

    def int_bits(self, bits: int) -> None:
        if self.blown is not None:
            raise self.blown
        if bits > self.limits.int_bits:
            raise self.fail("int_bits", f"脚本计算的整数过大：约 {bits} 位，上限 {self.limits.int_bits} 位")

    def check_end(self) -> None:
        """After the script: a budget blown (and caught by the script) still ends the command."""
        if self.blown is not None:
            raise self.blown


def check_state_size(size: int, limits: Limits) -> None:
    if size > limits.state_bytes:
        raise LimitExceeded("state_bytes", f"流程实例数据过大：{size} 字节，上限 {limits.state_bytes} 字节")
