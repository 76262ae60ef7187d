"""The Flask app a CLI command runs in, built from CADREFLOW_* settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from service.app import create_app
from service.config import Settings, SettingsError


def build_app() -> Flask:
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
