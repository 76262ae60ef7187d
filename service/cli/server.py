"""`cadreflow serve | scheduler`: the development server and the timer service process."""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import click

from service.cli.context import build_app
from service.config import SettingsError
from service.core.clock import install_clock
from service.observability.gc_tuning import tune_gc
from service.timers import SchedulerConfig, TimerService
from service.timers.offset_clock import OffsetClock


def web_address(host: str, port: int) -> str:
    """Where people open the pages. A server listening on every address (0.0.0.0, ::) is reached
    by this machine's name or address; 127.0.0.1 stands in for it in the message."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/login"


@click.command("serve", help="启动开发服务器（werkzeug，多线程）。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="不在本进程中运行定时器服务")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    app = build_app(serves_pages=True)
    settings = app.extensions["cadreflow.settings"]
    app.extensions["cadreflow.settings"] = settings.with_changes(
        scheduler_enabled=settings.scheduler_enabled and not no_scheduler
    )
    timers = None
    if app.extensions["cadreflow.settings"].scheduler_enabled:
        timers = TimerService(app, SchedulerConfig.from_env()).start()
        click.echo("定时器服务已在本进程中启动（--no-scheduler 可关闭）。")
    tune_gc()
    click.echo(f"网页（登录）：{web_address(host, port)}")
    click.echo(f"接口：http://{host}:{port}/api/v1/ （接口文档 /api/v1/docs）")
    click.echo("演示用户：hr_edu、tw_qingshan、county、orgdept、rrb、auditor、admin、cadre_zhangwei 等，"
               "密码与登录名相同；令牌见 `cadreflow seed-demo --tokens-json var/demo-tokens.json` "
               "写出的文件。")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if timers is not None:
            timers.shutdown()


@click.command("scheduler", help="单独运行定时器服务（可与多个 Web 进程、多个定时器进程并行）。")
@click.option("--clock-start", default=None,
              help="测试用：以该时刻（ISO 8601，带时区）为当前时间起点，随后随墙钟走动")
def scheduler_command(clock_start: str | None) -> None:
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
