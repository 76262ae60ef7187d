"""The canonical JSON text that state hashes are taken over, byte for byte as it always was.

Canonical means the standard library's `json.dumps(obj, sort_keys=True, separators=(",", ":"),
ensure_ascii=False, allow_nan=False)` in UTF-8: every recorded state hash was taken over that
text, and a replay years later must produce the same bytes. Every saved state is hashed, so
writing that text is on every command's path. orjson writes it, with the check below that its
text is the same, in much less time; where the two could differ, the standard library writes it
instead:

* values orjson refuses or is told to pass on (integers beyond 64 bits, non-string keys, str/int/
  dict/list subclasses, datetimes, dataclasses, other objects, invalid Unicode): the standard
  library then writes them as before, or refuses them as before;
* floats it writes differently: below 1e-4 orjson writes 1e-05 as "0.00001" and 3e-07 as "3e-7"
  where the standard library writes "1e-05" and "3e-07". Every float the two write differently
  comes out of orjson either with "0.0000" in it or as a number with an exponent ("e-7,");
  text with either (in a number, or by chance in a string) is written by the standard library.
  Everything else is the same shortest round-trip repr in both (tests/unit/test_canonical.py
  compares them over hundreds of thousands of floats, all Unicode planes and real states).

Two values are written where the standard library refuses them, as the state column writes them
(service/json_codec.py): a UUID or an Enum member as its string or value, and NaN or an infinity
as null. The state a hash is taken over and the state that is stored then agree.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# orjson options for plain JSON only: datetimes, dataclasses and subclasses go to `default`
# (refuse_non_json), so the standard library decides about them (also service/json_codec.py).
PLAIN_JSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
                      | orjson.OPT_PASSTHROUGH_SUBCLASS)
_OPTIONS = PLAIN_JSON_OPTIONS | orjson.OPT_SORT_KEYS
# A number with an exponent, as orjson ends it: sign, at most three digits, then what follows a
# value in canonical JSON (or the end). A UUID's "…5e-4a3b…" never matches: four or twelve hex
# digits, then "-" or a quote.
_EXPONENT = re.compile(rb"e[-+][0-9]{1,3}(?:[,\]}]|\Z)")


def refuse_non_json(value: Any) -> Any:
    """orjson's `default`: anything it does not write natively is left to the standard library."""
    raise TypeError(f"not plain JSON: {type(value).__name__}")


def standard_canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _floats_written_differently(text: bytes) -> bool:
    return b"0.0000" in text or _EXPONENT.search(text) is not None


def canonical_bytes(obj: Any) -> bytes:
    """The canonical JSON text of `obj` in UTF-8 (see the module's docstring)."""
    try:
        text = orjson.dumps(obj, default=refuse_non_json, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return standard_canonical(obj)
    return standard_canonical(obj) if _floats_written_differently(text) else text
