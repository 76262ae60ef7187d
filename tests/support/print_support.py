"""For the printable forms' tests: walk a replacement, its handover and a recall to their ends
(tests/support/step_walk.py) and read back a PDF's text. Imported by name."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import sqlalchemy as sa
from step_walk import RECALL, REPLACEMENT, STEPS, fill

DATES = {"ARRIVAL": "2026-12-01", "EFFECTIVE": "2027-01-04"}


def walk_cases(app: Any, clock: Any | None = None) -> dict[str, str]:
    """Every step of STEPS, as its holder decides it; {process key: the first instance of it}: the
    replacement, its handover (completed) and the recall. With `clock`
    (a ManualClock) each step comes half an hour after the one before."""
    from service import commands
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import HumanTask, ProcessInstance, User

    def who(login: str) -> Principal:
        return Principal.from_user(db.session.get(User, login))

    with app.app_context():
        commands.submit_adjustment(who("hr_edu"), {**REPLACEMENT, "effective_date": date(2026, 12, 1)})
    recall_opened = False
    for step in STEPS:
        if clock is not None:
            clock.advance(minutes=30)
        with app.app_context():
            if step.case == "recall" and not recall_opened:
                commands.open_recall(who("orgdept"), RECALL)
                recall_opened = True
            process = {"replacement": "mid_term_replacement"}.get(step.case, step.case)
            task = db.session.execute(
                sa.select(HumanTask).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                .where(ProcessInstance.process_key == process, HumanTask.status == "open",
                       HumanTask.spec_id == step.spec_id)).scalar_one()
            commands.complete_task(who(step.login), task.id, step.decision, step.comment,
                                   fill(step.data, DATES))
    with app.app_context():
        rows = db.session.execute(sa.select(ProcessInstance.process_key, ProcessInstance.id)
                                  .order_by(ProcessInstance.created_at, ProcessInstance.id)).all()
    # the first of each kind: the replacement's handover (done) comes before the recall's (open)
    cases: dict[str, str] = {}
    for key, instance_id in rows:
        cases.setdefault(key, instance_id)
    return cases


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with all white space taken out: a line break in a table cell
    then never splits a phrase the test looks for."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return ["".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return "".join(pdf_pages(pdf))


def squeeze(text: str) -> str:
    return "".join(text.split())
