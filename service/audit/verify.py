"""verify_instance: chain check, then replay, then the stored state against the last record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from service.audit.attachment_check import check_attachments
from service.audit.chain import check_chain
from service.audit.events import instance_events
from service.audit.replayer import Replayer, start_definition_id
from service.core.errors import NotFound
from service.persistence.db import db
from service.persistence.models import ProcessDefinition, ProcessInstance
from service.persistence.runtime import definition_of
from workflows.serialization import state_hash


@dataclass(frozen=True)
class Verification:
    instance_id: str
    chain: str  # ok | broken
    replay: str  # ok | diverged
    events: int
    first_bad_seq: int | None
    detail: str
    attachments: str = "ok"  # ok | mismatch: the stored files against the events naming them

    @property
    def ok(self) -> bool:
        return self.chain == "ok" and self.replay == "ok" and self.attachments == "ok"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify_instance(instance_id: str, replayer: Replayer | None = None) -> Verification:
    """Check one instance. The replay runs even over a broken chain: it shows whether the broken
    part also changed the outcome; first_bad_seq is the earlier of the two findings."""
    row = db.session.get(ProcessInstance, instance_id, populate_existing=True)
    if row is None:
        raise NotFound(f"流程实例 {instance_id} 不存在。")
    events = instance_events(row.id)
    chain = check_chain(events)
    replay_bad, replay_detail = _replay(row, events, replayer or Replayer())
    files_bad, files_detail = check_attachments(row.id, events)
    bad = [s for s in (chain.first_bad_seq, replay_bad, files_bad) if s is not None]
    details = [d for d in (chain.detail and f"哈希链断裂：{chain.detail}",
                           replay_detail and f"重放不一致：{replay_detail}",
                           files_detail and f"附件不符：{files_detail}") if d]
    return Verification(
        instance_id=row.id, chain="ok" if chain.ok else "broken",
        replay="ok" if replay_bad is None else "diverged", events=len(events),
        first_bad_seq=min(bad) if bad else None,
        detail="；".join(details) if details else f"完整：{len(events)} 条事件的哈希链与重放结果均一致，"
                                                   "与实例当前状态相符",
        attachments="ok" if files_bad is None else "mismatch",
    )


def _replay(row: ProcessInstance, events: list[Any], replayer: Replayer) -> tuple[int | None, str | None]:
    if not events:
        return 1, "没有可重放的事件"
    # an instance moved to another version started on the version its first migration names
    definition_row = db.session.get(ProcessDefinition, start_definition_id(row.definition_id, events))
    if definition_row is None:
        return 1, "实例发起时的流程版本不存在"
    definition = definition_of(definition_row)
    if definition.content_hash != definition_row.content_hash:
        return 1, f"流程定义 {definition_row.key} v{definition_row.version} 的文件与其内容哈希不符"
    outcome = replayer.run(definition, events, row.id, definition_id=definition_row.id)
    if not outcome.ok:
        return outcome.first_bad_seq, outcome.detail
    last = events[-1]
    if outcome.definition_id != row.definition_id:
        return last.seq + 1, "实例记录的流程版本与历史中的迁移不符（版本被修改，或迁移事件被删除）"
    if state_hash(row.state) != last.state_hash:
        # No recorded event produced the stored state: either it was edited, or the event that
        # produced it is missing from the end. Both mean "event last+1 should be there and is not",
        # which for a deleted last event is exactly the deleted seq.
        return last.seq + 1, (f"实例当前保存的状态不是任何已记录事件的结果：与第 {last.seq} 条（最后一条）"
                              f"事件记录的状态不符（状态被修改，或其后的事件被删除）")
    return None, None
