"""Open tasks for the tests of the inbox's search, filters and order (tests/web, tests/api): three
in the Organization Department's inbox (待办), in three townships and three dispatch units, and
one of 白水乡's. Driven through the command layer on the tests' manual clock, which starts on
Tuesday 2026-12-01 09:00 (Beijing); each task is due 5 working days after it is received.

    "wangqiang"  recall of 王强 (兴隆村, 红旗镇, 供电公司)    received 12-01 09:00, due 12-08 09:00
    "zhangwei"   replacement of 张伟 by 孙浩 (上庄村, 青山镇, 教育局), at its filing
                                                        received 12-01 11:00, due 12-08 11:00
    "lina"       recall of 李娜 (水口村, 白水乡, 人民医院)  received 12-02 10:00, due 12-09 10:00
    "zhaomin"    replacement of 赵敏 by 郑凯 (红岩村, 白水乡, 教育局), 白水乡's task
                                                        received 12-02 10:30
The clock is left at 12-02 10:30.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, User

ORG_DEPT = "orgdept"


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def open_task(instance_id: str, role: str) -> HumanTask:
    return db.session.execute(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                         HumanTask.status == "open", HumanTask.role == role)
                              ).scalar_one()


def _recall(cadre_id: str, finding: str) -> str:
    row = commands.open_recall(who(ORG_DEPT), {"cadre_id": cadre_id, "source": "assessment",
                                               "finding": finding, "evidence": ["考核结果通报"]})
    return open_task(row.id, "org_dept").id


def _replacement(cadre_id: str, village_id: str, nominee_id: str) -> str:
    return commands.submit_adjustment(who("hr_edu"), {
        "cadre_id": cadre_id, "village_id": village_id, "role": "first_secretary", "reason": "health",
        "justification": "", "nominee_id": nominee_id, "effective_date": date(2026, 12, 20),
        "evidence": ["体检报告"]}).id


def _filed_replacement(clock: Any) -> str:
    """张伟's replacement, agreed by 青山镇 and the county: at the Organization Department's filing."""
    instance_id = _replacement("c-zhangwei", "v-shangzhuang", "c-sunhao")
    for login, role in (("tw_qingshan", "township"), ("county", "county")):
        clock.advance(minutes=30)
        commands.complete_task(who(login), open_task(instance_id, role).id, "approve", "同意", {})
    return open_task(instance_id, "org_dept").id


def build(app: Any, clock: Any) -> dict[str, str]:
    """The tasks' ids by case name (see the module's docstring)."""
    with app.app_context():
        tasks = {"wangqiang": _recall("c-wangqiang", "年度考核不称职")}
        clock.advance(hours=1)
        tasks["zhangwei"] = _filed_replacement(clock)
        clock.advance(hours=23)
        tasks["lina"] = _recall("c-lina", "多次无故离岗")
        clock.advance(minutes=30)
        tasks["zhaomin"] = open_task(_replacement("c-zhaomin", "v-hongyan", "c-zhengkai"), "township").id
        db.session.remove()
    return tasks
