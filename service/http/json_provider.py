"""JSON responses with ISO 8601 times (api.md), Chinese kept readable, keys in schema order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask.json.provider import DefaultJSONProvider


class IsoJSONProvider(DefaultJSONProvider):
    # Flask's default renders datetimes as RFC 1123 ("Fri, 04 Dec 2026 ..."), which breaks the
    # contract wherever a handler returns a plain dict instead of a marshmallow dump.
    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            if o.tzinfo is None:
                raise TypeError("naive datetime in a response: pass a timezone-aware value")
            return o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
