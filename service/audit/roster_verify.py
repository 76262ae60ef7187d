"""verify_roster_log: recompute every roster change's hash and its link to the previous one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import RosterChange
from service.persistence.roster_chain import CHANGE_HASH_FIELDS, change_hash

BATCH = 1000


@dataclass(frozen=True)
class RosterVerification:
    chain: str  # ok | broken
    changes: int
    first_bad_id: int | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.chain == "ok"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows() -> Iterable[RosterChange]:
    # In batches by id: a county's log outgrows one fetch, and the check needs only one row back.
    after = 0
    while True:
        batch = db.session.execute(
            sa.select(RosterChange).where(RosterChange.id > after).order_by(RosterChange.id).limit(BATCH)
        ).scalars().all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
        db.session.expunge_all()


def verify_roster_log() -> RosterVerification:
    count, prev_hash, expected_id = 0, None, 1
    for row in _rows():
        count += 1
        problem = None
        if row.id != expected_id:
            problem = f"第 {expected_id} 条缺失（下一条是第 {row.id} 条）"
        elif row.prev_hash != prev_hash:
            problem = f"第 {row.id} 条的前一哈希与第 {row.id - 1} 条不符"
        elif change_hash({name: getattr(row, name) for name in CHANGE_HASH_FIELDS}) != row.change_hash:
            problem = f"第 {row.id} 条的内容与其哈希不符（记录被改动）"
        if problem:
            return RosterVerification("broken", count, expected_id if row.id != expected_id else row.id,
                                      f"名册变更记录哈希链断裂：{problem}")
        prev_hash, expected_id = row.change_hash, row.id + 1
    return RosterVerification("ok", count, None, f"完整：{count} 条名册变更记录的哈希链一致")
