"""/definitions/{key}/migrations: moving running instances from one version of a definition to another.

The dry run reads (administrators and the county leading group office, who reads the process
administration pages too); the move is the administrators' (queries/migration_plan.py,
commands/migrate.py)."""

from __future__ import annotations

from typing import Any

from service.commands import migrate_instances
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.migrations import (
    DryRunSchema,
    MigrateRequestSchema,
    MigrationResultSchema,
    PlanRequestSchema,
)
from service.http.auth import authenticate
from service.queries.migration_plan import dry_run, migration_plan

blp = Blueprint("migrations", __name__, url_prefix="/api/v1", description="流程实例迁移")


@blp.post("/definitions/<string:key>/migrations/dry-run")
@blp.roles("admin", "county")
@blp.arguments(PlanRequestSchema)
@blp.response(200, DryRunSchema)
def migration_dry_run(args: dict[str, Any], key: str) -> dict[str, Any]:
    """迁移预检（不写入任何数据）：迁移计划（源版本每个可停留环节在目标版本中的对应环节），
    以及源版本每个办理中、已挂起的实例能否迁移、不能迁移的原因（指明环节）

    默认按编号相同且类型相同对应；mapping 可改动个别环节的对应。
    会签（多实例）环节、子流程、事件网关暂不支持迁移。
    """
    plan = migration_plan(key, args["from_version"], args["to_version"], args["mapping"])
    checks = dry_run(plan, args.get("instance_ids"))
    movable = sum(1 for c in checks if c.movable)
    return {"plan": plan.as_dict(), "instances": [c.as_dict() for c in checks], "movable": movable,
            "not_movable": len(checks) - movable}


@blp.post("/definitions/<string:key>/migrations")
@blp.roles("admin")
@blp.arguments(MigrateRequestSchema)
@blp.response(200, MigrationResultSchema)
def migrate(args: dict[str, Any], key: str) -> dict[str, Any]:
    """迁移实例（仅系统管理员）：把源版本中能迁移的实例（全部，或 instance_ids 所列）逐个迁移到目标版本

    每个实例单独提交：在目标版本的对应环节继续办理，数据、待办（任务编号不变）随之迁移，期限按目标版本的时长
    从该环节开始时重新计算；历史中记一条“迁移版本”事件（源、目标版本与环节对应），审计重放可复核。
    不能迁移的实例原样保留，并在结果中说明原因。
    """
    plan = migration_plan(key, args["from_version"], args["to_version"], args["mapping"])
    items = migrate_instances(authenticate(), key, args["from_version"], args["to_version"], args["mapping"],
                              args.get("instance_ids"), args.get("reason"))
    moved = sum(1 for m in items if m.moved)
    return {"plan": plan.as_dict(), "items": [m.as_dict() for m in items], "moved": moved,
            "not_moved": len(items) - moved}
