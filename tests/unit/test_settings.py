"""Settings from CADREFLOW_* environment variables (no database)."""

import pytest

from service.config import DEFAULT_DEADLINES, DEFAULT_SQLITE_PATH, Settings, SettingsError
from workflows.budget import Limits


def test_defaults_follow_design_section_3():
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert DEFAULT_SQLITE_PATH.parent.name == "var"
    assert settings.deadlines == {
        "approval_reminder": "P3D", "approval_escalation": "P5D", "revision": "P5D", "arrival": "P10D",
        "handover": "P10D", "statement": "P5D", "rectification": "P20D", "nomination": "P10D",
        "return_reminder": "P1D", "return_escalation": "P3D",
        "summary": "P10D",
    }
    assert settings.process_deadlines["deadline_approval_reminder"] == "P3D"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.webhook_url is None


def test_every_deadline_comes_from_its_variable():
    env = {f"CADREFLOW_DEADLINE_{name.upper()}": f"PT{i + 1}M" for i, name in enumerate(DEFAULT_DEADLINES)}
    settings = Settings.from_env(env)
    assert [settings.deadlines[name] for name in DEFAULT_DEADLINES] == [
        f"PT{i + 1}M" for i in range(len(DEFAULT_DEADLINES))
    ]


def test_other_variables():
    settings = Settings.from_env({
        "CADREFLOW_DATABASE_URL": "postgresql://postgres@db/cadreflow",
        "CADREFLOW_WEBHOOK_URL": "http://hooks.local/x",
        "CADREFLOW_SECRET_KEY": "s3",
        "CADREFLOW_TIMEZONE": "UTC",
    })
    # Only psycopg 3 is installed: plain postgres URLs are steered to it.
    assert settings.database_url == "postgresql+psycopg://postgres@db/cadreflow"
    assert settings.webhook_url == "http://hooks.local/x"
    assert (settings.secret_key, settings.timezone) == ("s3", "UTC")


@pytest.mark.parametrize("value", ["3D", "P", "PT", "P3", "three days", "P1DT", "-P3D"])
def test_malformed_deadline_is_refused_at_startup(value):
    with pytest.raises(SettingsError, match="CADREFLOW_DEADLINE_REVISION"):
        Settings.from_env({"CADREFLOW_DEADLINE_REVISION": value})


@pytest.mark.parametrize("value", ["P3D", "PT30M", "PT10S", "P1W", "P1DT12H", "PT0.5S"])
def test_well_formed_deadlines_are_accepted(value):
    assert Settings.from_env({"CADREFLOW_DEADLINE_ARRIVAL": value}).deadlines["arrival"] == value


def test_misspelt_deadline_variable_is_refused():
    with pytest.raises(SettingsError, match="CADREFLOW_DEADLINE_APROVAL"):
        Settings.from_env({"CADREFLOW_DEADLINE_APROVAL": "P3D"})


def test_unknown_timezone_is_refused():
    with pytest.raises(SettingsError, match="CADREFLOW_TIMEZONE"):
        Settings.from_env({"CADREFLOW_TIMEZONE": "Mars/Olympus"})


def test_the_metrics_token_comes_from_its_variable_and_is_not_short():
    assert Settings.from_env({}).metrics_token is None
    token = "m" * 24
    assert Settings.from_env({"CADREFLOW_METRICS_TOKEN": f" {token}\n"}).metrics_token == token
    with pytest.raises(SettingsError, match="CADREFLOW_METRICS_TOKEN"):
        Settings.from_env({"CADREFLOW_METRICS_TOKEN": "short"})


def test_session_token_and_login_defaults():
    settings = Settings.from_env({})
    assert (settings.session_idle_minutes, settings.session_max_hours) == (30, 8)
    assert settings.secure_cookies is False and settings.trusted_proxies == 0
    assert settings.token_days == 90
    assert (settings.login_max_failures, settings.login_max_failures_per_address,
            settings.login_window_minutes) == (5, 20, 15)
    # OWASP Password Storage Cheat Sheet: scrypt N=2^15, r=8, p=3 is one of its equivalent minimums.
    assert settings.password_hash == "scrypt:32768:8:3"


def test_session_token_and_login_variables():
    settings = Settings.from_env({
        "CADREFLOW_SESSION_IDLE_MINUTES": "15", "CADREFLOW_SESSION_MAX_HOURS": "4",
        "CADREFLOW_SECURE_COOKIES": "true", "CADREFLOW_TRUSTED_PROXIES": "1", "CADREFLOW_TOKEN_DAYS": "30",
        "CADREFLOW_LOGIN_MAX_FAILURES": "3", "CADREFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS": "10",
        "CADREFLOW_LOGIN_WINDOW_MINUTES": "60", "CADREFLOW_PASSWORD_HASH": "pbkdf2:sha256:600000",
    })
    assert (settings.session_idle_minutes, settings.session_max_hours) == (15, 4)
    assert (settings.secure_cookies, settings.trusted_proxies, settings.token_days) == (True, 1, 30)
    assert (settings.login_max_failures, settings.login_max_failures_per_address,
            settings.login_window_minutes) == (3, 10, 60)
    assert settings.password_hash == "pbkdf2:sha256:600000"


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("CADREFLOW_SESSION_IDLE_MINUTES", "0", "必须为正整数"),
    ("CADREFLOW_SESSION_MAX_HOURS", "eight", "不是整数"),
    ("CADREFLOW_TOKEN_DAYS", "-5", "必须为正整数"),
    ("CADREFLOW_LOGIN_MAX_FAILURES", "0", "必须为正整数"),
    ("CADREFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", "1.5", "不是整数"),
    ("CADREFLOW_LOGIN_WINDOW_MINUTES", "0", "必须为正整数"),
    ("CADREFLOW_SECURE_COOKIES", "sometimes", "不是布尔值"),
    ("CADREFLOW_TRUSTED_PROXIES", "-1", "非负整数"),
    ("CADREFLOW_PASSWORD_HASH", "md5", "格式应为"),
    ("CADREFLOW_PASSWORD_HASH", "scrypt:1000:8:1", "2 的幂"),
    ("CADREFLOW_PASSWORD_HASH", "pbkdf2:sha1:600000", "格式应为"),
])
def test_malformed_session_token_or_login_setting_is_refused(variable, value, message):
    with pytest.raises(SettingsError, match=variable) as raised:
        Settings.from_env({variable: value})
    assert message in str(raised.value)


def test_idle_lifetime_may_not_exceed_the_absolute_one():
    with pytest.raises(SettingsError, match="CADREFLOW_SESSION_IDLE_MINUTES"):
        Settings.from_env({"CADREFLOW_SESSION_IDLE_MINUTES": "121", "CADREFLOW_SESSION_MAX_HOURS": "2"})
    assert Settings.from_env({"CADREFLOW_SESSION_IDLE_MINUTES": "120",
                              "CADREFLOW_SESSION_MAX_HOURS": "2"}).session_idle_minutes == 120


def test_engine_limits_come_from_their_variables():
    assert Settings.from_env({}).limits == Limits()
    limits = Settings.from_env({
        "CADREFLOW_SCRIPT_MAX_STEPS": "5000", "CADREFLOW_SCRIPT_MAX_SECONDS": "0.5",
        "CADREFLOW_COMMAND_MAX_SECONDS": "3", "CADREFLOW_MAX_STATE_BYTES": "1000000",
    }).limits
    assert (limits.script_steps, limits.script_seconds, limits.command_seconds, limits.state_bytes) == (
        5000, 0.5, 3.0, 1_000_000)


@pytest.mark.parametrize(("variable", "value"), [
    ("CADREFLOW_SCRIPT_MAX_STEPS", "many"), ("CADREFLOW_SCRIPT_MAX_STEPS", "0"),
    ("CADREFLOW_SCRIPT_MAX_SECONDS", "-1"), ("CADREFLOW_MAX_STATE_BYTES", "2.5"),
])
def test_malformed_engine_limits_are_refused_at_startup(variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})
