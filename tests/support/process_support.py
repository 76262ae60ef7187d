"""Drivers shared by the test_processes_* modules (this module itself holds no tests).

It is named test_processes_* only because those are the test paths owned by the BPMN work; the
test directories are not packages, so the other modules import it by name.

`Run` drives one instance of a real bpmn/ file through the engine facade with a ManualClock. With
``restore_each_step=True`` it dumps the state after every command, pushes it through JSON and
continues on a freshly restored instance: running the same scenario in both modes and comparing
the state hash after every command is the serialization round-trip check at every wait state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from workflows.clock import ManualClock
from workflows.engine import CommandResult, Definition, Engine, HumanTask, Instance, load_definition
from workflows.working_days import WorkingCalendar

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
CST = timezone(timedelta(hours=8), "CST")
HANDOVER_KEYS = {"old_cadre_id", "new_cadre_id", "village_id", "township_id", "unit_id", "role"}


def cst(*args: int) -> datetime:
    """A Beijing wall-clock time (deadlines are reckoned on Asia/Shanghai dates)."""
    return datetime(*args, tzinfo=CST)


@cache
def definition(key: str) -> Definition:
    return load_definition({f"{key}.bpmn": (BPMN_DIR / f"{key}.bpmn").read_bytes()})


ELIGIBLE_FACTS = {"party_status": "formal", "party_member_since": "2012-07-01",
                  "party_confirmed_on": "2013-07-01",
                  "work_start_date": "2009-09-01", "employment_type": "civil_servant"}
TEMPORARY_FACTS = {"party_status": "formal", "party_member_since": "2012-07-01",
                   "work_start_date": "2009-09-01", "employment_type": "temporary"}


def adjustment_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cadre_id": "cadre_old", "cadre_name": "张三", "village_id": "v_hongqi", "village_name": "红旗村",
        "village_category": "poverty_alleviated", "village_categories": ["poverty_alleviated"],
        "township_id": "t_dongxiang", "unit_id": "u_jiaoyu", "role": "first_secretary",
        "term_start": "2025-06-01", "planned_end": "2027-05-31", "reason": "health", "justification": "",
        "nominee_id": "cadre_new", "nominee_name": "李四", "nominee_facts": dict(ELIGIBLE_FACTS),
        "effective_date": "2026-11-02", "evidence": ["体检报告"], "submitter": "hr_jiaoyu",
    }
    data.update(overrides)
    return data


def handover_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "old_cadre_id": "cadre_old", "new_cadre_id": "cadre_new", "village_id": "v_hongqi",
        "township_id": "t_dongxiang", "unit_id": "u_jiaoyu", "role": "first_secretary",
        "source_instance_id": "inst_src",
        "party_transfer_role": "unit_hr", "party_transfer_org_id": "u_jiaoyu",
    }
    data.update(overrides)
    return data


def recall_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cadre_id": "cadre_old", "cadre_name": "张三", "role": "first_secretary", "village_id": "v_hongqi",
        "township_id": "t_dongxiang", "unit_id": "u_jiaoyu", "source": "supervision",
        "finding": "长期不在岗，群众反映强烈", "evidence": ["督查通报"], "opened_by": "org_admin",
        "supplier_role": "unit_hr", "supplier_id": "u_jiaoyu",
    }
    data.update(overrides)
    return data


def assessment_data(**overrides: Any) -> dict[str, Any]:
    """A year's assessment of a first secretary sent by a dispatch unit (as the service starts it)."""
    data: dict[str, Any] = {
        "kind": "annual", "year": 2026, "round_id": "round_2026", "posting_id": 7, "cadre_id": "cadre_old",
        "cadre_name": "张三", "role": "first_secretary", "village_id": "v_hongqi", "village_name": "红旗村",
        "township_id": "t_dongxiang", "supplier_id": "u_jiaoyu", "supplier_name": "教育局",
        "supplied_by_township": False, "unit_id": "u_jiaoyu", "term_start": "2025-03-01",
        "planned_end": "2027-02-28", "period_start": "2026-01-01", "period_end": "2026-12-31",
    }
    data.update(overrides)
    return data


HANDOVER_LIST = {"village_situation": "全村 312 户", "household_situation": "监测户 9 户",
                 "policy_situation": "衔接资金政策", "open_projects": "村道硬化", "funds": "余 3.2 万元",
                 "archives": "档案 14 盒"}


@dataclass
class Run:
    """One instance plus the bookkeeping the assertions need."""

    key: str
    data: dict[str, Any]
    start_at: datetime = field(default_factory=lambda: cst(2026, 9, 24, 9, 0))
    restore_each_step: bool = False
    deadlines: dict[str, str] | None = None
    instance_id: str = "inst_test"

    def __post_init__(self) -> None:
        self.clock = ManualClock(self.start_at)
        self.engine = Engine(calendar=WorkingCalendar(), deadlines=self.deadlines)
        self.inst: Instance = self.engine.start(definition(self.key), self.data, instance_id=self.instance_id,
                                                at=self.clock.now())
        self.messages: list[tuple[str, Any]] = list(self.inst.last_result.thrown_messages
                                                    if self.inst.last_result else [])
        self.fired: list[str] = []
        self.hashes: list[str] = [self.inst.state_hash()]
        self.restores = 0
        self._after_command()

    # --- queries ---------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.inst.status

    def open_spec_ids(self) -> list[str]:
        return sorted(t.spec_id for t in self.inst.open_tasks())

    def task(self, spec_id: str) -> HumanTask:
        found = [t for t in self.inst.open_tasks() if t.spec_id == spec_id]
        assert len(found) == 1, f"expected one open {spec_id}, open: {self.open_spec_ids()}"
        return found[0]

    def timers(self) -> dict[str, datetime]:
        return {t.spec_id: t.fire_at for t in self.inst.pending_timers()}

    def ended_at(self) -> list[str]:
        done = set(self.inst.completed_element_ids())
        return sorted(e for e in done if e.startswith("end_") and not e.startswith("end_reminded"))

    # --- commands --------------------------------------------------------------------------
    def do(self, spec_id: str, decision: str, comment: str | None = None, data: dict[str, Any] | None = None,
           trusted: dict[str, Any] | None = None, at: datetime | None = None) -> CommandResult:
        if at is not None:
            self.clock.set(at)
        task = self.task(spec_id)
        result = self.inst.complete(task.id, decision=decision, comment=comment, data=data,
                                    trusted_data=trusted, actor="tester", at=self.clock.now())
        return self._record(result)

    def message(self, name: str, payload: Any = None) -> CommandResult:
        return self._record(self.inst.send_message(name, payload, at=self.clock.now()))

    def fire(self, at: datetime) -> CommandResult:
        self.clock.set(at)
        result = self.inst.fire_due_timers(at=at)
        self.fired += [t.spec_id for t in result.fired_timers]
        return self._record(result)

    def _record(self, result: CommandResult) -> CommandResult:
        self.messages += result.thrown_messages
        self.hashes.append(self.inst.state_hash())
        self._after_command()
        return result

    def _after_command(self) -> None:
        if self.restore_each_step:
            # Through JSON, as the service stores it: proves the state is plain data.
            before = self.inst.state_hash()
            state = json.loads(json.dumps(self.inst.state()))
            self.inst = self.engine.restore(definition(self.key), state, instance_id=self.instance_id)
            assert self.inst.state_hash() == before, "restore changed the state"
            self.restores += 1


def approve_through(run: Run, *spec_ids: str) -> None:
    for spec_id in spec_ids:
        run.do(spec_id, "approve")
