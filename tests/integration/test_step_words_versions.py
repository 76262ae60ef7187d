"""Renamed steps and step words come with a new definition version only: a case started on an
older version keeps its own step names and words, replays and verifies; new cases read the new
ones. The older version is the one main shipped before the rename (a fixture, stored as is)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from timer_helpers import adjustment, at_clock, bj, complete, open_task, who

from service import commands
from service.audit import verify_instance
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessDefinition
from service.queries.timeline import instance_history
from workflows.definitions import content_hash

SUPPORT = Path(__file__).resolve().parents[1] / "support" / "fixtures"
BEFORE = (SUPPORT / "mid_term_replacement_before_step_words.bpmn").read_text(encoding="utf-8")
NOW = (Path(__file__).resolve().parents[2] / "bpmn" / "mid_term_replacement.bpmn").read_text(
    encoding="utf-8")


def store_version(xml: str, label: str) -> int:
    """A version as an upgrade finds it (or deploys it): stored as is, the newest one (under its
    own file name, so the current file is a version of its own beside the seeded one)."""
    latest = db.session.execute(sa.select(sa.func.max(ProcessDefinition.version)).where(
        ProcessDefinition.key == "mid_term_replacement")).scalar()
    db.session.add(ProcessDefinition(key="mid_term_replacement", version=latest + 1, name=label,
                                     content_hash=content_hash({"m.bpmn": xml.encode()}),
                                     files={"m.bpmn": xml}, deployed_by="admin"))
    db.session.commit()
    return latest + 1


def task_names(instance_id: str) -> list[str]:
    return list(db.session.execute(sa.select(HumanTask.name).where(HumanTask.instance_id == instance_id)
                                   .order_by(HumanTask.created_at, HumanTask.id)).scalars())


def test_a_case_on_the_older_version_keeps_its_words_and_verifies(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        store_version(BEFORE, "before")
        old = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        complete("tw_qingshan", old, "township_consent", "return", "请补充材料")
        complete("hr_edu", old, "revise_request", "resubmit", "已补充")

        store_version(NOW, "now")  # the upgrade: the renamed steps are the newest version
        complete("tw_qingshan", old, "township_consent", "approve", "同意")
        complete("county", old, "county_consent", "approve", "同意")
        complete("orgdept", old, "org_dept_filing", "approve", "同意")
        assert verify_instance(old).ok

        # The old case reads as its own version said: old step names, the general words.
        assert "乡镇党委政府同意" in task_names(old) and "乡镇党委政府审核" not in task_names(old)
        descriptions = [h["description"] for h in instance_history(old)]
        assert any(d.endswith("办理「县委组织部审核备案」：同意") for d in descriptions)
        assert any(d.endswith("办理「乡镇党委政府同意」：退回修改") for d in descriptions)

        elsewhere = adjustment(cadre_id="c-zhaomin", village_id="v-hongyan", nominee_id="c-zhengkai")
        new = commands.submit_adjustment(who("hr_edu"), elsewhere).id
        assert open_task(new, "township_consent").name == "乡镇党委政府审核"
        complete("tw_baishui", new, "township_consent", "approve", "同意")
        complete("county", new, "county_consent", "approve", "同意")
        complete("orgdept", new, "org_dept_filing", "approve", "同意")
        assert verify_instance(new).ok
        descriptions = [h["description"] for h in instance_history(new)]
        assert any(d.endswith("办理「县委组织部审核备案」：予以备案") for d in descriptions)
