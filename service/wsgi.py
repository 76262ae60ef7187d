"""WSGI entry for gunicorn (`service.wsgi:app`): settings from CADREFLOW_* and JSON logs on stderr.

Timers never run here: web processes stay stateless and `cadreflow scheduler` fires timers.
"""

from __future__ import annotations

from service.app import create_app
from service.observability.gc_tuning import tune_gc
from service.observability.logs import configure_json_logging

configure_json_logging()
app = create_app()
tune_gc()
