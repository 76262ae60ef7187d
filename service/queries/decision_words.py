"""The words of a step's decisions, from the instance's pinned definition (BPMN property
decision_labels), for everything people read: task pages, inboxes, timelines, notifications,
exports. Words a step does not define are the general ones (core.labels.DECISION_NAMES).

A definition version never changes once deployed, so what an old case shows stays what its own
version said."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from service.core.labels import decision_word
from service.persistence.db import db
from service.persistence.models import ProcessDefinition
from service.persistence.runtime import definition_by_id

StepKey = tuple[int, str]  # (definition id, task spec id)


def step_words(keys: Iterable[StepKey]) -> dict[StepKey, dict[str, str]]:
    """The own decision words of each (definition, step); steps without any are left out."""
    wanted = {k for k in keys if k[1]}
    if not wanted:
        return {}
    hashes = dict(db.session.execute(sa.select(ProcessDefinition.id, ProcessDefinition.content_hash).where(
        ProcessDefinition.id.in_({d for d, _ in wanted}))).all())
    out: dict[StepKey, dict[str, str]] = {}
    for definition_id, spec_id in wanted:
        if definition_id not in hashes:
            continue
        spec = definition_by_id(definition_id, hashes[definition_id]).task_spec(spec_id)
        words = ((spec.extensions or {}).get("decisionLabels") if spec is not None else None) or {}
        if words:
            out[(definition_id, spec_id)] = dict(words)
    return out


def words_of_step(definition_id: int, spec_id: str | None) -> dict[str, str]:
    return step_words([(definition_id, spec_id)]).get((definition_id, spec_id or ""), {}) if spec_id else {}


def step_decision_word(definition_id: int, spec_id: str | None, decision: str | None) -> str | None:
    """The word people read for `decision` taken on step `spec_id` of that definition."""
    return decision_word(decision, words_of_step(definition_id, spec_id))
