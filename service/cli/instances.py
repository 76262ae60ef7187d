"""`cadreflow instances suspend | resume | terminate`: an administrator's commands for instances that
must stop or go on."""

from __future__ import annotations

from collections.abc import Callable

import click

from service.cli.context import app_context
from service.commands import resume_instance, suspend_instance, terminate_instance
from service.core.errors import ApiError
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessInstance, User


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
