"""Shared fixtures for workflows/ tests: fixture BPMN, engine, a manual clock."""

from __future__ import annotations

import pytest
from wf_helpers import fixture_bytes, local

from workflows.clock import ManualClock
from workflows.engine import Engine, load_definition
from workflows.working_days import WorkingCalendar


@pytest.fixture
def approval_definition():
    return load_definition({"approval_loop.bpmn": fixture_bytes("approval_loop.bpmn")})


@pytest.fixture
def engine():
    return Engine(calendar=WorkingCalendar())


@pytest.fixture
def clock():
    # Thursday 2026-09-24 09:00 in Beijing; Friday 25th is the Mid-autumn holiday.
    return ManualClock(local(2026, 9, 24, 9, 0))
