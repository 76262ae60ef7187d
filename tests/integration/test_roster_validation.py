"""Every roster field rule refuses bad input with a 422 naming the field in Chinese, and writes
nothing: each case below breaks exactly one rule of service/commands/roster."""

from __future__ import annotations

from datetime import date

import pytest
from command_helpers import who
from roster_helpers import changes_of, new_cadre, refused, save

from service.commands.roster import (
    cadre_warnings,
    end_posting,
    save_cadre,
    save_posting,
    save_township,
    save_unit,
    save_village,
    validate_cadre,
    validate_village,
)
from service.commands.uow import unit_of_work
from service.persistence.db import db
from service.persistence.models import Cadre, Posting

TODAY = date(2026, 12, 1)  # the clock fixture's day


@pytest.fixture(scope="module", autouse=True)
def world(app, clock):
    """A city-level unit with one cadre (for the county-level-only rule), on the module's database."""
    with app.app_context():
        save(save_unit, "orgdept", {"id": "unit-city", "name": "市农业农村局", "level": "city",
                                    "unit_kind": "party_government"})
        save(save_cadre, "orgdept", new_cadre("c-city", name="市局干部", unit_id="unit-city"))
    return app


@pytest.fixture(autouse=True)
def ctx(app):
    with app.app_context():
        yield


def fs(**overrides):
    values = {"cadre_id": "c-zhengkai", "village_id": "v-liujia", "role": "first_secretary",
              "term_start": date(2026, 12, 1)}
    values.update(overrides)
    return values


CASES = [
    # ids
    (save_township, {"id": "", "name": "新镇"}, "id", "编号不能为空"),
    (save_township, {"id": "tw 新", "name": "新镇"}, "id", "只能由字母、数字"),
    (save_township, {"id": "t" * 65, "name": "新镇"}, "id", "最多 64 个字符"),
    (save_township, {"id": "unit-edu", "name": "新镇"}, "id", "已被派出单位“XX县教育局”使用"),
    (save_township, {"id": "tw-x", "name": "新镇", "level": "county"}, "level", "未知字段"),
    # names
    (save_township, {"id": "tw-x", "name": "  "}, "name", "名称不能为空"),
    (save_township, {"id": "tw-x", "name": "新\n镇"}, "name", "控制字符"),
    (save_township, {"id": "tw-x", "name": "镇" * 101}, "name", "最多 100 字"),
    (save_township, {"id": "tw-x", "name": "青山镇"}, "name", "已被乡镇（编号 tw-qingshan）使用"),
    (save_cadre, new_cadre("c-x", name=""), "name", "姓名不能为空"),
    (save_cadre, new_cadre("c-x", post="职" * 201), "post", "现任职务过长"),
    # enums
    (save_unit, {"id": "u-x", "name": "新单位", "level": "town", "unit_kind": "enterprise"}, "level",
     "单位层级“town”不是可选值：可选 县级、市级、省级"),
    (save_unit, {"id": "u-x", "name": "新单位", "level": "county", "unit_kind": "ngo"}, "unit_kind",
     "可选 党政机关、事业单位、驻县单位、企业"),
    (save_unit, {"id": "u-x", "name": "新单位", "level": "county"}, "unit_kind", "单位性质不能为空"),
    (save_cadre, new_cadre("c-x", party_status="member"), "party_status", "政治面貌“member”不是可选值"),
    (save_cadre, new_cadre("c-x", employment_type="contract"), "employment_type",
     "可选 在编、正式职工、临聘"),
    (save_cadre, new_cadre("c-x", rural_expertise="yes"), "rural_expertise", "须为“是”或“否”"),
    (save_posting, fs(role="secretary"), "role", "岗位“secretary”不是可选值"),
    # village categories and township
    (save_village, {"id": "v-x", "name": "新村", "township_id": "tw-qingshan", "categories": []},
     "categories", "村类别至少选一项"),
    (save_village, {"id": "v-x", "name": "新村", "township_id": "tw-qingshan", "categories": ["capital"]},
     "categories", "“capital”不是可选值"),
    (save_village, {"id": "v-x", "name": "新村", "township_id": "tw-qingshan",
                    "categories": ["red_village", "red_village"]}, "categories", "有重复项"),
    (save_village, {"id": "v-x", "name": "新村", "township_id": "tw-nowhere", "categories": ["red_village"]},
     "township_id", "所属乡镇 tw-nowhere 不存在"),
    (save_village, {"id": "v-x", "name": "新村", "township_id": "unit-edu", "categories": ["red_village"]},
     "township_id", "“XX县教育局”不是乡镇"),
    (save_village, {"id": "v-x", "name": "上庄村", "township_id": "tw-qingshan",
                    "categories": ["red_village"]}, "name", "同一乡镇已有名为“上庄村”的村"),
    (save_village, {"id": "v-shangzhuang", "categories": ["red_village"]}, "categories",
     "仍有 1 名驻村工作队员在岗"),
    # a cadre's unit
    (save_cadre, new_cadre("c-x", unit_id="unit-nowhere"), "unit_id", "所在单位 unit-nowhere 不存在"),
    (save_cadre, new_cadre("c-x", unit_id="county"), "unit_id", "须为派出单位或乡镇"),
    # dates: plausible, ordered, not in the future
    (save_cadre, new_cadre("c-x", birth_date=date(2027, 1, 1)), "birth_date", "不能晚于今天（2026-12-01）"),
    (save_cadre, new_cadre("c-x", birth_date=date(1930, 1, 1)), "birth_date", "不能早于 1940-01-01"),
    (save_cadre, new_cadre("c-x", birth_date=None), "birth_date", "出生日期不能为空"),
    (save_cadre, new_cadre("c-x", work_start_date="2010-08-01"), "work_start_date", "须为日期"),
    (save_cadre, new_cadre("c-x", work_start_date=date(2000, 1, 1)), "work_start_date", "满 16 周岁之后"),
    (save_cadre, new_cadre("c-x", party_member_since=date(2005, 1, 1)), "party_member_since",
     "满 18 周岁之后"),
    (save_cadre, new_cadre("c-x", party_member_since=date(2027, 1, 1), party_confirmed_on=None),
     "party_member_since", "不能晚于今天"),
    (save_cadre, new_cadre("c-x", party_confirmed_on=date(2012, 7, 1)), "party_confirmed_on",
     "转正时间（2012-07-01）须晚于入党时间（2012-07-01）"),
    (save_cadre, {"id": "c-zhangwei", "birth_date": date(2000, 1, 1)}, "birth_date", "满 16 周岁之后"),
    (save_cadre, {"id": "c-zhangwei", "party_confirmed_on": date(2009, 1, 1)}, "party_confirmed_on",
     "须晚于入党时间（2010-07-01）"),
    # party status and its dates agree
    (save_cadre, new_cadre("c-x", party_status="none"), "party_status", "群众时不应填写入党时间"),
    (save_cadre, new_cadre("c-x", party_member_since=None, party_confirmed_on=None), "party_status",
     "须填写入党时间"),
    (save_cadre, new_cadre("c-x", party_status="probationary"), "party_status", "尚未转正，不应填写转正时间"),
    # postings
    (save_posting, fs(planned_end=date(2028, 6, 1)), "planned_end", "须不早于 2028-11-30（任期至少 2 年"),
    (save_posting, fs(term_start=date(2029, 1, 1)), "term_start", "不能晚于 2028-12-01"),
    (save_posting, fs(village_id="v-shangzhuang"), "village_id", "已有在岗的驻村第一书记（干部 c-zhangwei）"),
    (save_posting, fs(cadre_id="c-zhangwei"), "cadre_id", "一名干部同时只能有一个在岗任职"),
    (save_posting, fs(cadre_id="c-nobody"), "cadre_id", "干部 c-nobody 不存在"),
    (save_posting, fs(village_id="v-xiahe", role="team_member", leads_team=True), "leads_team",
     "只有驻村第一书记可以兼任工作队队长"),
    (save_posting, fs(role="team_member"), "role", "“刘家村”的类别不派驻工作队"),
    (save_posting, fs(supplier_id="tw-qingshan"), "supplier_id", "驻村第一书记须由派出单位选派"),
    (save_posting, fs(cadre_id="c-city"), "supplier_id", "“刘家村”的第一书记须由县级单位选派"),
    (save_posting, fs(village_id="v-xiahe", role="team_member", supplier_id="tw-baishui"), "supplier_id",
     "须由派出单位或该村所在乡镇选派"),
]


@pytest.mark.parametrize("command, values, field, words", CASES,
                         ids=[f"{c[0].__name__}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_a_broken_rule_is_refused_naming_the_field(command, values, field, words):
    error = refused(command, "orgdept", values)
    assert error.status == 422
    assert any(words in message for message in error.errors.get(field, [])), error.errors
    if command is save_cadre:
        assert db.session.get(Cadre, "c-x") is None


def test_every_bad_field_is_named_at_once():
    errors = validate_cadre(new_cadre("c-x", name="", employment_type="x", birth_date=date(2030, 1, 1)))
    assert set(errors) == {"name", "employment_type", "birth_date"}
    assert validate_village({"id": "v-x", "name": "新村", "township_id": "tw-hongqi",
                             "categories": ["red_village", "weak_party_org"]}) == {}


def test_the_same_posting_is_found_by_its_key_and_cannot_change_who_or_where():
    posting = db.session.execute(db.select(Posting).where(Posting.cadre_id == "c-zhangwei")).scalar_one()
    for field, value in (("role", "team_member"), ("term_start", date(2025, 4, 1))):
        error = refused(save_posting, "orgdept", {"id": posting.id, field: value})
        assert "请结束本任职后新建任职" in error.errors[field][0]
    error = refused(save_posting, "orgdept", {"id": 999999, "planned_end": date(2028, 1, 1)})
    assert error.errors["id"] == ["任职 999999 不存在。"]


def test_a_posting_ends_after_it_started_and_not_in_the_future():
    posting = db.session.execute(db.select(Posting).where(Posting.cadre_id == "c-wangqiang")).scalar_one()
    for day, words in ((date(2025, 2, 1), "不能早于 2025-03-01"), (date(2026, 12, 2), "不能晚于今天")):
        with pytest.raises(Exception) as caught, unit_of_work():
            end_posting(who("orgdept"), posting.id, day, "任期届满", source="api")
        assert words in caught.value.errors["ended_on"][0]
    with pytest.raises(Exception) as caught, unit_of_work():
        end_posting(who("orgdept"), posting.id, date(2026, 11, 30), "", source="api")
    assert caught.value.errors["reason"] == ["结束原因不能为空。"]
    assert db.session.get(Posting, posting.id).active


def test_confirmation_within_a_year_of_joining_is_a_warning_not_a_refusal():
    values = new_cadre("c-early", party_confirmed_on=date(2013, 1, 1))
    assert cadre_warnings(values)["party_confirmed_on"][0].startswith("转正时间（2013-01-01）距入党时间")
    assert save(save_cadre, "orgdept", values) is not None
    assert len(changes_of("cadre", "c-early")) == 1
    assert cadre_warnings(new_cadre("c-x")) == {}
