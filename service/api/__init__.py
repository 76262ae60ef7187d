"""HTTP API blueprints under /api/v1 (design.md §4). Add new blueprints to BLUEPRINT_MODULES."""

from __future__ import annotations

import importlib

from flask_smorest import Api

# Each module exposes `blp`; order only affects the OpenAPI document.
BLUEPRINT_MODULES = (
    "service.api.health",
    "service.api.me",
    "service.api.reference",
    "service.api.definitions",
    "service.api.adjustments",
    "service.api.recalls",
    "service.api.instances",
    "service.api.tasks",
    "service.api.audit",
    "service.api.urge",
    "service.api.notifications",
    "service.api.calendar",
)


def register_blueprints(api: Api) -> None:
    for name in BLUEPRINT_MODULES:
        api.register_blueprint(importlib.import_module(name).blp)
