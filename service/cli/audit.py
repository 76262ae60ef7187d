"""`cadreflow audit verify | export`: integrity check of the history and the auditors' ledger."""

from __future__ import annotations

import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import click
import sqlalchemy as sa

from service.audit import Replayer, verify_instance, write_ledger_csv, write_ledger_xlsx
from service.audit.assessment_verify import verify_assessment_results
from service.audit.roster_verify import verify_roster_log
from service.cli.context import app_context
from service.config import get_settings
from service.core.bounds import year_problem
from service.persistence.db import db
from service.persistence.models import ProcessInstance

PROGRESS_FROM = 20  # instances: below this a run is short and a bar is noise
EXIT_BROKEN = 1
EXIT_USAGE = 2


@click.group("audit", help="审计：校验历史事件（哈希链 + 重放），导出审批台账。")
def audit() -> None:
    pass


@audit.command("verify", help="校验实例的历史：哈希链与重放。有任何断裂或不一致时以非零状态退出。")
@click.option("--all", "all_", is_flag=True, help="校验全部实例")
@click.argument("ids", nargs=-1)
@click.option("--quiet", "-q", is_flag=True, help="只输出有问题的实例和汇总")
def verify_command(all_: bool, ids: tuple[str, ...], quiet: bool) -> None:
    if all_ == bool(ids):
        raise click.UsageError("请指定实例编号，或使用 --all（二者选一）。")
    with app_context():
        if all_:
            targets = list(db.session.execute(sa.select(ProcessInstance.id).order_by(
                ProcessInstance.created_at, ProcessInstance.id)).scalars())
        else:
            targets = list(ids)
            missing = [i for i in targets if db.session.get(ProcessInstance, i) is None]
            if missing:
                click.echo(f"实例不存在：{'、'.join(missing)}", err=True)
                sys.exit(EXIT_USAGE)
        replayer = Replayer()
        bad = 0
        with click.progressbar(targets, label="校验中", file=sys.stderr,
                               hidden=len(targets) < PROGRESS_FROM) as bar:
            for instance_id in bar:
                result = verify_instance(instance_id, replayer)
                db.session.expunge_all()  # --all over many instances: keep memory flat
                if not result.ok:
                    bad += 1
                    click.echo(f"\n{instance_id}  哈希链={result.chain} 重放={result.replay} "
                               f"附件={result.attachments} "
                               f"首个问题事件={result.first_bad_seq}  {result.detail}")
                elif not quiet:
                    click.echo(f"{instance_id}  ok（{result.events} 条事件）")
    click.echo(f"共校验 {len(targets)} 个实例：{len(targets) - bad} 个完整，{bad} 个有问题。")
    if bad:
        sys.exit(EXIT_BROKEN)


@audit.command("verify-roster", help="校验名册变更记录的哈希链。有断裂时以非零状态退出。")
def verify_roster_command() -> None:
    with app_context():
        result = verify_roster_log()
    if result.ok:
        click.echo(result.detail)
        return
    click.echo(f"{result.detail}（首个问题记录：第 {result.first_bad_id} 条）")
    sys.exit(EXIT_BROKEN)


@audit.command("verify-assessments", help="校验考核结果记录与考核流程历史（等次、确定人、确定时间）一致。"
                                          "有不一致时以非零状态退出。")
def verify_assessments_command() -> None:
    with app_context():
        result = verify_assessment_results()
    for problem in result.problems:
        click.echo(problem)
    click.echo(f"共校验 {result.results} 条考核结果：{result.results - len(result.problems)} 条一致，"
               f"{len(result.problems)} 条有问题。")
    if not result.ok:
        sys.exit(EXIT_BROKEN)


def _moment(value: str, param: str, end: bool) -> datetime:
    """An ISO date (a whole local day; --to includes its day) or an ISO datetime with offset."""

    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"须为 YYYY-MM-DD 或带时区的 ISO 8601 时间：{exc}",
                                 param_hint=param) from exc
    problem = year_problem(param.lstrip("-"), moment.year)
    if problem:  # also keeps the day arithmetic below clear of the end of year 9999
        raise click.BadParameter(problem, param_hint=param)
    if len(value) == 10:
        day = moment.date() + timedelta(days=1 if end else 0)
        return datetime.combine(day, time(), tzinfo=get_settings().tz)
    if moment.tzinfo is None:
        raise click.BadParameter("时间须带时区偏移，如 2026-12-01T00:00:00+08:00", param_hint=param)
    return moment


@audit.command("export", help="导出审批台账：xlsx 含案件表（每案一行）和办理经过表（每条历史事件一行），"
                              "csv 只含办理经过。")
@click.option("--from", "start", required=True, help="起始日期或时间（含），如 2026-12-01")
@click.option("--to", "end", required=True, help="截止日期（含当天）或时间（不含）")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认 ledger-<起>-<止>.<格式>）")
def export_command(start: str, end: str, fmt: str, output: Path | None) -> None:
    with app_context():
        begin, finish = _moment(start, "--from", False), _moment(end, "--to", True)
        if finish <= begin:
            raise click.BadParameter("截止须晚于起始", param_hint="--to")
        output = output or Path(f"ledger-{start[:10]}-{end[:10]}.{fmt}")
        if fmt == "csv":
            with output.open("wb") as out:
                count = write_ledger_csv(begin, finish, out)
            click.echo(f"已导出 {count} 条记录到 {output}")
        else:
            counts = write_ledger_xlsx(begin, finish, str(output))
            click.echo(f"已导出 {counts.cases} 个案件、{counts.events} 条记录到 {output}")
