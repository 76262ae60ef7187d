"""Start data the service fills in from configuration for particular processes.

Deadlines go to every process (core.start); the dispatch unit duty standards of domain rules 9
and 12 (CADREFLOW_DUTY_*) only to unit_duties. A caller of the HTTP API never sets either (the generic
start refuses `deadline_*` and `duty_*` keys, commands/process.py); the merged data is what the
start event records, so a replay needs no configuration.
"""

from __future__ import annotations

from typing import Any

from service.config import get_settings

UNIT_DUTIES_KEY = "unit_duties"


def start_defaults(key: str) -> dict[str, Any]:
    if key == UNIT_DUTIES_KEY:
        return get_settings().process_duty_standards
    return {}
