"""`cadreflow users create` and `users token rotate|revoke`: accounts, roles and their tokens.

`users create` runs the same commands as the 用户管理 pages and /api/v1/users (as the system, the
operator at the command line): the same checks, and the change in the roster change log. It is how
the first administrator of an empty database comes to be."""

from __future__ import annotations

from datetime import datetime

import click

from service.cli.context import app_context
from service.commands.actor import SYSTEM
from service.commands.tokens import revoke_user_token, rotate_token
from service.commands.users_admin import NewUser, create_user, set_user_password, update_user
from service.config import get_settings
from service.core.errors import ApiError
from service.core.passwords import PASSWORD_MIN
from service.persistence.db import db
from service.persistence.models import ROLES, SCOPE_KIND_BY_ROLE, User

SOURCE = "cli"


@click.group("users", help="用户管理。")
def users() -> None:
    pass


@users.command("create", help="创建用户（或为已有用户增加角色），打印新的访问令牌。记入名册变更记录。")
@click.argument("login")
@click.option("--role", "role", required=True, type=click.Choice(ROLES), help="角色")
@click.option("--scope", "scope_id", default=None,
              help="管辖范围 id：unit_hr=派出单位 id，township=乡镇 id，cadre=干部 id，其余默认全县")
@click.option("--name", "display_name", default=None, help="显示名称（默认同登录名）")
@click.option("--password", default=None,
              help=f"网页登录密码，至少 {PASSWORD_MIN} 个字符（不填则不能用密码登录）")
def users_create(login: str, role: str, scope_id: str | None, display_name: str | None,
                 password: str | None) -> None:
    wanted = {"role": role, "scope_id": scope_id}
    with app_context():
        try:
            user = db.session.get(User, login)
            if user is None:
                user = create_user(SYSTEM, NewUser(login, display_name or login, [wanted], password), SOURCE)
            else:
                roles = [{"role": r.role, "scope_id": r.scope_id} for r in user.roles]
                held = any(r.role == role and (r.scope_id == scope_id or (
                    scope_id is None and SCOPE_KIND_BY_ROLE[role] == "county")) for r in user.roles)
                if not held or display_name:
                    update_user(SYSTEM, login, display_name=display_name,
                                roles=roles if held else [*roles, wanted], source=SOURCE)
                if password:
                    set_user_password(SYSTEM, login, password, source=SOURCE)
            token, expires_at = rotate_token(login)
        except ApiError as exc:
            raise click.ClickException(_problem(exc)) from exc
        grant = next(r for r in reversed(user.roles) if r.role == role)
        scope = f"{grant.scope_kind}:{grant.scope_id}"
        until = _local(expires_at)
    click.echo(f"用户 {login}：角色 {role}，范围 {scope}")
    click.echo(f"访问令牌有效期至 {until}")
    click.echo(f"token: {token}")


def _problem(exc: ApiError) -> str:
    """The detail and every field's messages, one per line."""
    lines = [exc.detail, *(m for messages in exc.errors.values() for m in messages if m != exc.detail)]
    return "\n".join(lines)


def _local(at: datetime) -> str:
    settings = get_settings()
    return f"{at.astimezone(settings.tz):%Y-%m-%d %H:%M}（{settings.timezone}）"


@users.group("token", help="访问令牌（API）管理。")
def token() -> None:
    pass


@token.command("rotate", help="为用户签发新的访问令牌并打印；旧令牌立即失效。")
@click.argument("login")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="有效天数（默认取 CADREFLOW_TOKEN_DAYS，即 90 天）")
def token_rotate(login: str, days: int | None) -> None:
    with app_context():
        try:
            new, expires_at = rotate_token(login, days)
        except ApiError as exc:
            raise click.ClickException(exc.detail) from exc
        until = _local(expires_at)
    click.echo(f"用户 {login} 的新访问令牌，有效期至 {until}")
    click.echo(f"token: {new}")


@token.command("revoke", help="吊销用户的访问令牌：之后用它的请求一律 401。")
@click.argument("login")
def token_revoke(login: str) -> None:
    with app_context():
        try:
            revoke_user_token(login)
        except ApiError as exc:
            raise click.ClickException(exc.detail) from exc
    click.echo(f"已吊销用户 {login} 的访问令牌。")
