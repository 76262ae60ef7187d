"""Downloading an attachment from the pages: the same access rule as the case (queries/access.py),
so a file of a case the user may not see is 404 here as in the API."""

from __future__ import annotations

from werkzeug.wrappers import Response

from service.http.files import attachment_response
from service.http.web import bp
from service.http.web.session import login_required, require_principal
from service.queries.attachments import attachment_content, visible_attachment


@bp.get("/attachments/<string:ref>/download")
@login_required
def attachment_download(ref: str) -> Response:
    row = visible_attachment(require_principal(), ref)
    return attachment_response(row, attachment_content(row))
