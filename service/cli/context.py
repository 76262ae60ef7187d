"""The Flask app a CLI command runs in, built from CADREFLOW_* settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from service.app import create_app
from service.config import Settings, SettingsError


def build_app(*, serves_pages: bool = False) -> Flask:
    """`serves_pages`: the app will sign session cookies for people, so its key must be secret."""
    try:
        settings = Settings.from_env()
        if serves_pages:
            settings.check_secret_key()
    except SettingsError as exc:
        raise click.ClickException(f"配置错误：{exc}") from exc
    return create_app(settings)


@contextmanager
def app_context() -> Iterator[Flask]:
    app = build_app()
    with app.app_context():
        yield app
