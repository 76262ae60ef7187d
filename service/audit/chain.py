"""The hash-chain check: every event's hash recomputed, every link and every seq in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.persistence.history import event_fields, event_hash


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    first_bad_seq: int | None = None
    detail: str | None = None


def check_chain(events: Sequence[Any]) -> ChainResult:
    """`events` in stored seq order. seq must run 1, 2, 3 ... without gaps: a deleted or reordered
    event is reported at the first position where the expected seq is not there."""
    if not events:
        return ChainResult(False, 1, "没有任何历史事件")
    previous: str | None = None
    for position, event in enumerate(events, start=1):
        if event.seq != position:
            return ChainResult(False, position,
                               f"第 {position} 条事件缺失或顺序被打乱（该位置是第 {event.seq} 条）")
        if event.prev_hash != previous:
            return ChainResult(False, position,
                               f"第 {position} 条事件的前序哈希与第 {position - 1} 条事件不符")
        if event_hash(event_fields(event), event.prev_hash) != event.event_hash:
            return ChainResult(False, position, f"第 {position} 条事件的内容与其哈希不符（已被修改）")
        previous = event.event_hash
    return ChainResult(True)
