"""Posted cadres for bench/load.py: one mid-term replacement may be open per cadre, and the demo has
only seven posted cadres, so a load run posts fresh ones (ids c-load-<run>-<n>) in the cluster's
database. The nominees are the demo's eligible unposted cadres: a pending request does not reserve
its nominee, so they can be shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.app import create_app
from service.commands.demo_data import TERM_END, TERM_START, VILLAGES
from service.config import Settings
from service.persistence.db import db
from service.persistence.models import Cadre, Posting
from workflows.rules import WORK_TEAM_CATEGORIES

# (dispatch unit, its HR login, an eligible unposted nominee of the same unit) from the demo data.
UNITS = [
    ("unit-edu", "hr_edu", "c-sunhao"),
    ("unit-hospital", "hr_hospital", "c-zhoujie"),
    ("unit-power", "hr_power", "c-wuting"),
]


@dataclass(frozen=True)
class LoadCadre:
    cadre_id: str
    village_id: str
    role: str
    hr_login: str
    nominee_id: str


def post_cadres(database_url: str, run_id: str, count: int) -> list[LoadCadre]:
    app = create_app(Settings(database_url=database_url))
    made: list[LoadCadre] = []
    with app.app_context():
        for n in range(count):
            unit_id, hr_login, nominee_id = UNITS[n % len(UNITS)]
            village_id, _name, category, _township = VILLAGES[n % len(VILLAGES)]
            cadre_id = f"c-load-{run_id}-{n:04d}"
            # Long Party standing and work history, permanent staff: eligible for every rule.
            db.session.add(Cadre(id=cadre_id, name=f"压测干部{n}", unit_id=unit_id, party_status="formal",
                                 party_member_since=date(2010, 7, 1), work_start_date=date(2008, 8, 1),
                                 employment_type="permanent", birth_date=date(1985, 1, 1)))
            # Both roles: first secretaries end at the Organization Department, team members at the
            # Rural Revitalization Bureau; a work team only where the village's category has one.
            team = n % 2 == 1 and category in WORK_TEAM_CATEGORIES
            role = "team_member" if team else "first_secretary"
            db.session.add(Posting(cadre_id=cadre_id, village_id=village_id, role=role,
                                   term_start=TERM_START, term_end=TERM_END, active=True))
            made.append(LoadCadre(cadre_id, village_id, role, hr_login, nominee_id))
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return made
