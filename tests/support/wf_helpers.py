"""Helpers shared by the workflows/ tests (imported by name: the test dirs are not packages)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CST = timezone(timedelta(hours=8), "CST")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)


def request_data(**overrides: object) -> dict:
    data = {
        "cadre_id": "c_old", "cadre_name": "张三", "village_id": "v1", "village_name": "红旗村",
        "village_category": "poverty_alleviated", "village_categories": ["poverty_alleviated"],
        "township_id": "t1", "unit_id": "u1", "role": "first_secretary", "term_start": "2025-06-01",
        "planned_end": None, "reason": "health", "justification": "",
        "nominee_id": "c_new", "nominee_name": "李四",
        "nominee_facts": {"party_status": "formal", "party_member_since": "2010-07-01",
                          "party_confirmed_on": "2011-07-01",
                          "work_start_date": "2008-09-01", "employment_type": "civil_servant"},
        "effective_date": "2026-10-15", "evidence": ["体检报告"], "submitter": "hr_u1", "rounds": 0,
    }
    data.update(overrides)
    return data
