"""Store the calendar years a command looked up, in the command's own transaction.

The live engine's calendar takes a year that has neither an admin entry nor a pin from
chinese-calendar (or counts it weekends only when the library does not know it). Whatever it took
becomes a calendar_pins row before the command commits, in force from the command's time: the
audit replay of the command's event then finds it there, and every later command counts the year
the same way, whatever chinese-calendar release is installed by then. A command that cannot be
stored that way (another one pinned the year first) is refused with a 409 and tried again; by then
the engine is rebuilt from the stored rows.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.models import CalendarPin
from workflows.working_days import LIBRARY_VERSION, WorkingCalendar, YearCalendar


def _stored(pin: CalendarPin) -> YearCalendar:
    return YearCalendar(pin.source, frozenset(map(date.fromisoformat, pin.holidays or [])),
                        frozenset(map(date.fromisoformat, pin.workdays or [])))


def pin_looked_up_years(calendar: WorkingCalendar, at: datetime) -> None:
    """Pin the years `calendar` looked up itself (none, nearly always: once a year is pinned the
    engine is rebuilt with it, and then it looks nothing up for that year)."""
    looked_up = calendar.looked_up_years()
    if not looked_up:
        return
    pinned = {p.year: p for p in db.session.execute(
        sa.select(CalendarPin).where(CalendarPin.year.in_(looked_up))).scalars()}
    for year, counted in sorted(looked_up.items()):
        pin = pinned.get(year)
        if pin is None:
            db.session.add(CalendarPin(
                year=year, source=counted.source, holidays=sorted(d.isoformat() for d in counted.holidays),
                workdays=sorted(d.isoformat() for d in counted.workdays), library_version=LIBRARY_VERSION,
                pinned_at=at))
        elif _stored(pin) != counted or pin.pinned_at > at:
            # Pinned by another command since this engine was built: either differently (another
            # replica's library release) or after this command's time, where a replay of this
            # event would not see it. Counting again on the stored year is the only safe answer.
            raise Conflict("节假日日历刚刚更新，请重试。", slug="calendar-changed")
    db.session.flush()  # the unique year is checked now; a later save in this transaction sees the pin
