"""Append-only, hash-chained log of every change to the roster (who, when, before, after).

Eligibility facts decide approvals, so editing them must leave a trace an auditor can verify like
process history. One chain for the whole roster: each row's prev_hash is the previous row's
change_hash, and the unique prev_hash lets only one of two simultaneous appends take a link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime

# presence: a cadre's month in the village (entity id "<cadre>:<yyyy-mm>"); party_relation: a
# posting's Party relation (the posting's id). Neither is a process instance, so their changes are
# logged here, on the same chain.
ROSTER_ENTITIES = ("township", "village", "unit", "cadre", "posting", "user", "presence", "party_relation")
ROSTER_ACTIONS = ("create", "update", "deactivate", "reactivate", "end", "confirm")


class RosterChange(Model):
    __tablename__ = "roster_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_login: Mapped[str] = mapped_column(sa.String(64))
    actor_role: Mapped[str | None] = mapped_column(sa.String(32))
    entity: Mapped[str] = mapped_column(sa.String(16))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(16))
    # The changed fields only, before and after (None for a create's before).
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Where the change came from: "api", "page", "import:<sha256 of the file>", "migration", "demo",
    # "process:<instance id>" (a posting an approved dispatch or a completed handover made or ended).
    source: Mapped[str | None] = mapped_column(sa.String(100))
    prev_hash: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    change_hash: Mapped[str] = mapped_column(sa.String(80))

    __table_args__ = (
        sa.CheckConstraint(
            "entity IN (" + ", ".join(repr(e) for e in ROSTER_ENTITIES) + ")", name="entity"),
        sa.CheckConstraint(
            "action IN (" + ", ".join(repr(a) for a in ROSTER_ACTIONS) + ")", name="action"),
        # "the history of this cadre / village" (pages, audit export).
        sa.Index("ix_roster_changes_entity_entity_id", "entity", "entity_id"),
    )


class RosterLogIsAppendOnly(AppendOnlyViolation):
    pass


guard_append_only(
    RosterChange, RosterLogIsAppendOnly,
    lambda c: f"名册变更记录只能追加，不能修改或删除（第 {c.id} 条）",
    "名册变更记录只能追加，不能修改或删除")
