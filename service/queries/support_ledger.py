"""工作保障台账: per stationed cadre and month, the support they were given, and what is missing.

Shared by GET /api/v1/support/ledger, its Excel export and the pages. The cadres are those posted
on some day of the year (any role), as the access policy lets the caller read them
(access.support_cadre_clause). A page of cadres is read in a handful of statements whatever its
size: the cadres, their postings of the year, the trips by month, the allowances, the insurance
and the health checks.

Gaps flagged: no insurance record for the year, or one below the configured cover; no health check
done in the year; a month the cadre served in, before the current one, without a living or a phone
allowance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa

from service.config import get_settings
from service.core.clock import now
from service.core.errors import NotFound
from service.core.labels import ALLOWANCE_KIND_NAMES, POSTING_ROLE_NAMES, SUPPORT_FLAG_NAMES
from service.core.money import yuan_text
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import (
    Cadre,
    Org,
    Posting,
    SupportAllowance,
    SupportHealthCheck,
    SupportInsurance,
    SupportTransport,
    Village,
)
from service.queries.access import can_see_support, support_cadre_clause
from service.queries.stationed import months_of, overlaps

MONTHS = range(1, 13)


class CadreRow(NamedTuple):
    """A ledger row's cadre, as _cadres() selects it."""

    id: str
    name: str
    unit_id: str
    unit_name: str


@dataclass(frozen=True)
class LedgerFilter:
    year: int
    unit_id: str | None = None  # the cadres' own organisation (a dispatch unit, or a township)
    # The county's insurance page: cadres without a record for the year first.
    uninsured_first: bool = False


def county_today() -> date:
    """Today on the county's calendar (Beijing), by the app's clock: months before it are due."""
    return now().astimezone(get_settings().tz).date()


def _year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _cadres(principal: Principal, filters: LedgerFilter) -> sa.Select:
    stationed = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id,
                                            overlaps(*_year_span(filters.year))).exists()
    stmt = (sa.select(Cadre.id, Cadre.name, Cadre.unit_id, Org.name.label("unit_name"))
            .join(Org, Org.id == Cadre.unit_id).where(stationed))
    visible = support_cadre_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    if filters.unit_id:
        stmt = stmt.where(Cadre.unit_id == filters.unit_id)
    order: list[Any] = [Cadre.unit_id, Cadre.id]
    if filters.uninsured_first:
        insured = sa.select(SupportInsurance.id).where(SupportInsurance.cadre_id == Cadre.id,
                                                       SupportInsurance.year == filters.year).exists()
        order.insert(0, sa.case((insured, 1), else_=0))
    return stmt.order_by(*order)


def ledger_page(principal: Principal, filters: LedgerFilter, today: date, page: int,
                per_page: int) -> dict[str, Any]:
    stmt = _cadres(principal, filters)
    count = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    total = db.session.execute(count).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": _items(rows, filters.year, today), "total": total, "page": page, "per_page": per_page}


def ledger_all(principal: Principal, filters: LedgerFilter, today: date,
               chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every row (the export), `chunk` cadres at a time."""
    stmt = _cadres(principal, filters)
    offset = 0
    while True:
        rows = db.session.execute(stmt.limit(chunk).offset(offset)).all()
        yield from _items(rows, filters.year, today)
        if len(rows) < chunk:
            return
        offset += chunk


def cadre_ledger(principal: Principal, cadre_id: str, year: int, today: date) -> dict[str, Any]:
    """One cadre's row with the entries behind it (each trip, each allowance); 404 for a cadre the
    caller may not read, as for one that does not exist."""
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None or not can_see_support(principal, cadre):
        raise NotFound(f"干部 {cadre_id} 不存在。")
    unit = db.session.get_one(Org, cadre.unit_id)
    item = _items([CadreRow(cadre.id, cadre.name, cadre.unit_id, unit.name)], year, today)[0]
    trips = db.session.execute(sa.select(SupportTransport).where(
        SupportTransport.cadre_id == cadre.id, SupportTransport.year == year)
        .order_by(SupportTransport.trip_date)).scalars().all()
    item["trips"] = [{"id": t.id, "trip_date": t.trip_date, "month": t.month, "route": t.route,
                      "amount_yuan": yuan_text(t.amount_fen), "note": t.note, "recorded_by": t.recorded_by,
                      "recorded_at": t.recorded_at} for t in trips]
    allowances = db.session.execute(sa.select(SupportAllowance).where(
        SupportAllowance.cadre_id == cadre.id, SupportAllowance.year == year)
        .order_by(SupportAllowance.month, SupportAllowance.kind)).scalars().all()
    item["allowances"] = [{"id": a.id, "month": a.month, "kind": a.kind,
                           "kind_name": ALLOWANCE_KIND_NAMES[a.kind],
                           "amount_yuan": yuan_text(a.amount_fen), "recorded_by": a.recorded_by,
                           "recorded_at": a.recorded_at} for a in allowances]
    return item


def _items(rows: Any, year: int, today: date) -> list[dict[str, Any]]:
    rows = list(rows)
    ids = [r.id for r in rows]
    if not ids:
        return []
    postings = _postings(ids, year)
    trips = _grouped(sa.select(SupportTransport.cadre_id, SupportTransport.month,
                               sa.func.count(SupportTransport.id), sa.func.sum(SupportTransport.amount_fen))
                     .where(SupportTransport.cadre_id.in_(ids), SupportTransport.year == year)
                     .group_by(SupportTransport.cadre_id, SupportTransport.month))
    allowances: dict[tuple[str, int, str], int] = {
        (a.cadre_id, a.month, a.kind): a.amount_fen for a in db.session.execute(
            sa.select(SupportAllowance.cadre_id, SupportAllowance.month, SupportAllowance.kind,
                      SupportAllowance.amount_fen)
            .where(SupportAllowance.cadre_id.in_(ids), SupportAllowance.year == year))}
    insurance = {i.cadre_id: i for i in db.session.execute(sa.select(SupportInsurance).where(
        SupportInsurance.cadre_id.in_(ids), SupportInsurance.year == year)).scalars()}
    health = {h.cadre_id: h for h in db.session.execute(sa.select(SupportHealthCheck).where(
        SupportHealthCheck.cadre_id.in_(ids), SupportHealthCheck.year == year)).scalars()}
    min_cover = get_settings().insurance_min_cover_yuan
    return [_item(r, year, today, postings.get(r.id, []), trips, allowances, insurance.get(r.id),
                  health.get(r.id), min_cover) for r in rows]


def _grouped(stmt: sa.Select) -> dict[tuple[str, int], tuple[int, int]]:
    return {(cadre_id, month): (count, int(total or 0))
            for cadre_id, month, count, total in db.session.execute(stmt)}


def _postings(ids: list[str], year: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    stmt = (sa.select(Posting.cadre_id, Posting.village_id, Village.name, Posting.role, Posting.term_start,
                      Posting.term_end)
            .join(Village, Village.id == Posting.village_id)
            .where(Posting.cadre_id.in_(ids), overlaps(*_year_span(year)))
            .order_by(Posting.cadre_id, Posting.term_start))
    for p in db.session.execute(stmt):
        out.setdefault(p.cadre_id, []).append({
            "village_id": p.village_id, "village_name": p.name, "role": p.role,
            "role_name": POSTING_ROLE_NAMES.get(p.role, p.role), "term_start": p.term_start,
            "term_end": p.term_end})
    return out


def _due(year: int, month: int, today: date) -> bool:
    """A month's allowances are owed once the month is over."""
    return (year, month) < (today.year, today.month)


def _item(row: Any, year: int, today: date, postings: list[dict[str, Any]],
          trips: dict[tuple[str, int], tuple[int, int]], allowances: dict[tuple[str, int, str], int],
          insurance: SupportInsurance | None, health: SupportHealthCheck | None,
          min_cover: int) -> dict[str, Any]:
    served = months_of([(p["term_start"], p["term_end"]) for p in postings], year)
    months = []
    missing_months = []
    totals = {"trips": 0, "transport": 0, "living": 0, "phone": 0}
    for month in MONTHS:
        count, fen = trips.get((row.id, month), (0, 0))
        paid = {kind: allowances.get((row.id, month, kind)) for kind in ALLOWANCE_KIND_NAMES}
        missing = [kind for kind, amount in paid.items()
                   if amount is None and month in served and _due(year, month, today)]
        if missing:
            missing_months.append(month)
        totals["trips"] += count
        totals["transport"] += fen
        for kind, amount in paid.items():
            totals[kind] += amount or 0
        months.append({"month": month, "stationed": month in served, "trips": count,
                       "transport_yuan": yuan_text(fen) if count else None,
                       "living_yuan": yuan_text(paid["living"]) if paid["living"] is not None else None,
                       "phone_yuan": yuan_text(paid["phone"]) if paid["phone"] is not None else None,
                       "missing": missing})
    flags = []
    if insurance is None:
        flags.append(_flag("no_insurance"))
    elif insurance.cover_yuan < min_cover:
        flags.append(_flag("insurance_below_cover",
                           f"保额 {insurance.cover_yuan} 元，低于规定的 {min_cover} 元"))
    if health is None or not health.done:
        flags.append(_flag("no_health_check"))
    if missing_months:
        flags.append(_flag("allowance_missing", month_ranges(missing_months)))
    return {
        "cadre_id": row.id, "cadre_name": row.name, "unit_id": row.unit_id, "unit_name": row.unit_name,
        "year": year, "postings": postings, "months": months,
        "insurance": None if insurance is None else {
            "insurer": insurance.insurer, "policy_no": insurance.policy_no,
            "cover_yuan": insurance.cover_yuan,
            "period_start": insurance.period_start, "period_end": insurance.period_end,
            "below_cover": insurance.cover_yuan < min_cover, "recorded_by": insurance.recorded_by},
        "health_check": None if health is None else {
            "done": health.done, "check_date": health.check_date, "note": health.note},
        "totals": {"trips": totals["trips"], "transport_yuan": yuan_text(totals["transport"]),
                   "living_yuan": yuan_text(totals["living"]), "phone_yuan": yuan_text(totals["phone"])},
        "flags": flags,
    }


def month_ranges(months: list[int]) -> str:
    """[1, 2, 3, 5] -> "1—3月、5月"."""
    runs: list[list[int]] = []
    for month in sorted(months):
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(f"{run[0]}—{run[-1]}月" if len(run) > 1 else f"{run[0]}月" for run in runs)


def _flag(code: str, detail: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": SUPPORT_FLAG_NAMES[code], "detail": detail}
