"""`cadreflow` command line: database setup, demo data, users and the development server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from service.cli_audit import audit
from service.cli_duties import duties
from service.cli_instances import instances
from service.config import Settings, SettingsError
from service.gc_tuning import tune_gc
from service.models import ROLES, SCOPE_KIND_BY_ROLE


def build_app() -> Flask:
    from service.app import create_app

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(f"配置错误：{exc}") from exc
    return create_app(settings)


@contextmanager
def app_context() -> Iterator[Flask]:
    app = build_app()
    with app.app_context():
        yield app


@click.group(help="cadreflow：驻村干部调整审批流程服务。配置取自 CADREFLOW_* 环境变量。")
def cli() -> None:
    pass


@cli.command("init-db", help="创建或升级数据库结构（Alembic upgrade head）。")
def init_db() -> None:
    from flask_migrate import upgrade

    from service.app import MIGRATIONS_DIR

    with app_context() as app:
        upgrade(directory=MIGRATIONS_DIR)
        click.echo(f"数据库已就绪：{_safe_url(app)}")


@cli.command("seed-demo", help="写入演示数据（可重复执行），打印演示用户的令牌。")
@click.option("--tokens-json", type=click.Path(dir_okay=False, path_type=Path),
              help="把 {login: token} 写入该 JSON 文件；文件中仍有效的令牌会被沿用。")
def seed_demo_command(tokens_json: Path | None) -> None:
    from service.seed_demo import seed_demo

    with app_context():
        tokens = seed_demo(tokens_path=tokens_json)
    click.echo("演示用户（密码与登录名相同）及访问令牌：")
    for login, token in tokens.items():
        click.echo(f"  {login:<20} {token}")
    if tokens_json is not None:
        click.echo(f"令牌已写入 {tokens_json}")


@cli.group("users", help="用户管理。")
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
    from service.auth import issue_token, set_password
    from service.db import db
    from service.models import Cadre, Org, User, UserRole

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
            set_password(user, password)
        if (role, kind, scope_id) not in {(r.role, r.scope_kind, r.scope_id) for r in user.roles}:
            user.roles.append(UserRole(role=role, scope_kind=kind, scope_id=scope_id))
        token = issue_token(user)
        db.session.commit()
    click.echo(f"用户 {login}：角色 {role}，范围 {kind}:{scope_id}")
    click.echo(f"token: {token}")


@cli.command("deploy", help="部署 BPMN/DMN 文件（或目录）为流程定义的新版本；内容相同则沿用已有版本。")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
def deploy_command(paths: tuple[Path, ...]) -> None:
    from service.commands import SYSTEM, deploy_paths
    from service.errors import ApiError

    with app_context():  # the rows are read for the report while their session is still open
        try:
            results = deploy_paths(SYSTEM, list(paths))
        except ApiError as exc:
            raise click.ClickException(exc.detail) from exc
        if not results:
            raise click.ClickException("没有找到 .bpmn 文件。")
        for row, created in results:
            status = "已部署" if created else "内容未变，沿用"
            click.echo(f"{row.key} v{row.version} {status}（{row.content_hash}）")


@cli.command("serve", help="启动开发服务器（werkzeug，多线程）。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="不在本进程中运行定时器服务")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    app = build_app()
    settings = app.extensions["cadreflow.settings"]
    app.extensions["cadreflow.settings"] = settings.with_changes(
        scheduler_enabled=settings.scheduler_enabled and not no_scheduler
    )
    timers = None
    if app.extensions["cadreflow.settings"].scheduler_enabled:
        from service.timers import SchedulerConfig, TimerService

        timers = TimerService(app, SchedulerConfig.from_env()).start()
        click.echo("定时器服务已在本进程中启动（--no-scheduler 可关闭）。")
    tune_gc()
    click.echo(f"cadreflow 运行于 http://{host}:{port}/api/v1/ （接口文档 /api/v1/docs）")
    click.echo("演示用户：hr_edu、tw_qingshan、county、orgdept、rrb、auditor、admin、cadre_zhangwei 等，"
               "密码与登录名相同；令牌见 `cadreflow seed-demo --tokens-json var/demo-tokens.json` "
               "写出的文件。")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if timers is not None:
            timers.shutdown()


@cli.command("scheduler", help="单独运行定时器服务（可与多个 Web 进程、多个定时器进程并行）。")
@click.option("--clock-start", default=None,
              help="测试用：以该时刻（ISO 8601，带时区）为当前时间起点，随后随墙钟走动")
def scheduler_command(clock_start: str | None) -> None:
    import signal
    import threading
    from datetime import datetime

    from service.clock import install_clock
    from service.timers import SchedulerConfig, TimerService
    from service.timers.offset_clock import OffsetClock

    app = build_app()
    if clock_start:
        try:
            install_clock(app, OffsetClock(datetime.fromisoformat(clock_start)))
        except ValueError as exc:
            raise click.BadParameter(f"需要带时区的 ISO 8601 时间：{exc}",
                                     param_hint="--clock-start") from exc
    try:
        config = SchedulerConfig.from_env()
    except SettingsError as exc:
        raise click.ClickException(f"配置错误：{exc}") from exc
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service = TimerService(app, config).start()
    tune_gc()
    click.echo(f"定时器服务 {service.owner} 已启动（每 {config.sweep_seconds} 秒巡检）。", err=True)
    stop.wait()
    service.shutdown()
    click.echo(f"定时器服务已停止，本次共触发 {service.total_fired} 个定时器。", err=True)


cli.add_command(audit)
cli.add_command(instances)
cli.add_command(duties)


def _safe_url(app: Flask) -> str:
    from service.db import db

    return db.engine.url.render_as_string(hide_password=True)


def main() -> None:
    cli(prog_name="cadreflow")


if __name__ == "__main__":
    sys.exit(main())
