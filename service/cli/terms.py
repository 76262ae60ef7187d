"""`cadreflow terms remind`: remind of the terms ending soon once; `cadreflow terms assess`: start
the term-end assessments that are due. Both as the timer process does hourly."""

from __future__ import annotations

import click

from service.cli.context import app_context
from service.commands.assessments.term_end import start_due_term_ends
from service.commands.term_reminders import remind_term_ends
from service.config import get_settings
from service.core.clock import now


@click.group("terms", help="驻村干部任期。")
def terms() -> None:
    pass


@terms.command("remind", help="对计划届满日在提醒期内（CADREFLOW_TERM_END_NOTICE_DAYS，默认 60 天）"
                              "且尚未提醒的在岗干部，通知派出单位（人事部门）、乡镇和县驻村工作领导小组（每个任期只提醒一次）。")
def remind_command() -> None:
    with app_context():
        sent = remind_term_ends(now())
        days = get_settings().term_end_notice_days
    people = sum(len(s.notified) for s in sent)
    click.echo(f"提醒期 {days} 天：新提醒 {len(sent)} 个任期，通知 {people} 人次。")


@terms.command("assess", help="为计划期满日已到的在岗干部发起期满考核（每个任期只发起一次）。")
def assess_command() -> None:
    with app_context():
        started = start_due_term_ends(now())
    click.echo(f"新发起期满考核 {len(started)} 个。")
