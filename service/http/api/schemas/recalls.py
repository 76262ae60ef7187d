"""POST /recalls: open a recall case (召回)."""

from marshmallow import fields, validate

from service.core.text_limits import EVIDENCE_ITEMS, LONG_TEXT, SHORT_TEXT
from service.http.api.schemas.attachments import attachment_ids
from service.http.api.schemas.base import StrictSchema


class RecallSchema(StrictSchema):
    cadre_id = fields.String(required=True, validate=validate.Length(min=1))
    source = fields.String(required=True, validate=validate.OneOf(("supervision", "assessment")),
                           metadata={"description": "supervision（日常监督） | assessment（考核）"})
    finding = fields.String(required=True, validate=validate.Length(min=1, max=LONG_TEXT),
                             metadata={"description": "发现的问题"})
    evidence = fields.List(fields.String(validate=validate.Length(max=SHORT_TEXT)), load_default=list,
                           validate=validate.Length(max=EVIDENCE_ITEMS))
    attachments = attachment_ids("召回（发现的问题）")
