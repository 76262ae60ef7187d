"""Write the demo county's roster workbooks, service/commands/demo_roster/<sheet>.xlsx.

Usage: ``python tools/make_demo_roster.py``. The lists in service/commands/demo_data.py are the
source; `cadreflow seed-demo` imports the workbooks through the roster import (source "demo") and
then sets the few dates that must stay relative to the day it runs (demo_data.RELATIVE_FIELDS).
Rerun this after changing those lists, and commit the workbooks.
"""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from service.commands.demo_data import (  # noqa: E402
    DEMO_ROSTER_DIR,
    ORGS,
    TERM_END,
    TERM_START,
    UNIT_FACTS,
    VILLAGES,
    demo_cadres,
    has_work_team,
)
from service.commands.roster_excel.sheets import SHEETS, Sheet  # noqa: E402
from service.commands.roster_excel.template import DATE_FORMAT, add_choice_lists, style_header  # noqa: E402

# The relative dates are overwritten at every seed; the workbook holds them as of this day.
AS_OF = date(2026, 1, 1)


def records(kind: str) -> list[dict[str, Any]]:
    names = {org_id: name for org_id, name, _, _ in ORGS} | {v[0]: v[1] for v in VILLAGES}
    cadres = demo_cadres(AS_OF)
    if kind == "townships":
        return [{"id": i, "name": n} for i, n, k, _ in ORGS if k == "township"]
    if kind == "units":
        return [{"id": i, "name": n, "level": UNIT_FACTS[i][0], "unit_kind": UNIT_FACTS[i][1]}
                for i, n, k, _ in ORGS if k == "dispatch_unit"]
    if kind == "villages":
        return [{"id": i, "name": n, "township_id": t, "township_id:name": names[t], "categories": [c]}
                for i, n, c, t in VILLAGES]
    if kind == "cadres":
        return [{"id": c.id, "name": c.name, "unit_id": c.unit_id, "unit_id:name": names[c.unit_id],
                 "party_status": c.party_status, "party_member_since": c.party_member_since,
                 "party_confirmed_on": c.confirmed_on(),
                 "work_start_date": c.work_start_date, "employment_type": c.employment_type,
                 "birth_date": c.birth_date} for c in cadres]
    return [{"cadre_id": c.id, "cadre_id:name": c.name, "village_id": c.posting[0],
             "village_id:name": names[c.posting[0]], "role": c.posting[1], "term_start": TERM_START,
             "planned_end": TERM_END, "supplier_id": c.unit_id, "supplier_id:name": names[c.unit_id],
             "leads_team": c.posting[1] == "first_secretary" and has_work_team(c.posting[0]),
             "active": True}
            for c in cadres if c.posting is not None]


def workbook(sheet: Sheet) -> bytes:
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet.title
    style_header(worksheet, sheet)
    add_choice_lists(worksheet, sheet)
    for number, record in enumerate(records(sheet.kind), start=2):
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=number, column=index, value=column.format(record.get(column.source)))
            if column.is_date:
                cell.number_format = DATE_FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    DEMO_ROSTER_DIR.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        path = DEMO_ROSTER_DIR / f"{sheet.kind}.xlsx"
        path.write_bytes(workbook(sheet))
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
