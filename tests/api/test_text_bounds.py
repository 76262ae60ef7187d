"""Free text is bounded to what a person writes: over the bound is a 422 naming the field, and
nothing is written (no instance, no history event). The pages call the same commands."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, request, who
from process_helpers import FS_REQUEST, Api, problem_fields

from service import commands
from service.core.errors import ValidationFailed
from service.core.text_limits import COMMENT, EVIDENCE_ITEMS, LONG_TEXT, SHORT_TEXT
from service.persistence.db import db
from service.persistence.models import HistoryEvent, ProcessInstance


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)),
                db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEvent)))


@pytest.mark.parametrize("changes, field", [
    ({"justification": "字" * (LONG_TEXT + 1)}, "justification"),
    ({"evidence": ["证" * (SHORT_TEXT + 1)]}, "evidence.0"),
    ({"evidence": ["体检报告"] * (EVIDENCE_ITEMS + 1)}, "evidence"),
])
def test_an_adjustment_with_too_much_text_is_refused_and_nothing_is_written(api, app, changes, field):
    before = _counts(app)
    response = api.post("hr_edu", "/adjustments", {**FS_REQUEST, **changes}, status=422)
    assert field in problem_fields(response)
    assert _counts(app) == before


def test_text_at_the_bound_is_accepted(api):
    api.post("hr_edu", "/adjustments", {**FS_REQUEST, "reason": "other",
                                        "justification": "字" * LONG_TEXT}, status=201)


def test_a_recall_finding_over_the_bound_is_refused(api):
    response = api.post("orgdept", "/recalls", {"cadre_id": "c-lisi", "source": "supervision",
                                                "finding": "问" * (LONG_TEXT + 1)}, status=422)
    assert "finding" in problem_fields(response)


def test_a_comment_over_the_bound_is_refused_by_the_api(api):
    # The body is checked before the task is looked up: the field is named either way.
    response = api.post("tw_qingshan", "/tasks/unknown/complete",
                        {"decision": "approve", "comment": "意" * (COMMENT + 1)}, status=422)
    assert "comment" in problem_fields(response)


def test_the_commands_the_pages_call_hold_the_same_bounds(make_app):
    with make_app().app_context():
        row = commands.submit_adjustment(who("hr_edu"), request())
        (task,) = open_tasks(row.id)
        with pytest.raises(ValidationFailed) as comment_refused:
            commands.complete_task(who("tw_qingshan"), task.id, "approve", "意" * (COMMENT + 1))
        assert "comment" in comment_refused.value.errors
        with pytest.raises(ValidationFailed) as data_refused:
            commands.complete_task(who("tw_qingshan"), task.id, "approve", "同意",
                                   data={"notes": ["ok", {"deep": "长" * (LONG_TEXT + 1)}]})
        assert "data.notes[1].deep" in data_refused.value.errors
        with pytest.raises(ValidationFailed) as justification_refused:
            commands.submit_adjustment(who("hr_edu"), request(justification="理" * (LONG_TEXT + 1)))
        assert "justification" in justification_refused.value.errors
        assert "过长" in justification_refused.value.detail
