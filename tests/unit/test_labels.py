"""service/core/labels.py names every code people read: none falls through as English."""

from __future__ import annotations

from pathlib import Path

from service.core import labels
from service.core.principal import ROLES
from service.persistence.history import COMMAND_KIND_BY_EVENT
from service.persistence.models import INSTANCE_STATUSES
from workflows.parsing import DECISIONS

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def test_every_code_has_a_chinese_name() -> None:
    assert set(labels.ROLE_NAMES) == set(ROLES)
    assert set(labels.STATUS_NAMES) == set(INSTANCE_STATUSES)
    assert set(labels.DECISION_NAMES) == set(DECISIONS)
    assert set(labels.EVENT_KIND_NAMES) == set(COMMAND_KIND_BY_EVENT)
    assert set(labels.TIMER_WHAT) == set(labels.TIMER_NOTICE_NAMES)
    assert set(labels.NOTIFICATION_KIND_NAMES) == (
        set(labels.TIMER_NOTICE_NAMES) | {"urge"} | set(labels.PROCESS_NOTICE_NAMES))
    # every way a case ends is told to its submitter (commands/process_notices.py)
    from service.commands.process_notices import ENDINGS
    assert set(ENDINGS) <= set(labels.PROCESS_NOTICE_NAMES)


def test_every_bundled_process_has_a_name() -> None:
    keys = {path.stem for path in BPMN.glob("*.bpmn")}
    assert keys and keys <= set(labels.PROCESS_NAMES)
