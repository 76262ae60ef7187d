"""The roster as a workbook in the import's own layout: exported, edited, imported back.

Written with openpyxl's write-only mode (rows go to disk as they come; the database is read in
batches), names next to the codes, labels instead of codes, dates as Excel dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from service.commands.roster_excel.sheets import Sheet
from service.commands.roster_excel.template import DATE_FORMAT, HEADER_FILL, HEADER_FONT
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, Village

BATCH = 1000


def _org_names() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Org.id, Org.name)).all())


def _orgs(kind: str) -> Iterator[dict[str, Any]]:
    org_kind = "township" if kind == "townships" else "dispatch_unit"
    for org in db.session.execute(sa.select(Org).where(Org.kind == org_kind).order_by(Org.id)).scalars():
        yield {"id": org.id, "name": org.name, "level": org.level, "unit_kind": org.unit_kind}


def _villages(kind: str) -> Iterator[dict[str, Any]]:
    orgs = _org_names()
    stmt = sa.select(Village).order_by(Village.township_id, Village.id).execution_options(yield_per=BATCH)
    for v in db.session.execute(stmt).scalars():
        yield {"id": v.id, "name": v.name, "township_id": v.township_id,
               "township_id:name": orgs.get(v.township_id), "categories": v.categories}


def _cadres(kind: str) -> Iterator[dict[str, Any]]:
    orgs = _org_names()
    stmt = (sa.select(Cadre).order_by(Cadre.unit_id, Cadre.id).execution_options(yield_per=BATCH)
            .options(sa.orm.lazyload(Cadre.postings)))
    for c in db.session.execute(stmt).scalars():
        yield {"id": c.id, "name": c.name, "unit_id": c.unit_id, "unit_id:name": orgs.get(c.unit_id),
               "party_status": c.party_status, "party_member_since": c.party_member_since,
               "party_confirmed_on": c.party_confirmed_on, "work_start_date": c.work_start_date,
               "employment_type": c.employment_type, "birth_date": c.birth_date, "post": c.post,
               "rural_expertise": c.rural_expertise}


def _postings(kind: str) -> Iterator[dict[str, Any]]:
    orgs = _org_names()
    villages = dict(db.session.execute(sa.select(Village.id, Village.name)).all())
    stmt = (sa.select(Posting, Cadre.name).join(Cadre, Cadre.id == Posting.cadre_id)
            .order_by(Posting.village_id, Posting.term_start, Posting.id).execution_options(yield_per=BATCH))
    for p, cadre_name in db.session.execute(stmt):
        yield {"id": p.id, "cadre_id": p.cadre_id, "cadre_id:name": cadre_name, "village_id": p.village_id,
               "village_id:name": villages.get(p.village_id), "role": p.role, "term_start": p.term_start,
               "planned_end": p.planned_end, "term_end": p.term_end, "supplier_id": p.supplier_id,
               "supplier_id:name": orgs.get(p.supplier_id or ""), "leads_team": p.leads_team,
               "active": p.active}


RECORDS: dict[str, Callable[[str], Iterator[dict[str, Any]]]] = {
    "townships": _orgs, "units": _orgs, "villages": _villages, "cadres": _cadres, "postings": _postings,
}


def _cell(worksheet: Any, value: Any) -> Any:
    if isinstance(value, str):
        # Always text: openpyxl would store a name starting with "=" as a formula.
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_export(sheets: Sequence[Sheet], out: IO[bytes]) -> int:
    """Write the sheets to `out`; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    count = 0
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        headers = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=column.header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            headers.append(cell)
        worksheet.append(headers)
        for record in RECORDS[sheet.kind](sheet.kind):
            worksheet.append([_cell(worksheet, c.format(record.get(c.source))) for c in sheet.columns])
            count += 1
        db.session.expunge_all()  # a big county must not pile up in the identity map
    workbook.save(out)
    return count
