"""WSGI entry for gunicorn (`service.wsgi:app`): settings from CADREFLOW_* and JSON logs on stderr.

Timers never run here: web processes stay stateless and `cadreflow scheduler` fires timers.
"""

from __future__ import annotations

from service.app import create_app
from service.config import Settings
from service.observability.gc_tuning import tune_gc
from service.observability.logs import configure_json_logging

configure_json_logging()
settings = Settings.from_env()
settings.check_secret_key()  # gunicorn stops here: no page is ever signed with a public key
app = create_app(settings)
tune_gc()
