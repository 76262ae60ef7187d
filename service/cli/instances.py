"""`cadreflow instances suspend | resume | terminate | migrate`: an administrator's commands for
instances that must stop, go on, or move to another version of their definition."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from service.cli.context import app_context
from service.commands import migrate_instances, resume_instance, suspend_instance, terminate_instance
from service.core.errors import ApiError
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessInstance, User
from service.queries.migration_plan import InstanceCheck, MigrationPlan, dry_run, migration_plan

EXIT_NOT_ALL_MOVED = 1


@click.group("instances", help="流程实例运维。")
def instances() -> None:
    pass


def _run_admin_action(action: Callable[[Principal, str, str], ProcessInstance], instance_id: str,
                      login: str, reason: str, done: str) -> None:
    """Run an administrator's action on one instance as `login`; refusals become CLI errors."""
    with app_context():
        try:
            row = action(_operator(login), instance_id, reason)
        except ApiError as exc:
            raise click.ClickException(exc.detail) from exc
        click.echo(f"流程实例 {row.id} {done}（{row.process_key}）。")


def _operator(login: str) -> Principal:
    user = db.session.get(User, login)
    if user is None or not user.active:
        raise click.UsageError(f"用户 {login} 不存在或已停用。")
    return Principal.from_user(user)


@instances.command("suspend", help="挂起办理中的实例：其待办暂不能办理，定时器暂停触发，直至恢复运行"
                   "（instances resume）。原因和操作人记入历史。")
@click.argument("instance_id")
@click.option("--by", "login", required=True, help="操作的管理员账号（须有 admin 角色）")
@click.option("--reason", required=True, help="挂起原因（记入历史事件）")
def suspend_command(instance_id: str, login: str, reason: str) -> None:
    _run_admin_action(suspend_instance, instance_id, login, reason, "已挂起")


@instances.command("resume", help="恢复运行已挂起（suspended）或出错（error）的实例（定时器连续失败，"
                   "或超出运行限制）：重置其定时器的重试计数，到期的定时器在下一次扫描时触发。原因和操作人记入历史。")
@click.argument("instance_id")
@click.option("--by", "login", required=True, help="操作的管理员账号（须有 admin 角色）")
@click.option("--reason", required=True, help="恢复原因（记入历史事件）")
def resume_command(instance_id: str, login: str, reason: str) -> None:
    _run_admin_action(resume_instance, instance_id, login, reason, "已恢复运行")


@instances.command("terminate", help="终止办理中、已挂起或出错（error）的实例：取消其全部待办和定时器，"
                   "实例状态为“已终止”（terminated）。原因和操作人记入历史，审计重放可复核。")
@click.argument("instance_id")
@click.option("--by", "login", required=True, help="操作的管理员账号（须有 admin 角色）")
@click.option("--reason", required=True, help="终止原因（记入历史事件）")
def terminate_command(instance_id: str, login: str, reason: str) -> None:
    _run_admin_action(terminate_instance, instance_id, login, reason, "已终止")


@instances.command("migrate", help="把流程某版本中办理中、已挂起的实例迁移到另一版本：默认按编号相同且"
                   "类型相同的环节对应，--map 可改动个别环节。--dry-run 只列出每个实例能否迁移及原因，"
                   "不写入任何数据。迁移时每个实例单独提交，历史中记一条“迁移版本”事件；"
                   "有实例未能迁移时以非零状态退出。")
@click.option("--process", "key", required=True, help="流程标识，如 mid_term_replacement")
@click.option("--from", "from_version", required=True, type=click.IntRange(min=1), help="源版本号")
@click.option("--to", "to_version", required=True, type=click.IntRange(min=1), help="目标版本号")
@click.option("--map", "maps", multiple=True, metavar="源环节=目标环节",
              help="改动一个环节的对应（可重复）；“源环节=”表示不对应")
@click.option("--instance", "instance_ids", multiple=True,
              help="只处理这些实例（可重复）；省略则为源版本全部")
@click.option("--dry-run", "check_only", is_flag=True, help="只预检，不迁移")
@click.option("--by", "login", help="操作的管理员账号（迁移时必填，须有 admin 角色）")
@click.option("--reason", help="迁移原因（记入历史事件）")
def migrate_command(key: str, from_version: int, to_version: int, maps: tuple[str, ...],
                    instance_ids: tuple[str, ...], check_only: bool, login: str | None,
                    reason: str | None) -> None:
    mapping = _mapping(maps)
    ids = list(instance_ids) or None
    with app_context():
        try:
            plan = migration_plan(key, from_version, to_version, mapping)
            _echo_plan(plan)
            if check_only:
                _echo_dry_run(dry_run(plan, ids))
                return
            if not login:
                raise click.UsageError("迁移须以 --by 指明操作的管理员账号（预检请加 --dry-run）。")
            moved = migrate_instances(_operator(login), key, from_version, to_version, mapping, ids, reason)
        except ApiError as exc:
            details = [m for ms in exc.errors.values() for m in ms]
            raise click.ClickException("；".join([exc.detail, *details])) from exc
        for item in moved:
            verdict = "已迁移" if item.moved else "未迁移：" + "；".join(item.reasons)
            click.echo(f"{item.instance_id}  {verdict}")
        done = sum(1 for m in moved if m.moved)
        click.echo(f"共 {len(moved)} 个实例，已迁移 {done} 个，未迁移 {len(moved) - done} 个。")
        if done < len(moved):
            sys.exit(EXIT_NOT_ALL_MOVED)


def _mapping(maps: tuple[str, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for item in maps:
        source, sep, target = item.partition("=")
        if not sep or not source.strip():
            raise click.UsageError(f"--map {item!r} 须写作 源环节=目标环节（或 源环节= 表示不对应）。")
        out[source.strip()] = target.strip() or None
    return out


def _echo_plan(plan: MigrationPlan) -> None:
    versions = f"第 {plan.source_row.version} 版 → 第 {plan.target_row.version} 版"
    click.echo(f"迁移计划：{plan.target_row.name} {versions}")
    for step in plan.steps:
        target = f"{step.target.name}（{step.target.id}）" if step.target else "（无）"
        note = f"  ✗ {step.problem}" if step.problem else ""
        click.echo(f"  {step.source.name}（{step.source.id}） → {target}{note}")


def _echo_dry_run(checks: list[InstanceCheck]) -> None:
    for check in checks:
        where = "、".join(name for _, name in check.active) or "—"
        verdict = "可迁移" if check.movable else "不能迁移：" + "；".join(check.reasons)
        click.echo(f"{check.instance_id}  {check.title}  停在：{where}  {verdict}")
    movable = sum(1 for c in checks if c.movable)
    click.echo(f"共 {len(checks)} 个实例，可迁移 {movable} 个，不能迁移 {len(checks) - movable} 个。")
