"""A write statement as the SQL text and driver parameters SQLAlchemy would send for it, so that a
pipeline of queued writes (service/deferred_writes.py) goes to the driver without SQLAlchemy's
execution around each statement (about 30 µs apiece: a fifth of a completion's writes).

The text is SQLAlchemy's own compilation and the parameters go through the same type processing
(UTC datetimes, JSON); only statements whose every parameter comes from the caller qualify. One
with column defaults computed in Python, IN lists expanded at execution or renamed parameters has
no raw form (`raw_form` returns None) and is executed by SQLAlchemy as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class RawForm:
    sql: str
    compiled: SQLCompiler
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The driver's parameters for one row of `values` (every bind filled in, types processed)."""
        params = self.compiled.construct_params(dict(values))
        for name, process in self.processors:
            params[name] = process(params[name])
        return params


@functools.lru_cache(maxsize=256)
def raw_form(statement: sa.Executable, keys: tuple[str, ...], dialect: Dialect) -> RawForm | None:
    """`statement` run with parameters named `keys` (sorted), compiled for `dialect`; None when
    SQLAlchemy has to take part in its execution. Meant for statements built once and reused
    (the cache holds them by identity)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is not None:
        return None
    # (a SELECT's compiler has no postfetch list: only DML statements do)
    if any(getattr(compiled, needs_sqlalchemy, None) for needs_sqlalchemy in (
            "insert_prefetch", "update_prefetch", "postfetch", "returning", "escaped_bind_names",
            "literal_execute_params", "post_compile_params")):
        return None
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    return RawForm(compiled.string, compiled, tuple(processors))
