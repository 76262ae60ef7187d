"""Files over HTTP, for the API and the pages alike: a larger body for the views that take
attachments, the uploaded files of a form, and a download under the file's own (Chinese) name.

Every other request keeps CADREFLOW_MAX_CONTENT_LENGTH; a view marked @accepts_files(n) may carry
n attachments of CADREFLOW_ATTACHMENT_MAX_BYTES on top. The limit is raised before the body is
read (the input guard reads the form), so the cap is never lifted for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Flask, Response, current_app, request

from service.commands.attachments import NewFile
from service.config import get_settings
from service.persistence.models import Attachment

F = TypeVar("F", bound=Callable[..., Any])

FILES_ATTR = "_cadreflow_files"
# RFC 5987 attr-char, besides letters and digits: what may stand unescaped in filename*.
ATTR_CHARS = "!#$&+-.^_`|~"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9 ._()\[\]-]+")


def accepts_files(count: int) -> Callable[[F], F]:
    """Mark a view that takes up to `count` attachments in its multipart body."""

    def mark(view: F) -> F:
        setattr(view, FILES_ATTR, count)
        return view

    return mark


def _raise_limit_for_files() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    count = getattr(view, FILES_ATTR, 0)
    if count:
        settings = get_settings()
        request.max_content_length = settings.max_content_length + count * settings.attachment_max_bytes


def install_file_limits(app: Flask) -> None:
    """Register before the input guard: the limit must be set before anything reads the body."""
    app.before_request(_raise_limit_for_files)


def uploaded_files(field: str) -> list[NewFile]:
    """The files of a multipart field; a file input left empty (no name, no bytes) is not a file."""
    out = []
    for upload in request.files.getlist(field):
        content = upload.read()
        if not upload.filename and not content:
            continue
        out.append(NewFile(upload.filename, content))
    return out


def content_disposition(name: str, fallback: str) -> str:
    """`attachment` with the name in UTF-8 (RFC 6266, RFC 5987 filename*), and a plain ASCII
    `filename` for clients that read only that one."""
    plain = name if _PLAIN_NAME.fullmatch(name) else fallback
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}"


def file_response(content: bytes, *, name: str, content_type: str, sha256: str, fallback: str) -> Response:
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(name, fallback)
    response.headers["ETag"] = f'"{sha256}"'  # the bytes are named by their hash: they never change
    response.headers["Cache-Control"] = "private, no-store"  # readable by those who may see the case only
    return response


def attachment_response(row: Attachment, content: bytes) -> Response:
    extension = "." + row.name.rsplit(".", 1)[-1].lower() if "." in row.name else ""
    return file_response(content, name=row.name, content_type=row.content_type, sha256=row.sha256,
                         fallback=f"attachment-{row.id[:8]}{extension}")
