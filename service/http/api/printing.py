"""GET /api/v1/instances/{id}/print/*.pdf: a case's printable forms for the archive (审批表,
交接清单, 召回记录). Who may see the case may print it; anyone else gets 404, as for the case."""

from __future__ import annotations

from typing import Any

from flask import Response

from service.http.api.blueprint import Blueprint
from service.http.auth import authenticate
from service.http.printing import PDF_MIMETYPE, pdf_response
from service.queries.instances import visible_instance

blp = Blueprint("printing", __name__, url_prefix="/api/v1",
                description="打印：审批表、交接清单、召回记录（PDF）")


def _pdf_doc(what: str) -> dict[str, Any]:
    return {"200": {"description": f"{what}（PDF，A4）",
                    "content": {PDF_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.get("/instances/<string:instance_id>/print/approval.pdf")
@blp.doc(responses=_pdf_doc("审批表"))
@blp.alt_response(404)
def approval_pdf(instance_id: str) -> Response:
    """审批表（PDF）：申请事项、各环节意见（办理人、北京时间）、办理结果；页脚为页码和末条历史事件的哈希"""
    return pdf_response(visible_instance(authenticate(), instance_id), "approval")


@blp.get("/instances/<string:instance_id>/print/handover.pdf")
@blp.doc(responses=_pdf_doc("交接清单"))
@blp.alt_response(404)
def handover_pdf(instance_id: str) -> Response:
    """交接清单（PDF，仅工作交接流程）：村情、户况、政策、在建项目、资金、档案，原任和新任干部签字及乡镇监交"""
    return pdf_response(visible_instance(authenticate(), instance_id), "handover")


@blp.get("/instances/<string:instance_id>/print/recall.pdf")
@blp.doc(responses=_pdf_doc("召回记录"))
@blp.alt_response(404)
def recall_pdf(instance_id: str) -> Response:
    """召回记录（PDF，仅召回与问责流程）：发现的问题、核实、本人陈述、县驻村工作领导小组决定、问责和接任人选"""
    return pdf_response(visible_instance(authenticate(), instance_id), "recall")
