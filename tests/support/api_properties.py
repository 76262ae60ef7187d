"""Requests generated from the OpenAPI document (schemathesis, over the in-process WSGI app).

For every operation, as an admin, a township and a unit's HR: no answer is a 5xx; every answer has
the status, content type and body shape the document declares, so every error is problem+json;
and a 400 or 422 names at least one field.

Two kinds of requests per operation: schemathesis's coverage cases (each documented bound, just
inside and just outside, wrong types, missing and unknown fields: a fixed list), then EXAMPLES
generated ones, valid and invalid per the document, with the path ids sometimes those of a real
request (its instance and task) so that generated bodies reach the commands and not only the 404.
Bounded and repeatable: no shrinking, no example database, derandomized, so CI sees the same
requests every run; a failure prints the request as a curl command.

The operations are split by area into one test file each (tests/api/test_api_properties_*.py), so
that the suite's workers share them out (a file's tests run on one worker).
"""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Iterable
from typing import Any

import office_files
import schemathesis
import sqlalchemy as sa
from app_support import build_app, dispose
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from process_helpers import FS_REQUEST
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.persistence.db import db
from service.persistence.models import Posting

LOGINS = ("admin", "tw_qingshan", "hr_edu")
EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
METHODS = ("get", "put", "post", "patch", "delete")

# The areas, by the first segment of an operation's path after /api/v1; "printed" (the PDF forms,
# each answer a rendering) is told by its path, and "reports" takes every other segment.
CASE_SEGMENTS = frozenset({"adjustments", "attachments", "audit", "definitions", "instances", "leaves",
                           "notifications", "recalls", "tasks"})
ROSTER_SEGMENTS = frozenset({"cadres", "calendar", "dispatch-rounds", "dispatches", "health", "me", "orgs",
                             "postings", "roster", "users", "villages"})
AREAS = ("cases", "printed", "roster", "reports")


def area_of(path: str) -> str:
    if "/print/" in path:
        return "printed"
    segment = path.removeprefix("/api/v1/").split("/", 1)[0]
    if segment in CASE_SEGMENTS:
        return "cases"
    return "roster" if segment in ROSTER_SEGMENTS else "reports"


@functools.cache
def all_operations() -> tuple[str, ...]:
    app = build_app("sqlite://")  # the document needs no database
    try:
        spec = app.test_client().get("/api/v1/openapi.json").get_json()
    finally:
        dispose(app)
    return tuple(f"{method.upper()} {path}" for path, item in sorted(spec["paths"].items())
                 for method in METHODS if method in item)


def operations_in(area: str) -> list[str]:
    return [operation for operation in all_operations() if area_of(operation.split(" ", 1)[1]) == area]


def api_schema_of(app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def known_path_values(app: Flask, tokens: dict[str, str]) -> dict[str, Any]:
    """Path values that exist: hr_edu's replacement request with a file, waiting on 青山镇, and an account."""
    hr = {"Authorization": f"Bearer {tokens['hr_edu']}"}
    uploaded = app.test_client().post("/api/v1/attachments", headers=hr, content_type="multipart/form-data",
                                      data={"file": (io.BytesIO(office_files.pdf()), "医院证明.pdf")})
    assert uploaded.status_code == 201, uploaded.get_json()
    response = app.test_client().post("/api/v1/adjustments", headers=hr,
                                      json={**FS_REQUEST, "attachments": [uploaded.get_json()["id"]]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    with app.app_context():
        posting_id = db.session.execute(
            sa.select(Posting.id).where(Posting.cadre_id == "c-liuyang")).scalar_one()
    round_response = app.test_client().post(
        "/api/v1/dispatch-rounds", json={"term_start": "2027-03-01", "term_end": "2029-02-28",
                                         "township_id": "tw-hongqi"},
        headers={"Authorization": f"Bearer {tokens['county']}"})
    assert round_response.status_code == 201, round_response.get_json()
    # A roster workbook kept for import (the demo's own export: every row unchanged).
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    export = app.test_client().get("/api/v1/roster/export.xlsx", headers=admin).data
    kept = app.test_client().post("/api/v1/roster/imports", headers=admin, content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(export), "roster.xlsx")})
    assert kept.status_code == 200, kept.get_json()
    month = app.test_client().post("/api/v1/presence", json={"year": 2026, "month": 11, "days_present": 21},
                                   headers={"Authorization": f"Bearer {tokens['cadre_zhangwei']}"})
    assert month.status_code == 201, month.get_json()
    return {"instance_id": body["instance_id"], "task_id": body["open_tasks"][0]["id"],
            "cadre_id": "c-zhangwei", "key": "mid_term_replacement", "year": 2027, "notification_id": 1,
            "round_id": round_response.get_json()["id"],
            "org_id": "unit-edu", "village_id": "v-shangzhuang", "posting_id": posting_id,
            # an account none of LOGINS signs in with: generated changes to it leave the callers be
            "login": "hr_power",
            "import_id": kept.get_json()["id"], "sheet": "villages", "ref": uploaded.get_json()["id"],
            # 张伟's November, which 青山镇 may confirm
            "record_id": month.get_json()["id"]}


def check_operation(api_schema: Any, known_ids: dict[str, Any], tokens: dict[str, str],
                    operation: str) -> None:
    """Coverage cases of `operation`, each sent as every one of LOGINS; then EXAMPLES generated
    requests, each sent once, as the next of LOGINS in turn (the coverage cases already meet every
    login with every bound; the generated ones are many, and each login meets a third of them)."""
    method, path = operation.split(" ", 1)
    target = api_schema[path][method]
    names = [parameter.name for parameter in target.path_parameters]
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(target.as_strategy(generation_mode=mode))
        if names:
            strategies.append(target.as_strategy(generation_mode=mode,
                                                 path_parameters={n: known_ids[n] for n in names}))

    def send(case: Any, logins: Iterable[str] = LOGINS) -> None:
        for login in logins:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {tokens[login]}"}
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            if response.status_code in (400, 422):
                assert response.json()["errors"], (login, case.as_curl_command(), response.text)

    coverage = api_schema.iter_coverage_cases(target, generation_modes=list(GenerationMode),
                                              generation_config=api_schema.config.generation_for(operation=target))
    for case in coverage:
        send(case)

    turns = itertools.cycle(LOGINS)

    @given(case=st.one_of(*strategies))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def generated(case: Any) -> None:
        send(case, [next(turns)])

    generated()
