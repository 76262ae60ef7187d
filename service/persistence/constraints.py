"""Which constraint a failed write broke, read from the driver's error (PostgreSQL names it;
SQLite names the columns of a unique index instead)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from service.persistence.models.instances import ONE_OPEN_CASE_COLUMNS, ONE_OPEN_CASE_INDEX

_SQLITE_ONE_OPEN_CASE = "UNIQUE constraint failed: " + ", ".join(
    f"process_instances.{column}" for column in ONE_OPEN_CASE_COLUMNS)


def breaks_one_open_case(err: IntegrityError) -> bool:
    """A second running case of the same cadre and process (models/instances.py)."""
    orig = err.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None) == ONE_OPEN_CASE_INDEX
    return str(orig).strip() == _SQLITE_ONE_OPEN_CASE
