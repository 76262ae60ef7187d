"""Page numbers from the query string, for the paginated lists of the pages."""

from __future__ import annotations

from flask import request

from service.http.pagination import MAX_PAGE

PER_PAGE = 10


def page_arg() -> int:
    """The requested page, kept between 1 and MAX_PAGE (a wild number shows the last page's
    neighbourhood instead of an error)."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or len(raw) > len(str(MAX_PAGE)):
        return 1 if not raw.isdigit() else MAX_PAGE
    return min(max(1, int(raw)), MAX_PAGE)


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))
