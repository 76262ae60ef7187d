"""flask-smorest Api: OpenAPI document from the marshmallow schemas, and a self-contained docs page."""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, render_template
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from service.http.api import register_blueprints
from service.http.api.schemas.problem import ProblemSchema
from service.http.problems import PROBLEM_MIMETYPE, handle_http_exception

API_EXTENSION_KEY = "cadreflow.api"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class ProblemApi(Api):
    """smorest's Api with its JSON error body replaced by problem+json, in the answers and in the
    OpenAPI document (the error responses every operation refers to)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """smorest's, with the error responses in problem+json instead of the success content type."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
        return handle_http_exception(error)


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation:
                rows.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tags": ", ".join(operation.get("tags", [])),
                        "parameters": operation.get("parameters", []),
                        "responses": sorted(operation.get("responses", {})),
                    }
                )
    return rows


def _docs_blueprint() -> FlaskBlueprint:
    # CDN assets (swagger-ui) cannot be loaded here, so the page is rendered on the server.
    blueprint = FlaskBlueprint("api_docs", __name__)

    @blueprint.get("/api/v1/docs")
    def docs_page() -> str:
        spec = current_app.extensions[API_EXTENSION_KEY].spec.to_dict()
        return render_template("api_docs.html", spec=spec, operations=_operations(spec))

    return blueprint


def init_api(app: Flask) -> Api:
    app.config.update(
        API_TITLE="cadreflow 驻村干部调整审批 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "驻村第一书记和工作队员中途调整、召回与交接的审批流程服务。"},
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
        },
    )
    api = ProblemApi(app)
    app.extensions[API_EXTENSION_KEY] = api
    register_blueprints(api)
    app.register_blueprint(_docs_blueprint())
    return api
