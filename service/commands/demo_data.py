"""Demo data for XX县: townships, villages of all four categories, dispatch units, cadres, users.

The roster comes in the way a county's would: the workbooks in demo_roster/ (written from the lists
below by tools/make_demo_roster.py) go through the roster import (source "demo"); then the few
dates that must stay relative to today are set with save_cadre.

Idempotent: the import changes nothing that is already as the workbooks say, postings are found by
cadre, village, role and start (so a rerun never reactivates what processes ended), and users keep
their tokens when the --tokens-json file still holds valid ones. Every demo user's password equals
its login.

Demo tokens last DEMO_TOKEN_DAYS (ten years, renewed by every seed-demo run), not
CADREFLOW_TOKEN_DAYS: `make run` and the tests keep using the tokens file, and these users, with
public passwords, exist only in the demo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from service.commands import SYSTEM, deploy_bundled
from service.commands.roster import save_cadre
from service.commands.roster_excel import SHEETS, import_file
from service.config import get_settings
from service.core.clock import now
from service.core.credentials import issue_token, set_password, token_matches
from service.core.labels import CATEGORIES_WITH_WORK_TEAM
from service.core.principal import SCOPE_KIND_BY_ROLE, Grant, Principal
from service.persistence.db import db
from service.persistence.models import Org, User, UserRole
from workflows.rules import PROBATION_YEARS, add_years

COUNTY_ID = "county"
DEMO_TOKEN_DAYS = 3650
DEMO_ROSTER_DIR = Path(__file__).resolve().parent / "demo_roster"
# Who the demo's roster changes are logged as: the system, with the administrator's say over the roster.
DEMO_ACTOR = Principal(login="system", display_name="演示数据", grants=(Grant("admin", "county", COUNTY_ID),))

ORGS: list[tuple[str, str, str, str | None]] = [
    # (id, name, kind, parent_id)
    (COUNTY_ID, "XX县驻村工作领导小组", "county_body", None),
    ("org-dept", "中共XX县委组织部", "county_body", COUNTY_ID),
    ("org-rrb", "XX县乡村振兴局", "county_body", COUNTY_ID),
    ("tw-qingshan", "青山镇", "township", COUNTY_ID),
    ("tw-baishui", "白水乡", "township", COUNTY_ID),
    ("tw-hongqi", "红旗镇", "township", COUNTY_ID),
    # A county organ, a public institution and a state-owned enterprise (domain.md: dispatch units).
    ("unit-edu", "XX县教育局", "dispatch_unit", COUNTY_ID),
    ("unit-hospital", "XX县人民医院", "dispatch_unit", COUNTY_ID),
    ("unit-power", "国网XX县供电公司", "dispatch_unit", COUNTY_ID),
]
# Dispatch units' level and kind (县直党政机关、科级事业单位、驻县单位和企业): the dispatch rules read them.
UNIT_FACTS: dict[str, tuple[str, str]] = {
    "unit-edu": ("county", "party_government"),
    "unit-hospital": ("county", "institution"),
    "unit-power": ("county", "enterprise"),
}

# Every township has a village of every category.
VILLAGES: list[tuple[str, str, str, str]] = [
    ("v-shangzhuang", "上庄村", "poverty_alleviated", "tw-qingshan"),
    ("v-xiahe", "下河村", "key_assistance", "tw-qingshan"),
    ("v-liujia", "刘家村", "weak_party_org", "tw-qingshan"),
    ("v-qingshanling", "青山岭村", "red_village", "tw-qingshan"),
    ("v-dongping", "东坪村", "poverty_alleviated", "tw-baishui"),
    ("v-shuikou", "水口村", "key_assistance", "tw-baishui"),
    ("v-huangtu", "黄土村", "weak_party_org", "tw-baishui"),
    ("v-hongyan", "红岩村", "red_village", "tw-baishui"),
    ("v-wangjia", "王家村", "poverty_alleviated", "tw-hongqi"),
    ("v-xinglong", "兴隆村", "key_assistance", "tw-hongqi"),
    ("v-shiqiao", "石桥村", "weak_party_org", "tw-hongqi"),
    ("v-jianshe", "建设村", "red_village", "tw-hongqi"),
]

TERM_START = date(2025, 3, 1)  # mid-term now: terms last 2 years
TERM_END = date(2027, 2, 28)


@dataclass(frozen=True)
class DemoCadre:
    id: str
    name: str
    unit_id: str
    party_status: str
    party_member_since: date | None
    work_start_date: date
    employment_type: str
    birth_date: date
    posting: tuple[str, str] | None = None  # (village_id, role)
    # 转正时间; None: one year after joining for a formal member (the statutory probation)
    party_confirmed_on: date | None = None

    def confirmed_on(self) -> date | None:
        if self.party_status != "formal" or self.party_member_since is None:
            return self.party_confirmed_on
        return self.party_confirmed_on or add_years(self.party_member_since, PROBATION_YEARS)


def demo_cadres(today: date) -> list[DemoCadre]:
    """Ineligible nominees' dates are relative to `today` so they stay ineligible for the right reason."""
    # Joined over a year ago but confirmed (转正) recently: under 1 year of Party standing, which
    # counting from joining would miss.
    joined_party = today - timedelta(days=565)
    recent_party = today - timedelta(days=200)
    recent_work = today - timedelta(days=400)  # under 2 years of work
    # Probationary, but with over a year since joining, so that it is the only failed rule.
    long_probation = today - timedelta(days=400)
    return [
        # Posted first secretaries.
        DemoCadre("c-zhangwei", "张伟", "unit-edu", "formal", date(2010, 7, 1), date(2008, 8, 1),
                  "permanent", date(1985, 4, 12), ("v-shangzhuang", "first_secretary")),
        DemoCadre("c-lina", "李娜", "unit-hospital", "formal", date(2012, 6, 1), date(2009, 9, 1),
                  "permanent", date(1987, 10, 3), ("v-shuikou", "first_secretary")),
        DemoCadre("c-wangqiang", "王强", "unit-power", "formal", date(2008, 5, 1), date(2006, 7, 1),
                  "permanent", date(1982, 1, 20), ("v-xinglong", "first_secretary")),
        DemoCadre("c-zhaomin", "赵敏", "unit-edu", "formal", date(2014, 7, 1), date(2011, 8, 1),
                  "permanent", date(1988, 6, 30), ("v-hongyan", "first_secretary")),
        # Posted team members.
        DemoCadre("c-liuyang", "刘洋", "unit-edu", "formal", date(2018, 7, 1), date(2016, 8, 1),
                  "permanent", date(1993, 3, 8), ("v-shangzhuang", "team_member")),
        DemoCadre("c-chenjing", "陈静", "unit-hospital", "formal", date(2019, 7, 1), date(2017, 7, 1),
                  "permanent", date(1994, 11, 15), ("v-shuikou", "team_member")),
        DemoCadre("c-yangfan", "杨帆", "unit-power", "none", None, date(2018, 7, 1),
                  "permanent", date(1995, 2, 27), ("v-xinglong", "team_member")),
        # Eligible, unposted nominees (one or more per unit).
        DemoCadre("c-sunhao", "孙浩", "unit-edu", "formal", date(2015, 7, 1), date(2012, 8, 1),
                  "permanent", date(1989, 9, 9)),
        DemoCadre("c-zhengkai", "郑凯", "unit-edu", "formal", date(2020, 7, 1), date(2019, 8, 1),
                  "permanent", date(1996, 5, 21)),
        DemoCadre("c-zhoujie", "周杰", "unit-hospital", "formal", date(2013, 7, 1), date(2010, 8, 1),
                  "permanent", date(1986, 12, 1)),
        DemoCadre("c-wuting", "吴婷", "unit-power", "formal", date(2016, 7, 1), date(2014, 7, 1),
                  "permanent", date(1991, 7, 7)),
        # Ineligible nominees, one per rule (all in unit-edu, whose HR also has posted cadres).
        DemoCadre("c-qianli", "钱立", "unit-edu", "probationary", long_probation, date(2015, 8, 1),
                  "permanent", date(1990, 4, 4)),
        DemoCadre("c-fengxue", "冯雪", "unit-edu", "formal", joined_party, date(2014, 8, 1),
                  "permanent", date(1991, 8, 18), party_confirmed_on=recent_party),
        DemoCadre("c-heping", "何平", "unit-edu", "formal", date(2019, 6, 1), recent_work,
                  "permanent", date(1998, 1, 5)),
        DemoCadre("c-luoyi", "罗毅", "unit-edu", "formal", date(2012, 7, 1), date(2010, 8, 1),
                  "temporary", date(1987, 3, 3)),
        # A township's own young cadre: the township may supply him as a team member (乡镇补齐).
        DemoCadre("c-xuming", "徐明", "tw-qingshan", "formal", date(2019, 7, 1), date(2018, 8, 1),
                  "permanent", date(1996, 10, 2)),
    ]


# The dates demo_cadres(today) computes from today: set after the import at every seed.
RELATIVE_FIELDS = {"c-qianli": ("party_member_since",),
                   "c-fengxue": ("party_member_since", "party_confirmed_on"),
                   "c-heping": ("work_start_date",)}

INELIGIBLE_NOMINEES = {
    "probationary": "c-qianli",
    "party_standing_under_1_year": "c-fengxue",
    "work_under_2_years": "c-heping",
    "temporary_staff": "c-luoyi",
}


def cadre_login(cadre_id: str) -> str:
    return "cadre_" + cadre_id.removeprefix("c-")


def demo_users(cadres: list[DemoCadre]) -> list[tuple[str, str, str, str]]:
    """(login, display name, role, scope id) for every role and jurisdiction."""
    users = [
        ("hr_edu", "教育局人事股 王芳", "unit_hr", "unit-edu"),
        ("hr_hospital", "人民医院人事科 刘军", "unit_hr", "unit-hospital"),
        ("hr_power", "供电公司人资部 陈刚", "unit_hr", "unit-power"),
        ("tw_qingshan", "青山镇党委 黄磊", "township", "tw-qingshan"),
        ("tw_baishui", "白水乡党委 徐丽", "township", "tw-baishui"),
        ("tw_hongqi", "红旗镇党委 马超", "township", "tw-hongqi"),
        ("county", "县驻村工作领导小组 林涛", "county", COUNTY_ID),
        ("orgdept", "县委组织部 郭静", "org_dept", COUNTY_ID),
        ("rrb", "县乡村振兴局 宋杰", "rrb", COUNTY_ID),
        ("auditor", "审计监督 韩梅", "auditor", COUNTY_ID),
        ("admin", "系统管理员", "admin", COUNTY_ID),
    ]
    users += [(cadre_login(c.id), c.name, "cadre", c.id) for c in cadres]
    return users


def _seed_reference(today: date) -> list[DemoCadre]:
    # The county's own bodies are not roster sheets: townships and units hang under them.
    for org_id, name, kind, parent_id in ORGS:
        if kind == "county_body":
            row = db.session.get(Org, org_id)
            if row is None:
                db.session.add(Org(id=org_id, name=name, kind=kind, parent_id=parent_id))
            else:
                row.name, row.parent_id = name, parent_id
            db.session.flush()  # parents before children (self-referencing FK)
    for sheet in SHEETS:
        content = (DEMO_ROSTER_DIR / f"{sheet.kind}.xlsx").read_bytes()
        import_file(DEMO_ACTOR, content, sheet.kind, source="demo")
    cadres = demo_cadres(today)
    for c in cadres:
        if c.id in RELATIVE_FIELDS:
            facts = {"party_member_since": c.party_member_since, "party_confirmed_on": c.confirmed_on(),
                     "work_start_date": c.work_start_date}
            save_cadre(DEMO_ACTOR, {"id": c.id, **{f: facts[f] for f in RELATIVE_FIELDS[c.id]}},
                       source="demo")
    return cadres


def has_work_team(village_id: str) -> bool:
    return any(v[0] == village_id and v[2] in CATEGORIES_WITH_WORK_TEAM for v in VILLAGES)


def _seed_users(cadres: list[DemoCadre], known_tokens: dict[str, str]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    expires_at = now() + timedelta(days=DEMO_TOKEN_DAYS)
    for login, display_name, role, scope_id in demo_users(cadres):
        user = db.session.get(User, login)
        if user is None:
            user = User(login=login, display_name=display_name, active=True)
            db.session.add(user)
        user.display_name = display_name
        if user.password_hash is None:
            set_password(user, login, get_settings().password_hash)  # demo password = login (README)
        grant = (role, SCOPE_KIND_BY_ROLE[role], scope_id)
        if grant not in {(r.role, r.scope_kind, r.scope_id) for r in user.roles}:
            user.roles.append(UserRole(role=role, scope_kind=grant[1], scope_id=scope_id))
        known = known_tokens.get(login)
        if known and token_matches(user, known):
            tokens[login] = known
            user.token_expires_at = expires_at
        else:
            tokens[login] = issue_token(user, expires_at)
    return tokens


def read_tokens_file(path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_tokens_file(path: Path, tokens: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)  # bearer tokens are credentials


def seed_demo(today: date | None = None, tokens_path: Path | None = None) -> dict[str, str]:
    """Seed (or refresh) the demo data in one transaction; returns {login: token}."""
    today = today or datetime.now(get_settings().tz).date()
    cadres = _seed_reference(today)
    tokens = _seed_users(cadres, read_tokens_file(tokens_path))
    db.session.commit()
    # The bundled processes (bpmn/) are deployed too, so the demo can start requests at once.

    deploy_bundled(SYSTEM)
    if tokens_path is not None:
        write_tokens_file(tokens_path, tokens)
    return tokens
