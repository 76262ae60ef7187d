"""service/core/labels.py names every code people read: none falls through as English."""

from __future__ import annotations

from pathlib import Path

from service.core import labels
from service.core.principal import ROLES
from service.persistence.history import COMMAND_KIND_BY_EVENT
from service.persistence.models import (
    ASSESSMENT_KINDS,
    EMPLOYMENT_TYPES,
    GRADES,
    INSTANCE_STATUSES,
    LEAVE_STATES,
    LEAVE_TYPES,
    PARTY_STATUSES,
    PRESENCE_STATUSES,
    UNIT_KINDS,
    UNIT_LEVELS,
)
from service.persistence.models.roster_changes import ROSTER_ACTIONS, ROSTER_ENTITIES
from workflows.parsing import DECISIONS

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def test_every_code_has_a_chinese_name() -> None:
    assert set(labels.ROLE_NAMES) == set(ROLES)
    assert set(labels.STATUS_NAMES) == set(INSTANCE_STATUSES)
    assert set(labels.DECISION_NAMES) == set(DECISIONS)
    assert set(labels.EVENT_KIND_NAMES) == set(COMMAND_KIND_BY_EVENT)
    assert set(labels.TIMER_WHAT) == set(labels.TIMER_NOTICE_NAMES)
    assert set(labels.NOTIFICATION_KIND_NAMES) == (
        set(labels.TIMER_NOTICE_NAMES)
        | {"urge", "term_ending", "presence_short", "cc", "signer", "assessment"}
        | set(labels.PROCESS_NOTICE_NAMES))
    # every way a case ends is told to its submitter (commands/process_notices.py)
    from service.commands.process_notices import ENDINGS
    assert set(ENDINGS) <= set(labels.PROCESS_NOTICE_NAMES)
    assert set(labels.EMPLOYMENT_NAMES) == set(EMPLOYMENT_TYPES)
    assert set(labels.ASSESSMENT_GRADE_NAMES) == set(GRADES)
    assert set(labels.ASSESSMENT_KIND_NAMES) == set(ASSESSMENT_KINDS)


def test_every_roster_code_has_a_chinese_name() -> None:
    assert set(labels.UNIT_LEVEL_NAMES) == set(UNIT_LEVELS)
    assert set(labels.UNIT_KIND_NAMES) == set(UNIT_KINDS)
    assert set(labels.EMPLOYMENT_NAMES) == set(EMPLOYMENT_TYPES)
    assert set(labels.PARTY_NAMES) == set(PARTY_STATUSES) and labels.PARTY_NAMES["none"] == "群众"
    assert set(labels.ROSTER_ENTITY_NAMES) == set(ROSTER_ENTITIES)
    assert set(labels.ROSTER_ACTION_NAMES) == set(ROSTER_ACTIONS)


def test_every_presence_code_has_a_chinese_name() -> None:
    assert set(labels.LEAVE_TYPE_NAMES) == set(LEAVE_TYPES)
    assert set(labels.LEAVE_STATE_NAMES) == set(LEAVE_STATES)
    assert set(labels.PRESENCE_STATUS_NAMES) == set(PRESENCE_STATUSES)


def test_every_bundled_process_has_a_name() -> None:
    keys = {path.stem for path in BPMN.glob("*.bpmn")}
    assert keys and keys <= set(labels.PROCESS_NAMES)
