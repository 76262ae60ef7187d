"""Migration 0015 adds each definition version's deploy warnings: versions deployed before have
none ([]), and the column comes and goes with instances referring to the versions."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from process_helpers import FS_REQUEST, Api

from service.app import MIGRATIONS_DIR
from service.persistence.db import db


def _columns(app) -> set[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {c["name"] for c in sa.inspect(db.engine).get_columns("process_definitions")}


def test_warnings_come_and_go_with_instances_referring_to_the_versions(make_app, tokens):
    app = make_app()
    api = Api(app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    with app.app_context():
        downgrade(directory=MIGRATIONS_DIR, revision="0014_presence")
    assert "warnings" not in _columns(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    assert "warnings" in _columns(app)
    listed = api.get("admin", "/definitions?per_page=100")["items"]
    assert listed and all(d["warnings"] == [] for d in listed)
    assert api.get("hr_edu", "/instances?process=mid_term_replacement")["total"] == 1
