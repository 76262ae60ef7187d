"""`cadreflow init-db | seed-demo`: the schema and the demo county."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_migrate import upgrade

from service.app import MIGRATIONS_DIR
from service.cli.context import app_context
from service.commands.demo_data import seed_demo
from service.persistence.db import db


@click.command("init-db", help="创建或升级数据库结构（Alembic upgrade head）。")
def init_db() -> None:
    with app_context() as app:
        upgrade(directory=MIGRATIONS_DIR)
        click.echo(f"数据库已就绪：{_safe_url(app)}")


@click.command("seed-demo", help="写入演示数据（可重复执行），打印演示用户的令牌。")
@click.option("--tokens-json", type=click.Path(dir_okay=False, path_type=Path),
              help="把 {login: token} 写入该 JSON 文件；文件中仍有效的令牌会被沿用。")
def seed_demo_command(tokens_json: Path | None) -> None:
    with app_context():
        tokens = seed_demo(tokens_path=tokens_json)
    click.echo("演示用户（密码与登录名相同）及访问令牌：")
    for login, token in tokens.items():
        click.echo(f"  {login:<20} {token}")
    if tokens_json is not None:
        click.echo(f"令牌已写入 {tokens_json}")


def _safe_url(app: Flask) -> str:
    return db.engine.url.render_as_string(hide_password=True)
