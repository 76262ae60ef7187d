"""Days as an administrator types them from the holiday notice, and back to that text."""

from __future__ import annotations

from datetime import date

from service.http.web.day_lists import days_text, parse_days


def test_dates_ranges_and_separators_as_the_notice_writes_them() -> None:
    text = "2027年10月1日 至 2027年10月3日、2027/2/7\n2027-09-26，2027-09-26"
    days, problems = parse_days(text, "放假日期")
    assert problems == []
    assert days == [date(2027, 2, 7), date(2027, 9, 26), date(2027, 10, 1), date(2027, 10, 2),
                    date(2027, 10, 3)]


def test_what_cannot_be_read_is_said_with_the_fields_name() -> None:
    days, problems = parse_days("2027-02-30\n国庆\n2027-01-01 至 2027-03-01", "调休上班日期")
    assert days == []
    assert problems == ["调休上班日期：“2027-02-30”不是有效日期，请写成“2027-10-01”。",
                        "调休上班日期：“国庆”不是有效日期，请写成“2027-10-01”。",
                        "调休上班日期：“2027-01-01 至 2027-03-01”超过 31 天，请检查日期。"]


def test_consecutive_days_are_written_back_as_a_range() -> None:
    text = days_text([date(2027, 10, 3), date(2027, 10, 1), date(2027, 10, 2), date(2027, 2, 7)])
    assert text == "2027-02-07\n2027-10-01 至 2027-10-03"
    assert parse_days(text, "放假日期")[0] == [date(2027, 2, 7), date(2027, 10, 1), date(2027, 10, 2),
                                           date(2027, 10, 3)]
