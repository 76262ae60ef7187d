"""HTTP API blueprints under /api/v1 (design.md §4). Add new blueprints to BLUEPRINT_MODULES."""

from __future__ import annotations

import importlib

from flask_smorest import Api

# Each module exposes `blp`; order only affects the OpenAPI document.
BLUEPRINT_MODULES = (
    "service.http.api.health",
    "service.http.api.me",
    "service.http.api.reference",
    "service.http.api.roster",
    "service.http.api.definitions",
    "service.http.api.migrations",
    "service.http.api.adjustments",
    "service.http.api.recalls",
    "service.http.api.dispatches",
    "service.http.api.assessments",
    "service.http.api.instances",
    "service.http.api.printing",
    "service.http.api.tasks",
    "service.http.api.attachments",
    "service.http.api.audit",
    "service.http.api.roster_audit",
    "service.http.api.urge",
    "service.http.api.signers",
    "service.http.api.notifications",
    "service.http.api.calendar",
    "service.http.api.coverage",
    "service.http.api.support",
    "service.http.api.users",
    "service.http.api.roster_excel",
    "service.http.api.leaves",
    "service.http.api.presence",
    "service.http.api.party_relations",
)


def register_blueprints(api: Api) -> None:
    for name in BLUEPRINT_MODULES:
        api.register_blueprint(importlib.import_module(name).blp)
