"""Page numbers from the query string, for the paginated lists of the pages."""

from __future__ import annotations

from flask import request

PER_PAGE = 10


def page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))
