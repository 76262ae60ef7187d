"""Roster edits for the coverage and term-reminder tests: post a cadre, change a posting, undo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask

from service.persistence.db import db
from service.persistence.models import Posting


def active_posting(cadre_id: str) -> Posting:
    return db.session.execute(sa.select(Posting).where(
        Posting.cadre_id == cadre_id, Posting.active.is_(True))).scalar_one()


@contextmanager
def posted(app: Flask, cadre_id: str, village_id: str, role: str, **values: Any) -> Iterator[int]:
    """Post `cadre_id` for the duration of the block (the posting is deleted afterwards)."""
    with app.app_context():
        row = Posting(cadre_id=cadre_id, village_id=village_id, role=role, term_start=date(2025, 3, 1),
                      planned_end=date(2027, 2, 28), active=True, **values)
        db.session.add(row)
        db.session.commit()
        posting_id = row.id
    try:
        yield posting_id
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Posting).where(Posting.id == posting_id))
            db.session.commit()


@contextmanager
def changed(app: Flask, cadre_id: str, **values: Any) -> Iterator[int]:
    """Change the cadre's active posting for the duration of the block (restored afterwards)."""
    with app.app_context():
        row = active_posting(cadre_id)
        before = {name: getattr(row, name) for name in values}
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        posting_id = row.id
    try:
        yield posting_id
    finally:
        with app.app_context():
            row = db.session.get_one(Posting, posting_id)
            for name, value in before.items():
                setattr(row, name, value)
            db.session.commit()
