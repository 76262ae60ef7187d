"""`cadreflow users create` and `users token rotate|revoke`: accounts, roles and their tokens."""

from __future__ import annotations

from datetime import datetime

import click
import sqlalchemy as sa

from service.cli.context import app_context
from service.commands.tokens import revoke_user_token, rotate_token, token_expiry
from service.config import get_settings
from service.core.credentials import issue_token, set_password
from service.core.errors import ApiError
from service.persistence.db import db
from service.persistence.models import ROLES, SCOPE_KIND_BY_ROLE, Cadre, Org, User, UserRole


@click.group("users", help="用户管理。")
def users() -> None:
    pass


@users.command("create", help="创建用户（或为已有用户增加角色），打印新的访问令牌。")
@click.argument("login")
@click.option("--role", "role", required=True, type=click.Choice(ROLES), help="角色")
@click.option("--scope", "scope_id", default=None,
              help="管辖范围 id：unit_hr=派出单位 id，township=乡镇 id，cadre=干部 id，其余默认 county")
@click.option("--name", "display_name", default=None, help="显示名称（默认同登录名）")
@click.option("--password", default=None, help="网页登录密码（不填则不能用密码登录）")
def users_create(login: str, role: str, scope_id: str | None, display_name: str | None,
                 password: str | None) -> None:
    kind = SCOPE_KIND_BY_ROLE[role]
    with app_context():
        if scope_id is None:
            if kind != "county":
                raise click.UsageError(f"角色 {role} 需要 --scope（{kind} 的 id）")
            scope_id = db.session.execute(
                sa.select(Org.id).where(Org.kind == "county_body", Org.parent_id.is_(None))
            ).scalar() or "county"
        expected = {"unit": "dispatch_unit", "township": "township", "county": "county_body"}
        if kind == "cadre":
            found = db.session.get(Cadre, scope_id) is not None
        else:
            org = db.session.get(Org, scope_id)
            found = org is not None and org.kind == expected[kind]
        if not found:
            raise click.UsageError(f"管辖范围 {scope_id!r} 不存在或类型不符（应为 {kind}）")
        user = db.session.get(User, login)
        if user is None:
            user = User(login=login, display_name=display_name or login, active=True)
            db.session.add(user)
        elif display_name:
            user.display_name = display_name
        if password:
            set_password(user, password, get_settings().password_hash)
        if (role, kind, scope_id) not in {(r.role, r.scope_kind, r.scope_id) for r in user.roles}:
            user.roles.append(UserRole(role=role, scope_kind=kind, scope_id=scope_id))
        expires_at = token_expiry()
        token = issue_token(user, expires_at)
        db.session.commit()
        until = _local(expires_at)
    click.echo(f"用户 {login}：角色 {role}，范围 {kind}:{scope_id}")
    click.echo(f"访问令牌有效期至 {until}")
    click.echo(f"token: {token}")


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
