"""Postings that processes create or end go into the roster change log (who, when, before, after)."""

from __future__ import annotations

from typing import Any

from service.commands.outbox import Reported
from service.commands.roster_log import append_roster_change, as_json_value
from service.persistence.db import db
from service.persistence.models import Posting

POSTING_FIELDS = ("cadre_id", "village_id", "role", "term_start", "term_end", "planned_end", "active",
                  "supplier_id", "leads_team", "source_instance_id")


def posting_values(posting: Posting) -> dict[str, Any]:
    return {name: getattr(posting, name) for name in POSTING_FIELDS}


def log_posting(reported: Reported, posting: Posting, action: str, before: dict[str, Any] | None) -> None:
    """One roster change for `posting`, made by the process instance `reported` is about."""
    db.session.flush()  # the new posting's id
    after = {k: as_json_value(v) for k, v in posting_values(posting).items()}
    append_roster_change(
        actor_login=reported.actor.login, actor_role=reported.grant.role if reported.grant else None,
        entity="posting", entity_id=str(posting.id), action=action,
        before={k: as_json_value(v) for k, v in before.items()} if before is not None else None,
        after=after, source=f"{reported.row.process_key}:{reported.row.id}")
