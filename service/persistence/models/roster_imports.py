"""Roster workbooks uploaded for import, kept by their sha256 until they are committed.

The preview and the commit are two requests: the commit applies the stored bytes, so exactly the
file that was previewed is written (and its hash names the source of every change it makes).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class RosterImport(Model):
    __tablename__ = "roster_imports"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 hex of the content
    # The sheet kind the file was previewed as ("townships" ... "postings"), or "all": every
    # worksheet named like a roster sheet.
    sheet: Mapped[str] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    size: Mapped[int] = mapped_column(sa.Integer)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    committed_by: Mapped[str | None] = mapped_column(sa.String(64))
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
