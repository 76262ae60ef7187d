"""Tuning of the timer service, from CADREFLOW_SCHEDULER_* / CADREFLOW_TIMER_* / CADREFLOW_WEBHOOK_*."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from service.config import SettingsError


@dataclass(frozen=True)
class SchedulerConfig:
    sweep_seconds: float = 1.0  # periodic sweep: timers missed or created by another replica
    lock_seconds: float = 60.0  # SQLite claim lease; a crashed replica's claims expire after it
    batch_limit: int = 1000  # instances fired per sweep before yielding to the next one
    timer_max_attempts: int = 5
    timer_retry_seconds: float = 30.0  # first retry delay, doubled each attempt
    webhook_max_attempts: int = 6
    webhook_retry_seconds: float = 10.0
    webhook_timeout_seconds: float = 5.0

    @property
    def lock_ttl(self) -> timedelta:
        return timedelta(seconds=self.lock_seconds)

    @property
    def timer_retry_base(self) -> timedelta:
        return timedelta(seconds=self.timer_retry_seconds)

    @property
    def webhook_retry_base(self) -> timedelta:
        return timedelta(seconds=self.webhook_retry_seconds)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SchedulerConfig:
        env = os.environ if environ is None else environ
        names = {
            "sweep_seconds": ("CADREFLOW_SCHEDULER_SWEEP_SECONDS", float),
            "lock_seconds": ("CADREFLOW_SCHEDULER_LOCK_SECONDS", float),
            "timer_max_attempts": ("CADREFLOW_TIMER_MAX_ATTEMPTS", int),
            "timer_retry_seconds": ("CADREFLOW_TIMER_RETRY_SECONDS", float),
            "webhook_max_attempts": ("CADREFLOW_WEBHOOK_MAX_ATTEMPTS", int),
            "webhook_retry_seconds": ("CADREFLOW_WEBHOOK_RETRY_SECONDS", float),
            "webhook_timeout_seconds": ("CADREFLOW_WEBHOOK_TIMEOUT_SECONDS", float),
        }
        kwargs: dict[str, Any] = {}  # field name -> a value of the type `kind` made for that field
        for field_name, (var, kind) in names.items():
            raw = env.get(var)
            if not raw:
                continue
            try:
                value = kind(raw)
            except ValueError as exc:
                raise SettingsError(f"{var}: 不是数字: {raw!r}") from exc
            if value <= 0:
                raise SettingsError(f"{var}: 必须为正数")
            kwargs[field_name] = value
        return cls(**kwargs)
