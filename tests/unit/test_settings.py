"""Settings from CADREFLOW_* environment variables (no database)."""

import pytest

from service.config import DEFAULT_DEADLINES, DEFAULT_SQLITE_PATH, Settings, SettingsError


def test_defaults_follow_design_section_3():
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert DEFAULT_SQLITE_PATH.parent.name == "var"
    assert settings.deadlines == {
        "approval_reminder": "P3D", "approval_escalation": "P5D", "revision": "P5D", "arrival": "P10D",
        "handover": "P10D", "statement": "P5D", "rectification": "P20D", "nomination": "P10D",
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
