"""Generated requests (tests/support/api_properties.py)
against the reports and the yearly work: coverage, presence, support, assessments.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_properties import AREAS, all_operations, check_operation, operations_in


@pytest.mark.parametrize("operation", operations_in("reports"))
def test_generated_requests(api_schema: Any, known_ids: dict[str, Any], tokens: dict[str, str],
                            operation: str) -> None:
    check_operation(api_schema, known_ids, tokens, operation)


def test_every_operation_is_in_an_area_and_generated() -> None:
    by_area = [operations_in(area) for area in AREAS]
    assert sorted(op for ops in by_area for op in ops) == sorted(all_operations())
    assert all(by_area), "an area with no operation: its file tests nothing"
    assert len(all_operations()) >= 30 and "PUT /api/v1/calendar/years/{year}" in all_operations()
