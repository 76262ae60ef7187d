"""The canonical text of state hashes (workflows/canonical.py) is byte for byte the standard
library's, whether orjson or the standard library writes it: at every wait state of the real
processes, for floats of every magnitude, for every Unicode plane, in keys and in values."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import struct
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import orjson
import pytest
from process_scenarios import SCENARIOS
from process_support import Run

from workflows import canonical
from workflows.canonical import canonical_bytes, standard_canonical
from workflows.serialization import canonical_json, state_hash


def written_by_orjson(obj: Any) -> bool:
    try:
        text = orjson.dumps(obj, default=canonical.refuse_non_json, option=canonical._OPTIONS)
    except TypeError:
        return False
    return not canonical._floats_written_differently(text)


class StateRecorder(Run):
    """A Run that keeps the instance state after start and after every command."""

    def __post_init__(self) -> None:
        self.states: list[dict[str, Any]] = []
        super().__post_init__()
        self.states.append(self.inst.state())

    def _after_command(self) -> None:
        self.states.append(self.inst.state())
        super()._after_command()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_wait_state_of_the_real_processes_hashes_as_before_through_orjson(name: str) -> None:
    key, data, scenario, _status, _ = SCENARIOS[name]
    run = StateRecorder(key, copy.deepcopy(data))
    scenario(run)
    assert len(run.states) >= 3
    for state in run.states:
        assert written_by_orjson(state)  # the fast path is the one compared
        assert canonical_bytes(state) == standard_canonical(state)
        assert state_hash(state) == "sha256:" + hashlib.sha256(standard_canonical(state)).hexdigest()


def _random_floats(rng: random.Random, count: int) -> list[float]:
    values = []
    for _ in range(count):
        values.append(rng.random() * 10.0 ** rng.randint(-30, 30) * rng.choice((1, -1)))
        bits = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if math.isfinite(bits):
            values.append(bits)
    for exponent in range(-324, 309):  # every decade edge, where the notations switch
        for mantissa in (1.0, 1.5, 9.999999999999998, 5.0):
            # below 1e-308, 10.0 ** exponent underflows: reach subnormals in two steps
            value = mantissa * (10.0 ** exponent if exponent > -308 else 1e-300 * 10.0 ** (exponent + 300))
            if math.isfinite(value):
                values += [value, -value]
    return values + [0.0, -0.0, 5e-324, 1.7976931348623157e308, 2.0 ** 53, 0.1, 1 / 3, 1e16, 1e-4, 1e-5]


def test_floats_of_every_magnitude_are_written_as_the_standard_library_writes_them() -> None:
    rng = random.Random(20261204)
    floats = _random_floats(rng, 60_000)
    for start in range(0, len(floats), 50):  # as values in lists and dicts, next to other values
        chunk = floats[start:start + 50]
        doc = {"values": chunk, "by_key": {f"k{i}": v for i, v in enumerate(chunk)}, "id": str(uuid.uuid4())}
        assert canonical_bytes(doc) == standard_canonical(doc)
    for value in floats[:5000]:
        assert canonical_bytes([value]) == standard_canonical([value])
        assert canonical_bytes(value) == standard_canonical(value)  # a bare number, at the very end


def test_floats_orjson_writes_differently_are_caught_and_written_by_the_standard_library() -> None:
    for value in (1e-05, -4.8e-05, 3.7e-06, 9e-09):
        assert orjson.dumps(value) != standard_canonical(value)  # the reason for the fallback
        assert not written_by_orjson({"x": value})
        assert canonical_bytes({"x": value}) == standard_canonical({"x": value})
    for value in (5e-324, 1e+16, 1.5e+300):  # written alike, caught all the same: exponents go the safe way
        assert orjson.dumps(value) == standard_canonical(value) and not written_by_orjson([value])


def test_text_in_every_unicode_plane_and_key_order_match() -> None:
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(characters), 4096):
        chunk = "".join(characters[start:start + 4096])
        assert canonical_bytes({"s": chunk}) == standard_canonical({"s": chunk})
    rng = random.Random(7)
    keys = {"".join(rng.choice(characters) for _ in range(rng.randint(0, 4))): i for i in range(3000)}
    keys.update({"a": 1, "ab": 2, "aé": 3, "\U0001f600": 4, "\uffff": 5, "": 6, "B": 7})
    assert canonical_bytes(keys) == standard_canonical(keys)
    strings = ["e-5,", "1e-05", "0.00001", "x\u2028y", "\x00\x1f\x7f", '"\\/', "审批意见：同意"]
    assert canonical_bytes({"strings": strings}) == standard_canonical({"strings": strings})


class Colour(Enum):
    RED = "red"


@pytest.mark.parametrize("value", [
    2 ** 64, -(2 ** 63) - 1, 10 ** 30,  # beyond orjson's integers
    {1: "a", 2: "b"},  # non-string keys: the standard library writes them as strings
    type("Text", (str,), {})("子类"), type("Number", (int,), {})(3), True, None,
])
def test_values_orjson_refuses_or_passes_on_are_written_by_the_standard_library(value: Any) -> None:
    assert canonical_bytes({"v": value}) == standard_canonical({"v": value})


@pytest.mark.parametrize("value", [object(), {"when": datetime(2026, 12, 4)}, "\ud800", {1: "a", "2": "b"}])
def test_what_the_standard_library_refuses_is_still_refused(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        standard_canonical(value)
    with pytest.raises((TypeError, ValueError)):
        canonical_bytes(value)


def test_the_two_documented_differences_agree_with_the_stored_state_column() -> None:
    state = {"n": math.nan, "i": math.inf, "u": uuid.UUID(int=1), "c": Colour.RED}
    from_column = json.loads(orjson.dumps(state))
    assert from_column == {"n": None, "i": None, "u": str(uuid.UUID(int=1)), "c": "red"}
    written = canonical_bytes(state)
    assert written == standard_canonical(from_column)  # the hash is the stored state's hash


def test_canonical_json_is_the_same_text_as_str() -> None:
    doc = {"b": [1.5, "审批"], "a": None}
    assert canonical_json(doc) == standard_canonical(doc).decode("utf-8") == '{"a":null,"b":[1.5,"审批"]}'
