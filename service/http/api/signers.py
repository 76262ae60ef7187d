"""POST /tasks/{id}/signers (加签), /tasks/{id}/signers/sign (the added signer signs),
/tasks/{id}/cc (抄送)."""

from __future__ import annotations

from typing import Any

from service.commands.signers import add_signer, copy_to, sign
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.signers import (
    AddSignerSchema,
    CopiedSchema,
    CopySchema,
    SignerSchema,
    SignSchema,
)
from service.http.auth import authenticate
from service.persistence.models import AddedSigner

blp = Blueprint("signers", __name__, url_prefix="/api/v1", description="加签与抄送")


def _signer(row: AddedSigner, completed: bool = False) -> dict[str, Any]:
    return {"id": row.id, "task_id": row.task_id, "instance_id": row.instance_id, "login": row.login,
            "mode": row.mode, "status": row.status, "added_by": row.added_by, "decision": row.decision,
            "comment": row.comment, "task_completed": completed}


@blp.post("/tasks/<task_id>/signers")
@blp.arguments(AddSignerSchema)
@blp.response(201, SignerSchema)
def add(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """加签：任务办理人请另一位有效用户在本人之前（前加签）或之后（后加签）签署"""
    return _signer(add_signer(authenticate(), task_id, args["login"], args["mode"], args.get("reason"),
                              args.get("decision"), args.get("comment")))


@blp.post("/tasks/<task_id>/signers/sign")
@blp.arguments(SignSchema)
@blp.response(200, SignerSchema)
def signs(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """加签人签署（同意或不同意）"""
    result = sign(authenticate(), task_id, args["decision"], args.get("comment"))
    return _signer(result.signer, result.completed)


@blp.post("/tasks/<task_id>/cc")
@blp.arguments(CopySchema)
@blp.response(200, CopiedSchema)
def cc(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """抄送：任务办理人把本案抄送给他人阅知（只读）"""
    rows = copy_to(authenticate(), task_id, args["logins"], args.get("note"))
    return {"instance_id": rows[0].instance_id if rows else None, "added": [r.login for r in rows]}
