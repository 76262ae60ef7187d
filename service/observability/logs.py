"""JSON log lines: one object per line so that log collectors need no parsing rules."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

ACCESS_LOGGER = "cadreflow.access"
# SpiffWorkflow logs every task state change at INFO (spiff.task, spiff.workflow, spiff.data), with
# the task's data attached: about twenty lines per approval, most of a web worker's log-formatting
# CPU, and the applicants' data in the log. Our own events (history, request lines) say what happened.
ENGINE_LOGGERS_LEVEL = {"spiff": logging.WARNING}
# Attributes every LogRecord has; anything else was passed through `extra=` and goes in the line.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # ensure_ascii=False: Chinese messages stay readable in the log.
        return json.dumps(line, ensure_ascii=False, default=str)


def _json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    return handler


def access_logger() -> logging.Logger:
    """The per-request logger; it writes JSON to stderr even when nobody configured logging."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        logger.addHandler(_json_handler())
        logger.setLevel(logging.INFO)
        # Not propagated: under gunicorn the root logger would print the same request twice.
        logger.propagate = False
    return logger


def configure_json_logging(level: int = logging.INFO) -> None:
    """Process-wide (wsgi entry, not the app factory): every logger's records become JSON lines."""
    root = logging.getLogger()
    root.handlers[:] = [_json_handler()]
    root.setLevel(level)
    for name, engine_level in ENGINE_LOGGERS_LEVEL.items():
        logging.getLogger(name).setLevel(max(level, engine_level))
