"""JSON text for the database's JSON columns: orjson, with the standard library where they differ.

An instance's stored state is written and read once per command, so its JSON text is on every
command's path; orjson writes and reads it in a fraction of the standard library's time.
What the columns hold stays the same JSON values. Hashes are not made here: state hashes are
taken over the canonical text of workflows/canonical.py (the standard library's text, byte for
byte, mostly written by orjson too).

Where orjson would refuse a value or write it differently from the standard library (integers
beyond 64 bits, non-string keys, subclasses of str/int/dict/list, datetimes, dataclasses and other
objects neither knows), `dumps` falls back to the standard library, so such a value is written (or
refused) exactly as before. Two differences remain, both on values the standard library cannot
write as JSON: a UUID or an Enum member is written as its string or value (the standard library
refuses them), and NaN or an infinity as null (the standard library writes tokens that are not
JSON, and PostgreSQL refuses them). The state hash writes both the same way, so a state's hash
is the hash of the state as stored.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from workflows.canonical import PLAIN_JSON_OPTIONS, refuse_non_json


def dumps(value: Any) -> str:
    """The JSON text of `value`, as a column stores it."""
    try:
        return orjson.dumps(value, default=refuse_non_json, option=PLAIN_JSON_OPTIONS).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)


def loads(text: str | bytes) -> Any:
    """The value of a column's JSON text (the standard library's reading where orjson refuses it,
    e.g. NaN tokens an older row may hold)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
