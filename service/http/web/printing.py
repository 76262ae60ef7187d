"""打印: a case's printable forms as PDF (审批表 of every case, 交接清单 of a handover, 召回记录 of a
recall), for whoever may see the case; a case the user may not see is 404, as its page is."""

from __future__ import annotations

from werkzeug.wrappers import Response

from service.http.printing import pdf_response
from service.http.web import bp
from service.http.web.session import login_required, require_principal
from service.queries.instances import visible_instance


@bp.get("/instances/<string:instance_id>/print/<string:kind>.pdf")
@login_required
def instance_print(instance_id: str, kind: str) -> Response:
    return pdf_response(visible_instance(require_principal(), instance_id), kind)
