"""Expected failures of a command or query, with the HTTP status they map to and a Chinese detail.

The HTTP layer renders them: the API as application/problem+json, the pages as error pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Chinese titles for people; the status code stays the machine-readable part.
TITLES: dict[int, str] = {
    400: "请求有误",
    401: "未认证",
    403: "无权操作",
    404: "未找到",
    405: "不允许的请求方法",
    409: "冲突",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "数据校验失败",
    429: "请求过多",
    500: "服务器内部错误",
    503: "服务不可用",
}
DETAILS: dict[int, str] = {
    400: "请求无法解析。",
    401: "缺少或无效的访问令牌（Authorization: Bearer <token>）。",
    403: "当前用户的角色或管辖范围不允许此操作。",
    404: "请求的资源不存在。",
    405: "该地址不支持此请求方法。",
    409: "数据已被他人修改或任务状态已变化，请刷新后重试。",
    413: "请求内容超过大小上限。",
    415: "请求的内容类型不受支持。",
    422: "提交的数据未通过校验。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，已记录日志。",
    503: "服务暂不可用。",
}


class ApiError(Exception):
    """Raised by service code for an expected failure; rendered as problem+json.

    `slug` names the problem type (e.g. "rule-violation"), `errors` maps field -> messages.
    """

    status: int = 400
    slug: str | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        title: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        slug: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        self.detail = detail or DETAILS.get(self.status, "")
        self.title = title or TITLES.get(self.status, "错误")
        self.errors = {k: list(v) for k, v in (errors or {}).items()}
        self.extra = dict(extra or {})
        super().__init__(self.detail)


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409
    slug = "conflict"


class ValidationFailed(ApiError):
    status = 422
    slug = "validation-error"


class TooManyRequests(ApiError):
    """Refused for now; `retry_after` is how many seconds to wait (the Retry-After header)."""

    status = 429
    slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
