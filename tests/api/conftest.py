"""Fixtures of the generated-request tests (tests/support/api_properties.py), one set per module."""

from __future__ import annotations

from typing import Any

import pytest
from api_properties import api_schema_of, known_path_values
from flask import Flask


@pytest.fixture(scope="module")
def api_schema(app: Flask, clock: Any) -> Any:
    return api_schema_of(app)


@pytest.fixture(scope="module")
def known_ids(app: Flask, tokens: dict[str, str], clock: Any) -> dict[str, Any]:
    """Path values that exist: hr_edu's replacement request with a file, waiting on 青山镇, and an account."""
    return known_path_values(app, tokens)
