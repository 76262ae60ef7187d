"""Who was stationed when, from the postings: the support ledger's rows and the checks of what may
be recorded for a cadre (a trip on a day they were posted, an allowance of a month they served)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import Posting


def month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def overlaps(start: date, end: date) -> sa.ColumnElement[bool]:
    """The posting ran on some day from `start` to `end` (both included); a posting without an
    end is running."""
    return sa.and_(Posting.term_start <= end, sa.or_(Posting.term_end.is_(None), Posting.term_end >= start))


def stationed_between(cadre_id: str, start: date, end: date) -> bool:
    found = db.session.execute(sa.select(Posting.id).where(
        Posting.cadre_id == cadre_id, overlaps(start, end)).limit(1)).first()
    return found is not None


def stationed_months(cadre_id: str, year: int) -> set[int]:
    """The months of `year` in which the cadre was posted on at least one day."""
    spans = db.session.execute(sa.select(Posting.term_start, Posting.term_end).where(
        Posting.cadre_id == cadre_id, overlaps(date(year, 1, 1), date(year, 12, 31)))).all()
    return months_of(spans, year)


def months_of(spans: Iterable[Sequence[Any]], year: int) -> set[int]:
    """The months of `year` that (term_start, term_end) spans touch."""
    months: set[int] = set()
    for start, end in spans:
        for month in range(1, 13):
            first, last = month_span(year, month)
            if start <= last and (end is None or end >= first):
                months.add(month)
    return months
