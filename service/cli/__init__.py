"""The `cadreflow` command: one module per command group."""

from __future__ import annotations

import click

from service.cli.audit import audit
from service.cli.database import init_db, seed_demo_command
from service.cli.definitions import deploy_command
from service.cli.duties import duties
from service.cli.instances import instances
from service.cli.server import scheduler_command, serve
from service.cli.terms import terms
from service.cli.users import users


@click.group(help="cadreflow：驻村干部调整审批流程服务。配置取自 CADREFLOW_* 环境变量。")
def cli() -> None:
    pass


for command in (init_db, seed_demo_command, users, deploy_command, serve, scheduler_command,
                audit, instances, duties, terms):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="cadreflow")


if __name__ == "__main__":
    main()
