"""Settings from CADREFLOW_* environment variables, validated once at startup."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from workflows.budget import Limits
from workflows.duty_rules import (
    DUTY_STANDARD_DEFAULTS,
    DUTY_STANDARDS,
    purchase_within_funds,
    standard_problem,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "cadreflow.sqlite3"
SETTINGS_KEY = "cadreflow.settings"

# design.md §3: CADREFLOW_DEADLINE_<NAME> fills the process variable deadline_<name>.
DEFAULT_DEADLINES: dict[str, str] = {
    "approval_reminder": "P3D",
    "approval_escalation": "P5D",
    "revision": "P5D",
    "arrival": "P10D",
    "handover": "P10D",
    "statement": "P5D",
    "rectification": "P20D",
    "nomination": "P10D",
    # A cadre back from approved leave confirms the return (销假): reminded after this long from
    # the leave's last day, and the township told after the escalation.
    "return_reminder": "P1D",
    "return_escalation": "P3D",
    # The cadre's own summary (述职) of an assessment: reminded, and the county told, after this.
    "summary": "P10D",
}

# Domain rules 9 and 12: CADREFLOW_DUTY_<NAME> fills the unit_duties start variable duty_<name>.
# Defaults and floors are workflows/duty_rules.py's: where the seed writes "X" the default is a
# placeholder to set; a figure the seed fixes (1 visit, 10,000 yuan) may only be raised.
DEFAULT_DUTY_STANDARDS: dict[str, int] = dict(DUTY_STANDARD_DEFAULTS)
# Duty settings of earlier versions: a deployment still setting one is told what took its place.
RETIRED_DUTY_SETTINGS = {
    "CADREFLOW_DUTY_FUNDS_PER_YEAR_YUAN":
        "已改为 CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN（驻村工作经费按驻村第一书记所在村逐村计，"
        "每村每年不少于 10000 元）",
    "CADREFLOW_DUTY_INSURANCE_REQUIRED": "已取消：人身意外伤害保险由县级统一办理，记入保障台账"
                                         "（保额标准见 CADREFLOW_SUPPORT_INSURANCE_MIN_COVER_YUAN）",
}

# ISO 8601 durations as the engine accepts them: at least one component, a 'T' only before a time part.
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)


# Keys that have been public (defaults of earlier versions, the compose file's old placeholder):
# anyone could sign a session cookie with them.
# The engine's budget settings (workflows.budget.Limits): variable -> (field, type).
LIMIT_VARIABLES: dict[str, tuple[str, type]] = {
    "CADREFLOW_SCRIPT_MAX_STEPS": ("script_steps", int),
    "CADREFLOW_SCRIPT_MAX_SECONDS": ("script_seconds", float),
    "CADREFLOW_COMMAND_MAX_SECONDS": ("command_seconds", float),
    "CADREFLOW_MAX_STATE_BYTES": ("state_bytes", int),
}

KNOWN_PUBLIC_KEYS = frozenset({"cadreflow-dev-secret", "change-me-in-production", "secret", "changeme"})
MIN_SECRET_KEY_LENGTH = 32
MIN_METRICS_TOKEN_LENGTH = 16

# Web password hashes (werkzeug's "method:params"). The default is scrypt with N=2^15, r=8, p=3, one
# of the OWASP Password Storage Cheat Sheet's equivalent scrypt settings (2023+): the CPU cost of
# N=2^17, p=1 with a quarter of its memory (32 MiB per hash instead of 128 MiB). pbkdf2:sha256 with
# at least 600000 iterations is the other accepted form. Hashes made with other parameters still
# verify and are rehashed with these at the user's next login.
DEFAULT_PASSWORD_HASH = "scrypt:32768:8:3"
_PASSWORD_HASH = re.compile(
    r"^(?:scrypt:(?P<n>\d+):(?P<r>\d+):(?P<p>\d+)|pbkdf2:(?:sha256|sha512):(?P<iterations>\d+))$"
)


class SettingsError(ValueError):
    """A CADREFLOW_* value is malformed; the message names the variable."""


def is_iso_duration(value: str) -> bool:
    return bool(_DURATION.match(value))


def _normalize_database_url(url: str) -> str:
    # Only psycopg 3 is installed: steer plain postgres URLs to it instead of failing on psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: 不是整数: {raw!r}") from exc


def _parse_positive_int(name: str, raw: str) -> int:
    value = _parse_int(name, raw)
    if value <= 0:
        raise SettingsError(f"{name}: 必须为正整数: {raw!r}")
    return value


def _check_password_hash(value: str) -> None:
    match = _PASSWORD_HASH.match(value)
    if match is None:
        raise SettingsError(
            "CADREFLOW_PASSWORD_HASH: 格式应为 scrypt:N:r:p 或 pbkdf2:sha256:迭代次数"
            f"（默认 {DEFAULT_PASSWORD_HASH}）: {value!r}"
        )
    if match["n"] is not None:
        n, r, p = int(match["n"]), int(match["r"]), int(match["p"])
        if n < 2 or n & (n - 1) or r < 1 or p < 1:
            raise SettingsError(
                f"CADREFLOW_PASSWORD_HASH: scrypt 的 N 须为大于 1 的 2 的幂，r、p 须为正整数: {value!r}"
            )
    elif int(match["iterations"]) < 1:
        raise SettingsError(f"CADREFLOW_PASSWORD_HASH: 迭代次数必须为正整数: {value!r}")


# (field, variable) of the positive whole-number settings.
_POSITIVE_INTS = (
    ("session_idle_minutes", "CADREFLOW_SESSION_IDLE_MINUTES"),
    ("session_max_hours", "CADREFLOW_SESSION_MAX_HOURS"),
    ("token_days", "CADREFLOW_TOKEN_DAYS"),
    ("login_max_failures", "CADREFLOW_LOGIN_MAX_FAILURES"),
    ("login_max_failures_per_address", "CADREFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS"),
    ("login_window_minutes", "CADREFLOW_LOGIN_WINDOW_MINUTES"),
    ("term_end_notice_days", "CADREFLOW_TERM_END_NOTICE_DAYS"),
    ("presence_min_days", "CADREFLOW_PRESENCE_MIN_DAYS"),
    ("attachment_max_bytes", "CADREFLOW_ATTACHMENT_MAX_BYTES"),
    ("insurance_min_cover_yuan", "CADREFLOW_SUPPORT_INSURANCE_MIN_COVER_YUAN"),
    ("transport_trips_per_month", "CADREFLOW_SUPPORT_TRANSPORT_TRIPS_PER_MONTH"),
)
# A month has at most this many days: a presence floor above it could never be met.
MAX_MONTH_DAYS = 31


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name}: 不是布尔值: {raw!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    deadlines: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    duty_standards: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DUTY_STANDARDS))
    webhook_url: str | None = None
    # HMAC-SHA256 key for X-Cadreflow-Signature of webhook POSTs (CADREFLOW_WEBHOOK_SECRET).
    webhook_secret: str | None = None
    # Signs the pages' session cookies. Empty: an app made in-process (tests, benchmarks) signs
    # with a random key of its own; a serving process refuses to start (check_secret_key).
    secret_key: str = ""
    # Bearer token a scraper sends for GET /metrics (CADREFLOW_METRICS_TOKEN). Unset: /metrics
    # answers only requests from this machine (loopback) that no proxy forwarded, 404 otherwise.
    metrics_token: str | None = None
    timezone: str = "Asia/Shanghai"
    # Request bodies above this are refused with 413 (BPMN uploads included); a request that
    # uploads attachments may carry its files on top (attachment_max_bytes each).
    max_content_length: int = 5 * 1024 * 1024
    # One attachment (a scan, a photo, a Word or Excel file) may be at most this large.
    attachment_max_bytes: int = 20 * 1024 * 1024
    scheduler_enabled: bool = True
    # Domain rule 9: the timer service starts each year's unit_duties instance of every dispatch
    # unit (CADREFLOW_DUTIES_AUTOSTART). Off by default: the demo and tests start them by hand.
    duties_autostart: bool = False
    sql_echo: bool = False
    # Pages' sessions (server-side rows, see service/commands/web_sessions.py): a session ends after
    # this long without a request, and this long after sign-in whatever happens.
    session_idle_minutes: int = 30
    session_max_hours: int = 8
    # The session cookie is sent over HTTPS only. Off for `make run` (plain http on 127.0.0.1); on in
    # docker-compose.yml, which is meant to sit behind a TLS proxy.
    secure_cookies: bool = False
    # Reverse proxies in front of the web processes whose X-Forwarded-For is trusted (werkzeug
    # ProxyFix). 0: the peer address of the connection is the client's address.
    trusted_proxies: int = 0
    # Lifetime of an API token issued by `cadreflow users create` / `users token rotate`.
    token_days: int = 90
    # Failed logins within the window after which the login page answers 429 (Retry-After): per
    # login name (known or not) and per client address.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_window_minutes: int = 15
    password_hash: str = DEFAULT_PASSWORD_HASH
    # How many days before a posting's planned end its supplier's HR, its township and the county
    # are reminded (and the coverage list flags the term as ending soon).
    term_end_notice_days: int = 60
    # Presence (在岗管理; seed 三（三）"坚持吃住在村"; the seed gives no figure): the days a month a
    # cadre must spend in the village. A township is alerted below it, the days of approved leave
    # and of the month the cadre was not posted excepted (queries/presence.py).
    presence_min_days: int = 20
    # Leave (请假): longer than this many working days, the county leading group approves it too
    # after the township (bpmn/leave.bpmn); 0: every leave goes to the county too.
    leave_county_days: int = 3
    # Domain rule 12 (四（二）落实工作保障), the seed's "XX万元" and "X": the county insures every
    # stationed cadre for at least this much a year (a record below it is flagged in the ledger),
    # and a cadre may claim this many round trips home a month (a further claim is refused).
    # Placeholders until the county sets its own figures.
    insurance_min_cover_yuan: int = 500000
    transport_trips_per_month: int = 2
    # Assessments (考核): the share of a year's round the county may grade 优秀. The seed: the share
    # "may be raised" for stationed cadres and does not count against the unit's own quota; 0.2 is
    # the civil service's usual share (CADREFLOW_ASSESSMENT_EXCELLENT_SHARE, a fraction in (0, 1]).
    assessment_excellent_share: float = 0.2
    # What one engine command may spend (scripts' steps and time, engine steps, state size).
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", _normalize_database_url(self.database_url))
        unknown = set(self.deadlines) - set(DEFAULT_DEADLINES)
        if unknown:
            raise SettingsError(f"未知的期限设置: {', '.join(sorted(unknown))}")
        merged = {**DEFAULT_DEADLINES, **self.deadlines}
        for name, value in merged.items():
            if not is_iso_duration(value):
                raise SettingsError(
                    f"CADREFLOW_DEADLINE_{name.upper()}: 不是 ISO 8601 时长（例如 P3D、PT30M）: {value!r}"
                )
        object.__setattr__(self, "deadlines", merged)
        object.__setattr__(self, "duty_standards", _checked_duties(self.duty_standards))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"CADREFLOW_TIMEZONE: 未知时区: {self.timezone!r}") from exc
        if self.max_content_length <= 0:
            raise SettingsError("CADREFLOW_MAX_CONTENT_LENGTH: 必须为正整数")
        for name, variable in _POSITIVE_INTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise SettingsError(f"{variable}: 必须为正整数: {value!r}")
        if self.presence_min_days > MAX_MONTH_DAYS:
            raise SettingsError(
                f"CADREFLOW_PRESENCE_MIN_DAYS: 不能超过 {MAX_MONTH_DAYS} 天: {self.presence_min_days!r}")
        county_days = self.leave_county_days
        if isinstance(county_days, bool) or not isinstance(county_days, int) or county_days < 0:
            raise SettingsError(f"CADREFLOW_LEAVE_COUNTY_DAYS: 须为非负整数: {county_days!r}")
        if self.session_idle_minutes > self.session_max_hours * 60:
            raise SettingsError(
                "CADREFLOW_SESSION_IDLE_MINUTES: 不能超过 CADREFLOW_SESSION_MAX_HOURS 对应的分钟数"
                f"（{self.session_max_hours * 60}）"
            )
        share = self.assessment_excellent_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise SettingsError(
                f"CADREFLOW_ASSESSMENT_EXCELLENT_SHARE: 须为大于 0、不超过 1 的比例（如 0.2）: {share!r}")
        if self.trusted_proxies < 0:
            raise SettingsError(f"CADREFLOW_TRUSTED_PROXIES: 须为非负整数: {self.trusted_proxies!r}")
        _check_password_hash(self.password_hash)
        if self.metrics_token is not None and len(self.metrics_token) < MIN_METRICS_TOKEN_LENGTH:
            raise SettingsError(f"CADREFLOW_METRICS_TOKEN: 太短（至少 {MIN_METRICS_TOKEN_LENGTH} 个字符）")

    @property
    def process_deadlines(self) -> dict[str, str]:
        """Deadlines under the names the BPMN timers read (deadline_<name>)."""
        return {f"deadline_{name}": value for name, value in self.deadlines.items()}

    @property
    def process_leave_rules(self) -> dict[str, int]:
        """The leave rules under the names bpmn/leave.bpmn reads."""
        return {"leave_county_days": self.leave_county_days}

    @property
    def process_duty_standards(self) -> dict[str, int]:
        """Duty standards under the names unit_duties reads (duty_<name>)."""
        return {f"duty_{name}": value for name, value in self.duty_standards.items()}

    def check_secret_key(self) -> None:
        """A process that serves pages refuses a missing, short or publicly known key."""
        key = self.secret_key
        if not key:
            raise SettingsError("CADREFLOW_SECRET_KEY: 未设置（或用 CADREFLOW_SECRET_KEY_FILE 指定密钥文件）")
        if key in KNOWN_PUBLIC_KEYS:
            raise SettingsError("CADREFLOW_SECRET_KEY: 该密钥已公开，不能使用，请生成随机密钥")
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"CADREFLOW_SECRET_KEY: 太短（至少 {MIN_SECRET_KEY_LENGTH} 个字符）")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        kwargs: dict[str, Any] = {}  # field name -> the value parsed for that field
        if env.get("CADREFLOW_DATABASE_URL"):
            kwargs["database_url"] = env["CADREFLOW_DATABASE_URL"]
        if env.get("CADREFLOW_WEBHOOK_URL"):
            kwargs["webhook_url"] = env["CADREFLOW_WEBHOOK_URL"]
        if env.get("CADREFLOW_WEBHOOK_SECRET"):
            kwargs["webhook_secret"] = env["CADREFLOW_WEBHOOK_SECRET"]
        if env.get("CADREFLOW_SECRET_KEY"):
            kwargs["secret_key"] = env["CADREFLOW_SECRET_KEY"]
        elif env.get("CADREFLOW_SECRET_KEY_FILE"):
            kwargs["secret_key"] = _read_secret(env["CADREFLOW_SECRET_KEY_FILE"])
        if env.get("CADREFLOW_METRICS_TOKEN"):
            kwargs["metrics_token"] = env["CADREFLOW_METRICS_TOKEN"].strip()
        if env.get("CADREFLOW_TIMEZONE"):
            kwargs["timezone"] = env["CADREFLOW_TIMEZONE"]
        if env.get("CADREFLOW_MAX_CONTENT_LENGTH"):
            raw = env["CADREFLOW_MAX_CONTENT_LENGTH"]
            try:
                kwargs["max_content_length"] = int(raw)
            except ValueError as exc:
                raise SettingsError(f"CADREFLOW_MAX_CONTENT_LENGTH: 不是整数: {raw!r}") from exc
        if "CADREFLOW_SCHEDULER" in env:
            kwargs["scheduler_enabled"] = _parse_bool("CADREFLOW_SCHEDULER", env["CADREFLOW_SCHEDULER"])
        if "CADREFLOW_DUTIES_AUTOSTART" in env:
            kwargs["duties_autostart"] = _parse_bool("CADREFLOW_DUTIES_AUTOSTART",
                                                     env["CADREFLOW_DUTIES_AUTOSTART"])
        if "CADREFLOW_SQL_ECHO" in env:
            kwargs["sql_echo"] = _parse_bool("CADREFLOW_SQL_ECHO", env["CADREFLOW_SQL_ECHO"])
        if "CADREFLOW_SECURE_COOKIES" in env:
            kwargs["secure_cookies"] = _parse_bool("CADREFLOW_SECURE_COOKIES",
                                                   env["CADREFLOW_SECURE_COOKIES"])
        for name, variable in _POSITIVE_INTS:
            if env.get(variable, "").strip():
                kwargs[name] = _parse_positive_int(variable, env[variable])
        for name, variable in (("trusted_proxies", "CADREFLOW_TRUSTED_PROXIES"),
                               ("leave_county_days", "CADREFLOW_LEAVE_COUNTY_DAYS")):
            if env.get(variable, "").strip():
                kwargs[name] = _parse_int(variable, env[variable])
        if env.get("CADREFLOW_ASSESSMENT_EXCELLENT_SHARE", "").strip():
            raw = env["CADREFLOW_ASSESSMENT_EXCELLENT_SHARE"]
            try:
                kwargs["assessment_excellent_share"] = float(raw.strip())
            except ValueError as exc:
                raise SettingsError(f"CADREFLOW_ASSESSMENT_EXCELLENT_SHARE: 不是数字: {raw!r}") from exc
        if env.get("CADREFLOW_PASSWORD_HASH", "").strip():
            kwargs["password_hash"] = env["CADREFLOW_PASSWORD_HASH"].strip()
        deadlines = {}
        for name in DEFAULT_DEADLINES:
            value = env.get(f"CADREFLOW_DEADLINE_{name.upper()}")
            if value:
                deadlines[name] = value.strip()
        unknown_deadlines = sorted(
            key for key in env
            if key.startswith("CADREFLOW_DEADLINE_")
            and key[len("CADREFLOW_DEADLINE_"):].lower() not in DEFAULT_DEADLINES
        )
        if unknown_deadlines:
            # A typo would otherwise silently keep the default deadline.
            raise SettingsError(f"未知的期限设置: {', '.join(unknown_deadlines)}")
        kwargs["deadlines"] = deadlines
        kwargs["duty_standards"] = _duties_from_env(env)
        support = {variable for _, variable in _POSITIVE_INTS if variable.startswith("CADREFLOW_SUPPORT_")}
        unknown_support = sorted(k for k in env if k.startswith("CADREFLOW_SUPPORT_") and k not in support)
        if unknown_support:
            raise SettingsError(f"未知的工作保障设置: {', '.join(unknown_support)}")
        kwargs["limits"] = _limits_from_env(env)
        return cls(**kwargs)


def _limits_from_env(env: Mapping[str, str]) -> Limits:
    values: dict[str, Any] = {}
    for variable, (name, kind) in LIMIT_VARIABLES.items():
        raw = env.get(variable, "").strip()
        if not raw:
            continue
        try:
            values[name] = kind(raw)
        except ValueError as exc:
            raise SettingsError(f"{variable}: 不是{'整数' if kind is int else '数字'}: {raw!r}") from exc
        if values[name] <= 0:
            raise SettingsError(f"{variable}: 必须为正数")
    return Limits(**values)


def _read_secret(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(f"CADREFLOW_SECRET_KEY_FILE: 无法读取 {path}: {exc.strerror}") from exc


def _checked_duties(values: Mapping[str, int]) -> dict[str, int]:
    unknown = set(values) - set(DEFAULT_DUTY_STANDARDS)
    if unknown:
        raise SettingsError(f"未知的帮扶责任设置: {', '.join(sorted(unknown))}")
    merged = {**DEFAULT_DUTY_STANDARDS, **values}
    for name, value in merged.items():
        problem = standard_problem(name, value)
        if problem:
            raise SettingsError(f"CADREFLOW_DUTY_{name.upper()}: {problem}")
    problem = purchase_within_funds(merged)
    if problem:
        raise SettingsError(f"CADREFLOW_DUTY_PRODUCT_PURCHASE_PER_YEAR_YUAN: {problem}")
    return merged


def _duties_from_env(env: Mapping[str, str]) -> dict[str, int]:
    prefix = "CADREFLOW_DUTY_"
    retired = sorted(k for k in env if k in RETIRED_DUTY_SETTINGS)
    if retired:
        raise SettingsError("；".join(f"{k}: {RETIRED_DUTY_SETTINGS[k]}" for k in retired))
    unknown = sorted(k for k in env if k.startswith(prefix) and k[len(prefix):].lower() not in DUTY_STANDARDS)
    if unknown:
        # A typo would otherwise silently keep the default standard.
        raise SettingsError(f"未知的帮扶责任设置: {', '.join(unknown)}")
    out: dict[str, int] = {}
    for name in DUTY_STANDARDS:
        variable = f"{prefix}{name.upper()}"
        raw = env.get(variable, "").strip()
        if not raw:
            continue
        try:
            out[name] = int(raw)
        except ValueError as exc:
            raise SettingsError(f"{variable}: 不是整数: {raw!r}") from exc
    return out


def get_settings() -> Settings:
    """The settings of the running app (create_app keeps them under SETTINGS_KEY)."""
    return current_app.extensions[SETTINGS_KEY]
