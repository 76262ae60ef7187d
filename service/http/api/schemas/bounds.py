"""Validators that hold the dates of a request to service/core/bounds.py, with its messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from marshmallow import ValidationError

from service.core.bounds import year_problem


def within_years(field: str) -> Callable[[date], None]:
    """A date or datetime field's value lies in the years the service knows (422 naming it)."""

    def check(value: date) -> None:
        problem = year_problem(field, value.year)
        if problem:
            raise ValidationError(problem)

    return check
