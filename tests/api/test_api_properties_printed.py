"""Generated requests (tests/support/api_properties.py)
against the printed forms (each answer a PDF rendering).
"""

from __future__ import annotations

from typing import Any

import pytest
from api_properties import check_operation, operations_in


@pytest.mark.parametrize("operation", operations_in("printed"))
def test_generated_requests(api_schema: Any, known_ids: dict[str, Any], tokens: dict[str, str],
                            operation: str) -> None:
    check_operation(api_schema, known_ids, tokens, operation)
