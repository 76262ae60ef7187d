"""`cadreflow deploy`: BPMN files become a new version of their process definition."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.context import app_context
from service.commands import SYSTEM, deploy_paths
from service.core.errors import ApiError


@click.command("deploy", help="部署 BPMN/DMN 文件（或目录）为流程定义的新版本；内容相同则沿用已有版本。")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
def deploy_command(paths: tuple[Path, ...]) -> None:
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
            for warning in row.warnings or []:
                click.echo(f"  提示：{warning}")
