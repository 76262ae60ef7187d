"""The words of a step's decisions, from the instance's pinned definition (BPMN property
decision_labels), for everything people read: task pages, inboxes, timelines, notifications,
exports. Words a step does not define are the general ones (core.labels.DECISION_NAMES).

A definition version never changes once deployed, so what an old case shows stays what its own
version said."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from service.core.labels import decision_word
from service.persistence.db import db
from service.persistence.models import ProcessDefinition
from service.persistence.runtime import definition_by_id
from workflows.definitions import Definition

StepKey = tuple[int, str]  # (definition id, task spec id)


def own_words(definition: Definition, spec_id: str | None) -> dict[str, str]:
    """The decision words step `spec_id` of `definition` defines itself (empty: none)."""
    spec = definition.task_spec(spec_id) if spec_id else None
    return dict(((spec.extensions or {}).get("decisionLabels") if spec is not None else None) or {})


def step_words(keys: Iterable[StepKey],
               known: Mapping[int, Definition] | None = None) -> dict[StepKey, dict[str, str]]:
    """The own decision words of each (definition, step); steps without any are left out.
    `known`: definitions by id the caller already holds (not looked up again)."""
    wanted = {k for k in keys if k[1]}
    known = dict(known or {})
    missing = {d for d, _ in wanted} - set(known)
    if missing:
        for definition_id, content_hash in db.session.execute(sa.select(
                ProcessDefinition.id, ProcessDefinition.content_hash).where(
                ProcessDefinition.id.in_(missing))).all():
            known[definition_id] = definition_by_id(definition_id, content_hash)
    out: dict[StepKey, dict[str, str]] = {}
    for definition_id, spec_id in wanted:
        words = own_words(known[definition_id], spec_id) if definition_id in known else {}
        if words:
            out[(definition_id, spec_id)] = words
    return out


def step_decision_word(definition: Definition, spec_id: str | None, decision: str | None) -> str | None:
    """The word people read for `decision` taken on step `spec_id` of `definition`."""
    return decision_word(decision, own_words(definition, spec_id))
