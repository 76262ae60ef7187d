"""Checks a step's decision must pass before the engine takes it, beyond the BPMN's own (its
decisions, required comments and form): what needs the database, such as a quota counted over
other instances. By (process key, task spec id); commands.tasks runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.commands.assessments.grading import check_county_grade
from service.persistence.loading import Loaded
from service.persistence.models import HumanTask

StepGuard = Callable[[Loaded, HumanTask, str | None, str | None, dict[str, Any]], None]

STEP_GUARDS: dict[tuple[str, str], StepGuard] = {
    ("assessment", "county_grade"): check_county_grade,
}


def check_step(loaded: Loaded, task: HumanTask, decision: str | None, comment: str | None,
               data: dict[str, Any]) -> None:
    """Raise (a 422 naming the field) when the step's guard refuses the decision."""
    guard = STEP_GUARDS.get((loaded.row.process_key, task.spec_id))
    if guard is not None:
        guard(loaded, task, decision, comment, data)
