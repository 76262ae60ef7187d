"""/postings/{id}/party-relation: a posting's Party relation (党组织关系转入所驻村、任职结束后转回)."""

from __future__ import annotations

from typing import Any

from service.commands.party_relations import save_party_relation
from service.commands.uow import unit_of_work
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.presence import PartyRelationSchema, PartyRelationViewSchema
from service.http.auth import authenticate
from service.queries.party_relations import party_relation_view, visible_posting

blp = Blueprint("party_relations", __name__, url_prefix="/api/v1", description="驻村干部党组织关系")


@blp.get("/postings/<int:posting_id>/party-relation")
@blp.response(200, PartyRelationViewSchema)
def get_party_relation(posting_id: int) -> dict[str, Any]:
    """任职的党组织关系：转入所驻村的日期与接收党组织，任职结束后转回的日期与接收党组织"""
    return party_relation_view(visible_posting(authenticate(), posting_id))


@blp.put("/postings/<int:posting_id>/party-relation")
@blp.arguments(PartyRelationSchema)
@blp.response(200, PartyRelationViewSchema)
def put_party_relation(args: dict[str, Any], posting_id: int) -> dict[str, Any]:
    """登记或更正党组织关系（派出单位人事部门；乡镇自行选派的工作队员由乡镇；县委组织部可更正）。
    只改所给的字段"""
    actor = authenticate()
    visible_posting(actor, posting_id)
    with unit_of_work():
        save_party_relation(actor, posting_id, args, source="api")
    return party_relation_view(visible_posting(actor, posting_id))
