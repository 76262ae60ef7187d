"""`cadreflow duties start-year`: the year's unit_duties instance of every dispatch unit (rule 9)."""

from __future__ import annotations

import click

from service.cli.context import app_context
from service.commands.yearly_duties import DUTY_YEARS, duty_year, start_year_of_duties
from service.core.clock import now


@click.group("duties", help="派出单位帮扶责任（驻村工作规定第 9 条）。")
def duties() -> None:
    pass


@duties.command("start-year", help="为每个派出单位发起该年度的帮扶责任落实流程（已有的不重复发起）。")
@click.option("--year", type=click.IntRange(DUTY_YEARS.start, DUTY_YEARS.stop - 1),
              help="年度（默认：当前年度，按 CADREFLOW_TIMEZONE）")
def start_year_command(year: int | None) -> None:
    with app_context():
        at = now()
        year = year or duty_year(at)
        started = start_year_of_duties(year, at)
    click.echo(f"{year} 年度：新发起 {len(started)} 个帮扶责任落实流程。")
