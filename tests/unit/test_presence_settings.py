"""The presence and leave settings (在岗管理): CADREFLOW_PRESENCE_MIN_DAYS, CADREFLOW_LEAVE_COUNTY_DAYS and
the return deadlines, with their documented defaults and refusals."""

import pytest

from service.config import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.presence_min_days == 20
    assert settings.leave_county_days == 3
    assert settings.process_leave_rules == {"leave_county_days": 3}
    assert settings.process_deadlines["deadline_return_reminder"] == "P1D"
    assert settings.process_deadlines["deadline_return_escalation"] == "P3D"


def test_variables() -> None:
    settings = Settings.from_env({"CADREFLOW_PRESENCE_MIN_DAYS": "22", "CADREFLOW_LEAVE_COUNTY_DAYS": "0",
                                  "CADREFLOW_DEADLINE_RETURN_REMINDER": "P2D"})
    assert (settings.presence_min_days, settings.leave_county_days) == (22, 0)
    assert settings.deadlines["return_reminder"] == "P2D"


@pytest.mark.parametrize(("env", "named"), [
    ({"CADREFLOW_PRESENCE_MIN_DAYS": "0"}, "CADREFLOW_PRESENCE_MIN_DAYS"),
    ({"CADREFLOW_PRESENCE_MIN_DAYS": "32"}, "CADREFLOW_PRESENCE_MIN_DAYS"),
    ({"CADREFLOW_PRESENCE_MIN_DAYS": "二十"}, "CADREFLOW_PRESENCE_MIN_DAYS"),
    ({"CADREFLOW_LEAVE_COUNTY_DAYS": "-1"}, "CADREFLOW_LEAVE_COUNTY_DAYS"),
    ({"CADREFLOW_LEAVE_COUNTY_DAYS": "3.5"}, "CADREFLOW_LEAVE_COUNTY_DAYS"),
    ({"CADREFLOW_DEADLINE_RETURN_REMINDER": "tomorrow"}, "CADREFLOW_DEADLINE_RETURN_REMINDER"),
])
def test_bad_values_are_refused_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)
