"""JSON columns are written and read with service/json_codec.py: the same values as the standard
library, in the same key order, and exactly the standard library's text (or error) where orjson
would differ."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from command_helpers import ADJUSTMENT_JSON as REQUEST

from service.persistence import json_codec
from service.persistence.db import db
from service.persistence.models import ProcessInstance

STATE_LIKE = {
    "tasks": {"b-2": {"data": {"申请理由": "健康原因", "z": 1, "a": [1.5, None, True]}, "parent": None},
              "a-1": {"delta": {"updates": {"决定": "approve"}, "deletions": []}, "state": 64}},
    "last_task": "b-2", "ratio": 0.1, "big": 2 ** 63 - 1, "neg": -0.0, "tiny": 1e-7, "huge": 1e300,
    "control": "tab\there\nnew \"quoted\" \\ \u2028 \x01",
}


def test_values_and_key_order_survive_a_round_trip():
    text = json_codec.dumps(STATE_LIKE)
    assert json.loads(text) == STATE_LIKE
    assert list(json_codec.loads(text)["tasks"]) == ["b-2", "a-1"]  # insertion order, not sorted
    assert json_codec.loads(text) == json.loads(json.dumps(STATE_LIKE))
    assert "健康原因" in text  # UTF-8, not \\u escapes


@pytest.mark.parametrize("value", [
    {"big": 2 ** 70},  # beyond 64 bits: orjson refuses
    {1: "int key", None: "null key"},  # non-string keys: the standard library turns them into strings
])
def test_where_orjson_refuses_the_standard_library_writes_it(value):
    assert json_codec.dumps(value) == json.dumps(value)


def test_subclasses_are_written_as_the_standard_library_writes_them():
    class Label(str):
        pass

    value = {"label": Label("村"), "n": True}
    assert json_codec.dumps(value) == json.dumps(value)


@dataclass
class Point:
    x: int


@pytest.mark.parametrize("value", [datetime(2026, 1, 1, tzinfo=UTC), Point(1), {1, 2}])
def test_what_the_standard_library_refuses_is_still_refused(value):
    with pytest.raises(TypeError):
        json.dumps({"v": value})
    with pytest.raises(TypeError):
        json_codec.dumps({"v": value})


def test_text_orjson_refuses_is_read_by_the_standard_library():
    assert json_codec.loads('{"x": NaN}')["x"] != json_codec.loads('{"x": NaN}')["x"]  # NaN
    assert json_codec.loads(b'{"x": [1, 2]}') == {"x": [1, 2]}


def test_the_app_writes_and_reads_json_columns_with_the_codec(app, client, auth):
    submitted = client.post("/api/v1/adjustments", json=REQUEST, headers=auth("hr_edu"))
    assert submitted.status_code == 201, submitted.get_json()
    with app.app_context():
        assert db.engine.dialect._json_serializer is json_codec.dumps
        assert db.engine.dialect._json_deserializer is json_codec.loads
        instance = db.session.get(ProcessInstance, submitted.get_json()["instance_id"])
        state = {**instance.state, "codec_probe": {"村名": "上庄村", "order": ["z", "a"]}}
        instance.state = state
        db.session.commit()
        db.session.expire_all()
        stored = db.session.execute(sa.select(sa.cast(ProcessInstance.state, sa.Text))
                                    .where(ProcessInstance.id == instance.id)).scalar_one()
        assert '"上庄村"' in stored  # orjson's UTF-8, where json.dumps would escape
        assert db.session.get(ProcessInstance, instance.id).state == state
        db.session.rollback()
