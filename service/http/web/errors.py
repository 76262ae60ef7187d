"""Errors of the pages as HTML pages (the JSON API keeps its problem+json handlers)."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from service.core.errors import TITLES, ApiError
from service.http.web.csrf import CsrfRefused


def _page(status: int, detail: str) -> tuple[str, int]:
    return render_template("web/error.html", status=status, title=TITLES.get(status, "错误"),
                           detail=detail), status


def register_page_errors(bp: Blueprint) -> None:
    @bp.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[str, int]:
        return _page(error.status, error.detail)

    @bp.errorhandler(CsrfRefused)
    def csrf_refused(_error: CsrfRefused) -> tuple[str, int]:
        return _page(400, "表单已失效（缺少或错误的安全令牌），请返回刷新页面后重新提交。")

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        return _page(status, TITLES.get(status, "请求无法处理。"))
